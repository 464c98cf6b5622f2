// Child script: the plainest Node.js HTTP/1.1 proxy, as a reference for what the runtime itself costs. node:http
// server in front, node:http keep-alive agent behind, the answer piped through; no routing, retries, timers, stats
// or request ids. Its figures bound what any proxy written in Node.js can reach on the machine (latency, requests
// per core, and above all resident memory). Plain (type-checked) JavaScript, as a Node.js service ships: a .ts
// entry would make Node load its TypeScript stripper, about 17 MB that the sidecar, started from a warm compile
// cache, does not carry. Argument: {"upstreamPort"}; prints {"port"} once listening.
// @ts-check

import http from 'node:http';

/** @type {{ upstreamPort: number }} */
const { upstreamPort } = JSON.parse(process.argv[2] ?? '{}');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const upstream = http.request(
    { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  req.pipe(upstream);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
