// Child script: the upstream app of the HTTP/1.1 scenario, answering every request with 1 KiB over keep-alive.
// Deliberately minimal (no node:http parser, one canned answer) so the app is not what limits a saturated run;
// it assumes requests without bodies, which is all the benchmark sends. Prints {"port"} once listening.

import net from 'node:net';

const body = Buffer.alloc(1024, 'x');
const answer = Buffer.concat([
  Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n`),
  body,
]);
const headEnd = Buffer.from('\r\n\r\n');

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let start = 0;
    let answers = 0;
    for (;;) {
      const end = pending.indexOf(headEnd, start);
      if (end < 0) break;
      answers++;
      start = end + headEnd.length;
    }
    pending = pending.subarray(start);
    if (answers === 1) socket.write(answer);
    else if (answers > 1) socket.write(Buffer.concat(Array.from({ length: answers }, () => answer)));
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
