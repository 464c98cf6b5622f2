// Generates a deterministic synthetic mesh: nodes behind routers with weighted routes, each node calling a few
// services, one of them ("svc-0000", the hot service) called by every node so one route change reaches them all.

import type { KindName } from '../../src/model/resource-kinds.ts';

export interface ApiRequest {
  readonly kind: KindName;
  /** Below /v20190125. */
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface RouteRef {
  readonly routerName: string;
  readonly routeName: string;
  readonly spec: HttpRouteSpec;
}

interface WeightedTarget {
  readonly virtualNode: string;
  readonly weight: number;
}

export interface HttpRouteSpec {
  readonly priority: number;
  readonly httpRoute: {
    readonly match: { readonly prefix: string; readonly headers?: readonly unknown[] };
    readonly action: { readonly weightedTargets: readonly WeightedTarget[] };
  };
}

export interface SyntheticMesh {
  readonly meshName: string;
  readonly nodeNames: readonly string[];
  readonly serviceNames: readonly string[];
  /** In an order the API accepts: mesh, routers, services, nodes, routes. */
  readonly requests: readonly ApiRequest[];
  /** The weighted route of the hot service: every node depends on it. */
  readonly hotRoute: RouteRef;
  readonly listenerPort: number;
  readonly cloudMapNamespace: string;
}

/** mulberry32: a tiny seeded generator, so the same size always yields the same mesh. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct integers from [0, bound) other than those in `exclude`. */
function pick(random: () => number, count: number, bound: number, exclude: ReadonlySet<number>): number[] {
  const chosen = new Set<number>();
  const want = Math.min(count, bound - exclude.size);
  while (chosen.size < want) {
    const candidate = Math.floor(random() * bound);
    if (!exclude.has(candidate)) chosen.add(candidate);
  }
  return [...chosen];
}

const pad = (i: number): string => String(i).padStart(4, '0');
const listenerPort = 8080;
const http = { port: listenerPort, protocol: 'http' };

/**
 * A mesh of `nodeCount` virtual nodes and max(3, nodeCount/10) services, each provided by a router with two
 * routes: a default one splitting by weight over 2–3 nodes and a header-matched canary route to one node.
 * Every node calls the hot service plus 2–4 others. Initial weights are multiples of 10.
 */
export function generateMesh(nodeCount: number, meshName = `bench-${nodeCount}`): SyntheticMesh {
  const random = seeded(nodeCount);
  const namespace = `${meshName}.local`;
  const serviceCount = Math.max(3, Math.round(nodeCount / 10));
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `node-${pad(i)}`);
  const serviceNames = Array.from({ length: serviceCount }, (_, i) => `svc-${pad(i)}.${namespace}`);
  const routerName = (i: number): string => `router-${pad(i)}`;
  const m = `/meshes/${meshName}`;
  const requests: ApiRequest[] = [
    { kind: 'mesh', path: '/meshes', body: { meshName, spec: { egressFilter: { type: 'DROP_ALL' } } } },
  ];
  for (let i = 0; i < serviceCount; i++) {
    requests.push({
      kind: 'virtualRouter',
      path: `${m}/virtualRouters`,
      body: { virtualRouterName: routerName(i), spec: { listeners: [{ portMapping: http }] } },
    });
  }
  for (let i = 0; i < serviceCount; i++) {
    requests.push({
      kind: 'virtualService',
      path: `${m}/virtualServices`,
      body: {
        virtualServiceName: serviceNames[i],
        spec: { provider: { virtualRouter: { virtualRouterName: routerName(i) } } },
      },
    });
  }
  for (const [i, name] of nodeNames.entries()) {
    const others = pick(random, 2 + Math.floor(random() * 3), serviceCount, new Set([0]));
    requests.push({
      kind: 'virtualNode',
      path: `${m}/virtualNodes`,
      body: {
        virtualNodeName: name,
        spec: {
          listeners: [{ portMapping: http }],
          serviceDiscovery: { awsCloudMap: { namespaceName: namespace, serviceName: `node-${pad(i)}` } },
          backends: [0, ...others].map((s) => ({ virtualService: { virtualServiceName: serviceNames[s] } })),
        },
      },
    });
  }
  let hotRoute: RouteRef | undefined;
  for (let i = 0; i < serviceCount; i++) {
    const targets = pick(random, 2 + Math.floor(random() * 2), nodeCount, new Set());
    const weights = targets.length === 2 ? [70, 30] : [50, 30, 20];
    const spec: HttpRouteSpec = {
      priority: 10,
      httpRoute: {
        match: { prefix: '/' },
        action: {
          weightedTargets: targets.map((t, k) => ({ virtualNode: nodeNames[t]!, weight: weights[k]! })),
        },
      },
    };
    const routesPath = `${m}/virtualRouter/${routerName(i)}/routes`;
    requests.push({ kind: 'route', path: routesPath, body: { routeName: 'default', spec } });
    requests.push({
      kind: 'route',
      path: routesPath,
      body: {
        routeName: 'canary',
        spec: {
          priority: 1,
          httpRoute: {
            match: { prefix: '/', headers: [{ name: 'x-canary', match: { exact: 'true' } }] },
            action: { weightedTargets: [{ virtualNode: nodeNames[targets[0]!]!, weight: 100 }] },
          },
        },
      },
    });
    if (i === 0) hotRoute = { routerName: routerName(i), routeName: 'default', spec };
  }
  return {
    meshName,
    nodeNames,
    serviceNames,
    requests,
    hotRoute: hotRoute!,
    listenerPort,
    cloudMapNamespace: namespace,
  };
}

/**
 * The hot route with its first target's weight set to `marker` and the others lowered to multiples of 10 that
 * keep the sum within 100 (App Mesh's limit). Markers are not multiples of 10, so a RouteConfiguration carrying
 * one can only come from this change.
 */
export function withMarkerWeight(route: RouteRef, marker: number): HttpRouteSpec {
  const [first, ...rest] = route.spec.httpRoute.action.weightedTargets;
  const other = Math.floor((100 - marker) / rest.length / 10) * 10;
  return {
    ...route.spec,
    httpRoute: {
      ...route.spec.httpRoute,
      action: {
        weightedTargets: [{ ...first!, weight: marker }, ...rest.map((t) => ({ ...t, weight: other }))],
      },
    },
  };
}

/** The i-th change's marker weight: 11..49, never a multiple of 10, and different from the previous one. */
export function markerWeight(i: number): number {
  const candidates = Array.from({ length: 39 }, (_, k) => k + 11).filter((w) => w % 10 !== 0);
  return candidates[(i * 7 + 3) % candidates.length]!;
}
