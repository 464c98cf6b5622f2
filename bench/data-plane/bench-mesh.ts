// The App Mesh resources of a data-plane run, created through the REST API: a `hop` node whose inbound listener
// fronts the app (the one-hop path), and the mesh path: a `client` node whose sidecar routes the virtual service
// `server.bench.local` through a virtual router to the `server` node, whose sidecar registers itself and fronts
// the same app.

import type { ApiDriver } from '../control-plane/api-driver.ts';
import { grpcServiceName } from './grpc-echo.ts';

export const benchMeshName = 'bench';
export const serviceName = 'server.bench.local';
export const servicePort = 8080;
/** What a client puts in Host / :authority to reach the service through its sidecar. */
export const serviceAuthority = `${serviceName}:${servicePort}`;

export type BenchProtocol = 'http' | 'grpc';

export const nodeId = (name: 'hop' | 'server' | 'client'): string =>
  `mesh/${benchMeshName}/virtualNode/${name}`;

export async function createBenchMesh(
  api: ApiDriver,
  protocol: BenchProtocol,
  appPort: number,
): Promise<void> {
  const m = `/v20190125/meshes/${benchMeshName}`;
  const listener = { portMapping: { port: appPort, protocol } };
  const route =
    protocol === 'http'
      ? {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'server', weight: 1 }] },
          },
        }
      : {
          grpcRoute: {
            match: { serviceName: grpcServiceName },
            action: { weightedTargets: [{ virtualNode: 'server', weight: 1 }] },
          },
        };
  await api.call('PUT', '/v20190125/meshes', { meshName: benchMeshName, spec: {} });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'hop',
    spec: { listeners: [listener], serviceDiscovery: { dns: { hostname: '127.0.0.1' } } },
  });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'server',
    spec: {
      listeners: [listener],
      serviceDiscovery: { awsCloudMap: { namespaceName: 'bench.local', serviceName: 'server' } },
    },
  });
  await api.call('PUT', `${m}/virtualRouters`, {
    virtualRouterName: 'server',
    spec: { listeners: [{ portMapping: { port: servicePort, protocol } }] },
  });
  await api.call('PUT', `${m}/virtualRouter/server/routes`, { routeName: 'default', spec: route });
  await api.call('PUT', `${m}/virtualServices`, {
    virtualServiceName: serviceName,
    spec: { provider: { virtualRouter: { virtualRouterName: 'server' } } },
  });
  await api.call('PUT', `${m}/virtualNodes`, {
    virtualNodeName: 'client',
    spec: {
      backends: [{ virtualService: { virtualServiceName: serviceName } }],
      serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
    },
  });
}
