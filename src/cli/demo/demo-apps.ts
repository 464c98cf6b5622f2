// The demo's applications: three color servers and a front server that asks the color service through its
// sidecar (HTTP proxy mode), as an app with HTTP_PROXY set would.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { colorServiceName, colorServicePort, type Color } from './color-app.ts';

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Answers `{"color": ...}` to every request. */
export async function startColorApp(color: Color, port: number): Promise<Server> {
  const body = JSON.stringify({ color });
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await listen(server, port);
  return server;
}

/** Asks the color service through the sidecar's outbound port and returns what it answered. */
function askColor(outboundPort: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: outboundPort,
        path: `http://${colorServiceName}:${colorServicePort}/`,
        headers: { host: `${colorServiceName}:${colorServicePort}` },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('color service did not answer in time')));
    req.on('error', reject);
    req.end();
  });
}

export async function startFrontApp(port: number, sidecarOutboundPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    askColor(sidecarOutboundPort).then(
      ({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      },
      (error: Error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.message }));
      },
    );
  });
  await listen(server, port);
  return server;
}
