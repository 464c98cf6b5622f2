// Starts a Proxy with one outbound HTTP listener routing host "svc" to cluster "svc", and the client the proxy
// tests send requests with.
import http from 'node:http';
import { MeshProxy } from '../../src/proxy/index.ts';
import type { MeshProxyOptions } from '../../src/proxy/index.ts';
import type { Cluster } from '../../src/xds/protos/index.ts';
import { httpRequest, type HttpAnswer } from '../support/http-client.ts';
import {
  cluster,
  endpoints,
  httpListener,
  prefixRoute,
  routeConfig,
  snapshot,
  vhost,
} from './envoy-fixtures.ts';

export interface Harness {
  readonly proxy: MeshProxy;
  readonly port: number;
  close(): Promise<void>;
}

export async function startSingleRouteProxy(
  upstreamPorts: readonly number[],
  routeAction: Record<string, unknown> = {},
  clusterExtra: Partial<Cluster> = {},
  options: MeshProxyOptions = {},
): Promise<Harness> {
  const proxy = new MeshProxy(options);
  await proxy.start();
  await proxy.applyConfig(
    snapshot({
      listeners: [httpListener('out')],
      routeConfigurations: [
        routeConfig('out', [vhost('svc', ['svc'], [prefixRoute('/', 'svc', routeAction)])]),
      ],
      clusters: [cluster('svc', clusterExtra)],
      clusterLoadAssignments: [endpoints('svc', upstreamPorts)],
    }),
  );
  return { proxy, port: proxy.listenerPort('out') ?? 0, close: () => proxy.close() };
}

export function counter(proxy: MeshProxy, name: string): number {
  return proxy.stats.counter(name).value;
}

export type SimpleResponse = HttpAnswer;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A request to a proxy listener, with Host `svc` unless told, over kept-alive connections. */
export function request(
  port: number,
  path: string,
  opts: { host?: string; method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<SimpleResponse> {
  return httpRequest(port, path, { ...opts, host: opts.host ?? 'svc', agent, timeoutMs: 60_000 });
}

/** Closes the kept-alive client connections (each test file's `after`). */
export function closeClientAgent(): void {
  agent.destroy();
}
