// Worker thread of the apply-timing benchmark: an in-process ADS server publishing a 1,000-route configuration and
// one-resource changes to it, kept off the measured thread so its CPU is not counted against the proxy.
import { parentPort } from 'node:worker_threads';
import { AdsServer, Snapshot, SnapshotCache } from '../../src/xds/server/index.ts';
import { createResource, extensionTypeUrls, packAny, typeUrls } from '../../src/xds/protos/index.ts';
import type { Resource } from '../../src/xds/protos/index.ts';
import type { ApplyShape, WorkerRequest, WorkerReply } from './apply-protocol.ts';

const nodeId = 'mesh/bench/virtualNode/apply';
const cache = new SnapshotCache();
const server = new AdsServer({ cache });

const r = (typeUrl: string, message: object): Resource =>
  createResource(typeUrl as typeof typeUrls.cluster, message as never);

function listener(name: string): Resource {
  const hcm = {
    stat_prefix: name,
    codec_type: 'AUTO',
    http_filters: [
      { name: 'envoy.filters.http.router', typed_config: packAny(extensionTypeUrls.router, {}) },
    ],
    rds: { route_config_name: name, config_source: { ads: {} } },
  };
  return r(typeUrls.listener, {
    name,
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
  });
}

/** `routesPerListener` routes over 10 virtual hosts; `variant` changes one route's prefix. */
function routes(name: string, shape: ApplyShape, variant: number): Resource {
  const perHost = Math.ceil(shape.routesPerListener / 10);
  const virtual_hosts = Array.from({ length: 10 }, (_, h) => ({
    name: `${name}_vh${h}`,
    domains: [`svc${h}.${name}.local`, `svc${h}.${name}.local:8080`],
    routes: Array.from({ length: perHost }, (_, i) => ({
      match: { prefix: h === 0 && i === 0 ? `/changed-${variant}` : `/p${i}/` },
      route: { cluster: `c${(h * perHost + i) % shape.clusters}`, timeout: { seconds: 15 } },
    })),
  }));
  return r(typeUrls.routeConfiguration, { name, virtual_hosts });
}

function build(shape: ApplyShape, routeVariant: number, endpointVariant: number): Snapshot {
  const resources: Resource[] = [];
  for (let l = 0; l < shape.listeners; l++) {
    resources.push(listener(`l${l}`), routes(`l${l}`, shape, l === 0 ? routeVariant : 0));
  }
  for (let c = 0; c < shape.clusters; c++) {
    resources.push(
      r(typeUrls.cluster, {
        name: `c${c}`,
        type: 'EDS',
        eds_cluster_config: { eds_config: { ads: {} } },
        connect_timeout: { seconds: 1 },
        lb_policy: 'ROUND_ROBIN',
      }),
      r(typeUrls.clusterLoadAssignment, {
        cluster_name: `c${c}`,
        endpoints: [
          {
            lb_endpoints: [1, 2, 3].map((n) => ({
              endpoint: {
                address: {
                  socket_address: {
                    address: `127.0.0.${n}`,
                    port_value: 20_000 + (c === 0 ? endpointVariant : 0),
                  },
                },
              },
            })),
          },
        ],
      }),
    );
  }
  return new Snapshot(resources);
}

let prepared: Snapshot | undefined;
const reply = (message: WorkerReply): void => parentPort!.postMessage(message);

parentPort!.on('message', (message: WorkerRequest) => {
  if (message.type === 'start') {
    cache.setSnapshot(nodeId, build(message.shape, 0, 0));
    void server.listen('127.0.0.1:0').then((port) => reply({ type: 'listening', port, nodeId }));
  } else if (message.type === 'prepare') {
    prepared = build(message.shape, message.routeVariant, message.endpointVariant);
    reply({ type: 'prepared' });
  } else if (message.type === 'publish') {
    cache.setSnapshot(nodeId, prepared!);
  } else {
    void server.close().then(() => reply({ type: 'closed' }));
  }
});
