// A real proxy for the fuzz tests: one HTTP listener (HTTP/1.1 and h2c, normalize_path and merge_slashes on, as
// the translation configures them) routing every host and path to one real upstream that answers 200.
import { MeshProxy } from '../../src/proxy/index.ts';
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type { Listener__Output } from '../../src/xds/protos/index.ts';
import { cluster, endpoints, prefixRoute, routeConfig, snapshot, vhost } from '../proxy/envoy-fixtures.ts';
import { startHttpServer, type TestServer } from '../support/echo-apps.ts';

export interface FuzzProxy {
  readonly proxy: MeshProxy;
  readonly port: number;
  readonly upstream: TestServer;
  close(): Promise<void>;
}

function listener(): Listener__Output {
  const hcm = {
    stat_prefix: 'fuzz',
    codec_type: 'AUTO',
    normalize_path: { value: true },
    merge_slashes: true,
    http_filters: [
      { name: 'envoy.filters.http.router', typed_config: packAny(extensionTypeUrls.router, {}) },
    ],
    rds: { route_config_name: 'fuzz', config_source: { ads: {} } },
  };
  return unpackAny(
    packAny(typeUrls.listener, {
      name: 'fuzz',
      address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
      filter_chains: [
        {
          filters: [
            {
              name: 'envoy.filters.network.http_connection_manager',
              typed_config: packAny(extensionTypeUrls.httpConnectionManager, hcm),
            },
          ],
        },
      ],
    }),
  ) as Listener__Output;
}

export async function startFuzzProxy(): Promise<FuzzProxy> {
  const upstream = await startHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`${req.method ?? ''} ${req.url ?? ''}`));
    req.on('error', () => {});
  });
  const proxy = new MeshProxy();
  await proxy.start();
  await proxy.applyConfig(
    snapshot({
      listeners: [listener()],
      routeConfigurations: [routeConfig('fuzz', [vhost('all', ['*'], [prefixRoute('/', 'svc')])])],
      clusters: [cluster('svc')],
      clusterLoadAssignments: [endpoints('svc', [upstream.port])],
    }),
  );
  return {
    proxy,
    port: proxy.listenerPort('fuzz') ?? 0,
    upstream,
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}
