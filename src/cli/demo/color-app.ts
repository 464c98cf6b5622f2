// The demo mesh, in the style of App Mesh's color app: a gateway, a front service and a color service with
// three versions behind a router with weighted routes and a retry policy. Ports are chosen by the caller.

import type { AppMeshClient } from '../api-client.ts';

export const demoMeshName = 'color-app';
export const colorVersions = ['red', 'green', 'blue'] as const;
export type Color = (typeof colorVersions)[number];
export type ColorWeights = Readonly<Record<Color, number>>;

export const colorServiceName = `color.${demoMeshName}.local`;
export const frontServiceName = `front.${demoMeshName}.local`;
/** The port clients use for the color service (the router's listener). */
export const colorServicePort = 8080;

export interface DemoPorts {
  /** Where each app listens, which is also its virtual node's listener port. */
  readonly apps: Readonly<Record<Color | 'front', number>>;
  readonly gateway: number;
}

const httpListener = (port: number) => ({ portMapping: { port, protocol: 'http' } });

/** Nodes find their instances in the registry, where each sidecar registers itself. */
function nodeSpec(name: string, port: number, backends: string[] = []) {
  return {
    listeners: [
      {
        ...httpListener(port),
        outlierDetection: {
          maxServerErrors: 5,
          interval: { unit: 's', value: 5 },
          baseEjectionDuration: { unit: 's', value: 10 },
          maxEjectionPercent: 50,
        },
      },
    ],
    serviceDiscovery: { awsCloudMap: { namespaceName: `${demoMeshName}.local`, serviceName: name } },
    backends: backends.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
  };
}

export function colorRouteSpec(weights: ColorWeights) {
  return {
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: colorVersions.map((color) => ({
          virtualNode: `color-${color}`,
          weight: weights[color],
        })),
      },
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout: { unit: 'ms', value: 2000 },
        httpRetryEvents: ['server-error', 'gateway-error'],
      },
    },
  };
}

/** The update-route request that sets `weights`, as `aws appmesh update-route --cli-input-json` takes it. */
export function colorRouteUpdate(weights: ColorWeights) {
  return {
    meshName: demoMeshName,
    virtualRouterName: 'color-router',
    routeName: 'color-route',
    spec: colorRouteSpec(weights),
  };
}

/** Creates the demo mesh through the public API, in dependency order. */
export async function createColorApp(client: AppMeshClient, ports: DemoPorts): Promise<void> {
  const mesh = `/meshes/${demoMeshName}`;
  await client.call('PUT', '/meshes', { meshName: demoMeshName, spec: {} });
  for (const color of colorVersions) {
    await client.call('PUT', `${mesh}/virtualNodes`, {
      virtualNodeName: `color-${color}`,
      spec: nodeSpec(`color-${color}`, ports.apps[color]),
    });
  }
  await client.call('PUT', `${mesh}/virtualRouters`, {
    virtualRouterName: 'color-router',
    spec: { listeners: [httpListener(colorServicePort)] },
  });
  await client.call('PUT', `${mesh}/virtualRouter/color-router/routes`, {
    routeName: 'color-route',
    spec: colorRouteSpec({ red: 34, green: 33, blue: 33 }),
  });
  await client.call('PUT', `${mesh}/virtualServices`, {
    virtualServiceName: colorServiceName,
    spec: { provider: { virtualRouter: { virtualRouterName: 'color-router' } } },
  });
  await client.call('PUT', `${mesh}/virtualNodes`, {
    virtualNodeName: 'front',
    spec: nodeSpec('front', ports.apps.front, [colorServiceName]),
  });
  await client.call('PUT', `${mesh}/virtualServices`, {
    virtualServiceName: frontServiceName,
    spec: { provider: { virtualNode: { virtualNodeName: 'front' } } },
  });
  await client.call('PUT', `${mesh}/virtualGateways`, {
    virtualGatewayName: 'color-gateway',
    spec: { listeners: [httpListener(ports.gateway)] },
  });
  await client.call('PUT', `${mesh}/virtualGateway/color-gateway/gatewayRoutes`, {
    gatewayRouteName: 'to-front',
    spec: {
      httpRoute: {
        match: { prefix: '/' },
        action: { target: { virtualService: { virtualServiceName: frontServiceName } } },
      },
    },
  });
}
