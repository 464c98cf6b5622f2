// Conformance support: a real @aws-sdk/client-app-mesh client aimed at a local control plane, and realistic specs.

import assert from 'node:assert/strict';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import type {
  GatewayRouteSpec,
  MeshSpec,
  ResourceMetadata,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
} from '@aws-sdk/client-app-mesh';

export const accountId = '111122223333';
export const region = 'us-east-1';

/** A client with fake static credentials; one attempt only, so a server fault is never hidden by a retry. */
export function sdkClient(endpoint: string): AppMeshClient {
  return new AppMeshClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDSWITCHYARDTEST', secretAccessKey: 'not-a-real-secret' },
    maxAttempts: 1,
  });
}

export const arnOf = (resourcePath: string): string =>
  `arn:aws:appmesh:${region}:${accountId}:${resourcePath}`;

/**
 * Checks the parsed ResourceMetadata: timestamps arrive as Dates (the wire carries epoch seconds) within
 * [notBefore, now], owners are this account.
 */
export function assertMetadata(
  metadata: ResourceMetadata | undefined,
  expected: { arn: string; version: number; notBefore: number },
): ResourceMetadata {
  assert.ok(metadata, 'metadata must be present');
  assert.equal(metadata.arn, expected.arn);
  assert.equal(metadata.version, expected.version);
  assert.equal(metadata.meshOwner, accountId);
  assert.equal(metadata.resourceOwner, accountId);
  assert.match(metadata.uid ?? '', /^[\w-]{8,}$/);
  for (const stamp of [metadata.createdAt, metadata.lastUpdatedAt]) {
    assert.ok(stamp instanceof Date, `timestamp ${String(stamp)} must be parsed to a Date`);
    // Epoch seconds with a fractional part: allow a second of rounding either way.
    assert.ok(stamp.getTime() >= expected.notBefore - 1000, `${stamp.toISOString()} is too early`);
    assert.ok(stamp.getTime() <= Date.now() + 1000, `${stamp.toISOString()} is in the future`);
  }
  assert.ok(metadata.lastUpdatedAt!.getTime() >= metadata.createdAt!.getTime());
  return metadata;
}

const seconds = (value: number) => ({ unit: 's' as const, value });
const millis = (value: number) => ({ unit: 'ms' as const, value });

export const meshSpec: MeshSpec = {
  egressFilter: { type: 'ALLOW_ALL' },
  serviceDiscovery: { ipPreference: 'IPv4_PREFERRED' },
};

export function nodeSpec(hostname: string, port = 8080): VirtualNodeSpec {
  return {
    listeners: [
      {
        portMapping: { port, protocol: 'http' },
        healthCheck: {
          protocol: 'http',
          path: '/healthz',
          port,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
          timeoutMillis: 2000,
          intervalMillis: 5000,
        },
        timeout: { http: { perRequest: seconds(15), idle: seconds(300) } },
        outlierDetection: {
          maxServerErrors: 5,
          interval: seconds(10),
          baseEjectionDuration: seconds(30),
          maxEjectionPercent: 50,
        },
      },
    ],
    serviceDiscovery: { dns: { hostname, responseType: 'ENDPOINTS' } },
    backends: [{ virtualService: { virtualServiceName: 'payments.shop.local' } }],
    logging: { accessLog: { file: { path: '/dev/stdout' } } },
  };
}

export const routerSpec: VirtualRouterSpec = {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
};

export function weightedRouteSpec(targets: readonly { node: string; weight: number }[]): RouteSpec {
  return {
    priority: 10,
    httpRoute: {
      match: {
        prefix: '/cart',
        method: 'GET',
        headers: [{ name: 'x-canary', invert: false, match: { exact: 'yes' } }],
      },
      action: { weightedTargets: targets.map((t) => ({ virtualNode: t.node, weight: t.weight })) },
      retryPolicy: {
        maxRetries: 3,
        perRetryTimeout: millis(250),
        httpRetryEvents: ['server-error', 'gateway-error'],
        tcpRetryEvents: ['connection-error'],
      },
      timeout: { perRequest: seconds(10) },
    },
  };
}

export const gatewaySpec: VirtualGatewaySpec = {
  listeners: [
    {
      portMapping: { port: 9080, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        path: '/ping',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        timeoutMillis: 2000,
        intervalMillis: 5000,
      },
    },
  ],
  logging: { accessLog: { file: { path: '/dev/stdout' } } },
};

export function gatewayRouteSpec(serviceName: string, prefixRewrite: string): GatewayRouteSpec {
  return {
    httpRoute: {
      match: { prefix: '/shop/' },
      action: {
        target: { virtualService: { virtualServiceName: serviceName } },
        rewrite: {
          prefix: { value: prefixRewrite },
          hostname: { defaultTargetHostname: 'DISABLED' },
        },
      },
    },
  };
}
