// The demo's applications: three color servers and a front server that asks the color service through its
// sidecar (HTTP proxy mode), as an app with HTTP_PROXY set would.

import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
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

/**
 * Headers an app copies from the request it serves onto the requests it makes, so the mesh can join the hops
 * into one trace (the sidecars cannot tell which outgoing request belongs to which incoming one).
 */
const propagatedHeaders = [
  'x-request-id',
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'x-amzn-trace-id',
];

function traceHeadersOf(incoming: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of propagatedHeaders) {
    const value = incoming[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Asks the color service through the sidecar's outbound port and returns what it answered. */
function askColor(
  outboundPort: number,
  trace: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: outboundPort,
        path: `http://${colorServiceName}:${colorServicePort}/`,
        headers: { ...trace, host: `${colorServiceName}:${colorServicePort}` },
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
    askColor(sidecarOutboundPort, traceHeadersOf(req.headers)).then(
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
