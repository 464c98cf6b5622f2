// Worker for the proxy-hop benchmark: either the upstream HTTP server or a Proxy in front of it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { MeshProxy } from '../../../src/proxy/index.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from '../envoy-fixtures.ts';

const { role, upstreamPort } = workerData as { role: 'upstream' | 'proxy' | 'naive'; upstreamPort?: number };
const large = Buffer.alloc(64 * 1024, 1);

if (role === 'upstream') {
  const server = http.createServer((req, res) => {
    req.resume();
    const body = req.url === '/large' ? large : 'hello';
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => parentPort?.postMessage((server.address() as AddressInfo).port));
} else if (role === 'naive') {
  // Reference point: the least a Node proxy can do (keep-alive agent and pipes, no routing or policies).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const server = http.createServer((req, res) => {
    const up = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => parentPort?.postMessage((server.address() as AddressInfo).port));
} else {
  const proxy = new MeshProxy();
  await proxy.applyConfig(
    snapshot({
      listeners: [httpListener('out')],
      routeConfigurations: [
        routeConfig('out', [
          vhost('svc', ['svc'], [prefixRoute('/', 'svc', { retry_policy: { retry_on: '5xx' } })]),
        ]),
      ],
      clusters: [cluster('svc')],
      clusterLoadAssignments: [endpoints('svc', [upstreamPort ?? 0])],
    }),
  );
  parentPort?.postMessage(proxy.listenerPort('out'));
}
