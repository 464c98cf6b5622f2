// Child script: a Node.js TCP pipe, the floor under any proxy written in Node.js. Every accepted connection gets
// its own connection to the app and bytes are copied both ways as they arrive: no HTTP parsing, routing, timers,
// stats or config at all. Its CPU and memory at 1,000 req/s are what moving the bytes through one Node.js process
// costs on the machine, so the sidecar's figures can be read as that floor plus what Switchyard adds.
// Plain (type-checked) JavaScript, as a Node.js service ships: a .ts entry would make Node load its TypeScript
// stripper, about 17 MB that the sidecar, started from a warm compile cache, does not carry.
// Argument: {"upstreamPort"}; prints {"port"} once listening.
// @ts-check

import net from 'node:net';

/** @type {{ upstreamPort: number }} */
const { upstreamPort } = JSON.parse(process.argv[2] ?? '{}');

/**
 * Copies `from` into `to` with back-pressure; either side failing or closing takes the other down too.
 * @param {net.Socket} from
 * @param {net.Socket} to
 */
function relay(from, to) {
  from.pipe(to);
  from.on('error', () => to.destroy());
  from.once('close', () => to.destroy());
}

const server = net.createServer({ noDelay: true }, (client) => {
  const app = net.connect({ host: '127.0.0.1', port: upstreamPort, noDelay: true });
  relay(client, app);
  relay(app, client);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
