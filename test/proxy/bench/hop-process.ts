// Child process for the wrk hop benchmark: the upstream app, a Switchyard proxy in front of it, or a naive pipe proxy.
// Prints its port on stdout once listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

const role = process.argv[2] as 'upstream' | 'proxy' | 'naive';
const upstreamPort = Number(process.argv[3] ?? 0);
const body = Buffer.alloc(1024, 120);

function announce(server: http.Server): void {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}

if (role === 'upstream') {
  announce(
    http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    }),
  );
} else if (role === 'naive') {
  // The least a Node proxy can do: a keep-alive agent and pipes, no routing or policies.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  announce(
    http.createServer((req, res) => {
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
    }),
  );
} else {
  const proxy = new MeshProxy();
  await proxy.applyConfig(
    snapshot({
      listeners: [httpListener('out')],
      routeConfigurations: [
        routeConfig('out', [
          vhost(
            'svc',
            ['svc', 'svc:*'],
            [
              prefixRoute('/', 'svc', {
                retry_policy: { retry_on: 'gateway-error,reset,connect-failure', num_retries: { value: 2 } },
                timeout: { seconds: 15 },
              }),
            ],
          ),
        ]),
      ],
      clusters: [cluster('svc')],
      clusterLoadAssignments: [endpoints('svc', [upstreamPort])],
    }),
  );
  process.stdout.write(`${proxy.listenerPort('out')}\n`);
}
// A clean exit on SIGTERM so that --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
