// The demo mesh, in the style of App Mesh's color app: a gateway, a front service and a color service
// with three versions behind a router with weighted routes and a retry policy.

import type { AppMeshClient } from '../api-client.ts';

export const demoMeshName = 'color-app';
export const colorVersions = ['red', 'green', 'blue'] as const;

const httpListener = (port: number) => ({ portMapping: { port, protocol: 'http' } });

function nodeSpec(hostname: string, backends: string[] = []) {
  return {
    listeners: [httpListener(8080)],
    serviceDiscovery: { dns: { hostname } },
    backends: backends.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
  };
}

export function colorRouteSpec(weights: Readonly<Record<(typeof colorVersions)[number], number>>) {
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

/** Creates the demo mesh through the public API, in dependency order. */
export async function createColorApp(client: AppMeshClient): Promise<void> {
  const mesh = `/meshes/${demoMeshName}`;
  await client.call('PUT', '/meshes', { meshName: demoMeshName, spec: {} });
  for (const color of colorVersions) {
    await client.call('PUT', `${mesh}/virtualNodes`, {
      virtualNodeName: `color-${color}`,
      spec: nodeSpec(`color-${color}.${demoMeshName}.local`),
    });
  }
  await client.call('PUT', `${mesh}/virtualRouters`, {
    virtualRouterName: 'color-router',
    spec: { listeners: [httpListener(8080)] },
  });
  await client.call('PUT', `${mesh}/virtualRouter/color-router/routes`, {
    routeName: 'color-route',
    spec: colorRouteSpec({ red: 34, green: 33, blue: 33 }),
  });
  await client.call('PUT', `${mesh}/virtualServices`, {
    virtualServiceName: `color.${demoMeshName}.local`,
    spec: { provider: { virtualRouter: { virtualRouterName: 'color-router' } } },
  });
  await client.call('PUT', `${mesh}/virtualNodes`, {
    virtualNodeName: 'front',
    spec: nodeSpec(`front.${demoMeshName}.local`, [`color.${demoMeshName}.local`]),
  });
  await client.call('PUT', `${mesh}/virtualServices`, {
    virtualServiceName: `front.${demoMeshName}.local`,
    spec: { provider: { virtualNode: { virtualNodeName: 'front' } } },
  });
  await client.call('PUT', `${mesh}/virtualGateways`, {
    virtualGatewayName: 'color-gateway',
    spec: { listeners: [httpListener(9000)] },
  });
  await client.call('PUT', `${mesh}/virtualGateway/color-gateway/gatewayRoutes`, {
    gatewayRouteName: 'to-front',
    spec: {
      httpRoute: {
        match: { prefix: '/' },
        action: { target: { virtualService: { virtualServiceName: `front.${demoMeshName}.local` } } },
      },
    },
  });
}
