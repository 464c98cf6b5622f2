// A small mesh for the raw ADS tests, built through the App Mesh API: services a/b/c.p.local, each behind its own
// router and served by one registry-discovered node, and helpers naming the resources clients receive.
import type { RouteSpec } from '@aws-sdk/client-app-mesh';
import type { Node } from '../../../src/xds/protos/message-types.ts';
import { testNode } from '../../xds/ads-test-client.ts';
import { clientNode, type MeshApiClient, registryNode } from '../../support/mesh-api-client.ts';

export const services = ['a', 'b', 'c'] as const;
export type ServiceLetter = (typeof services)[number];

export const serviceName = (letter: ServiceLetter): string => `${letter}.p.local`;
/** The route configuration a gRPC client's listener for the service points at. */
export const grpcRouteConfig = (letter: ServiceLetter): string => `rds_grpc_${letter}.p.local_8080`;

/** The one route of a service's router; `timeoutMs` varies its content so a write changes its RDS. */
export function mainRoute(letter: ServiceLetter, timeoutMs = 15_000): RouteSpec {
  return {
    grpcRoute: {
      match: { serviceName: 'switchyard.test.Echo' },
      action: { weightedTargets: [{ virtualNode: `svc-${letter}`, weight: 1 }] },
      timeout: { perRequest: { unit: 'ms', value: timeoutMs } },
    },
  };
}

export async function updateMainRoute(
  api: MeshApiClient,
  mesh: string,
  letter: ServiceLetter,
  timeoutMs: number,
) {
  await api.updateRoute(mesh, `r-${letter}`, 'main', mainRoute(letter, timeoutMs));
}

/** Creates the mesh, its three services and client nodes with the given backends. */
export async function buildMesh(
  api: MeshApiClient,
  mesh: string,
  clients: Readonly<Record<string, readonly ServiceLetter[]>>,
): Promise<void> {
  await api.createMesh(mesh);
  for (const [i, letter] of services.entries()) {
    await api.createNode(mesh, `svc-${letter}`, registryNode(`svc-${letter}`));
    await api.registerInstance(mesh, `svc-${letter}`, `${letter}-1`, 10_001 + i);
    await api.createRouter(mesh, `r-${letter}`, {
      listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }],
    });
    await api.createRoute(mesh, `r-${letter}`, 'main', mainRoute(letter));
    await api.createService(mesh, serviceName(letter), {
      provider: { virtualRouter: { virtualRouterName: `r-${letter}` } },
    });
  }
  for (const [name, backends] of Object.entries(clients))
    await api.createNode(mesh, name, clientNode(...backends.map(serviceName)));
}

/** The Envoy node of a proxyless gRPC client of `mesh/<mesh>/virtualNode/<name>`. */
export function grpcNode(mesh: string, name: string): Node {
  return {
    ...testNode(`mesh/${mesh}/virtualNode/${name}`),
    user_agent_name: 'gRPC Node Pure JS',
    user_agent_version: '1.14.1',
  };
}
