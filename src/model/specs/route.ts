// The Route spec: how a virtual router matches requests and splits them across virtual nodes.

import {
  integer,
  list,
  oneOf,
  refine,
  required,
  string,
  struct,
  type Infer,
  type Violation,
} from '../shape.ts';
import { resourceNameShape } from '../names.ts';
import { durationShape, isSet, portShape, priorityShape, requireExactlyOne } from './common.ts';
import { grpcTimeoutShape, httpTimeoutShape, tcpTimeoutShape } from './listener-parts.ts';
import { headersShape, httpMethodShape, httpPathMatchShape, queryParametersShape } from './match.ts';

export const weightedTargetShape = struct({
  port: portShape,
  virtualNode: required(resourceNameShape),
  weight: required(integer({ min: 0, max: 100 })),
});
export type WeightedTarget = Infer<typeof weightedTargetShape>;

function checkWeightedTargets(targets: readonly WeightedTarget[], path: string, out: Violation[]): void {
  if (!targets.some((target) => target.weight > 0)) {
    out.push({ path, message: 'at least one weighted target must have a weight greater than 0' });
  }
  // Weights are relative, but App Mesh documents that their total should not exceed 100.
  const total = targets.reduce((sum, target) => sum + target.weight, 0);
  if (total > 100) out.push({ path, message: `weights must add up to at most 100, got ${total}` });
  const seen = new Map<string, number>();
  targets.forEach((target, index) => {
    const key = `${target.virtualNode}:${target.port ?? ''}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      const port = isSet(target.port) ? ` port ${target.port}` : '';
      out.push({
        path: `${path}[${index}]`,
        message: `duplicates ${path}[${first}] (virtual node ${target.virtualNode}${port})`,
      });
    }
  });
}

export const routeActionShape = struct({
  weightedTargets: required(refine(list(weightedTargetShape, { min: 1, max: 10 }), checkWeightedTargets)),
});
export type RouteAction = Infer<typeof routeActionShape>;

const httpRetryEventShape = oneOf(['server-error', 'gateway-error', 'client-error', 'stream-error'] as const);
const tcpRetryEventsShape = list(oneOf(['connection-error'] as const), { min: 1, max: 1 });
const grpcRetryEventShape = oneOf([
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const);

/** A retry policy that retries on nothing is a mistake, so at least one event list is required. */
function requireRetryEvents(keys: readonly string[]) {
  return (policy: object, path: string, out: Violation[]): void => {
    const record = policy as Record<string, unknown>;
    if (!keys.some((key) => isSet(record[key]))) {
      out.push({ path, message: `must set at least one of ${keys.join(', ')}` });
    }
  };
}

export const httpRetryPolicyShape = refine(
  struct({
    httpRetryEvents: list(httpRetryEventShape, { min: 1, max: 25 }),
    maxRetries: required(integer({ min: 0 })),
    perRetryTimeout: required(durationShape),
    tcpRetryEvents: tcpRetryEventsShape,
  }),
  requireRetryEvents(['httpRetryEvents', 'tcpRetryEvents']),
);
export type HttpRetryPolicy = Infer<typeof httpRetryPolicyShape>;

export const grpcRetryPolicyShape = refine(
  struct({
    grpcRetryEvents: list(grpcRetryEventShape, { min: 1, max: 5 }),
    httpRetryEvents: list(httpRetryEventShape, { min: 1, max: 25 }),
    maxRetries: required(integer({ min: 0 })),
    perRetryTimeout: required(durationShape),
    tcpRetryEvents: tcpRetryEventsShape,
  }),
  requireRetryEvents(['grpcRetryEvents', 'httpRetryEvents', 'tcpRetryEvents']),
);
export type GrpcRetryPolicy = Infer<typeof grpcRetryPolicyShape>;

export const httpRouteMatchShape = refine(
  struct({
    headers: headersShape,
    method: httpMethodShape,
    path: httpPathMatchShape,
    port: portShape,
    prefix: string(),
    queryParameters: queryParametersShape,
    scheme: oneOf(['http', 'https'] as const),
  }),
  (match, path, out) => {
    // A match with only a port is how routes of multi-listener routers are written: the port picks the
    // listener and every path on it matches. Without a port, one of prefix/path is still required.
    if (isSet(match.port) && !isSet(match.prefix) && !isSet(match.path)) return;
    requireExactlyOne(match, ['prefix', 'path'], path, out);
    if (isSet(match.prefix) && !match.prefix.startsWith('/')) {
      out.push({ path: `${path}.prefix`, message: "must start with '/'" });
    }
  },
);
export type HttpRouteMatch = Infer<typeof httpRouteMatchShape>;

/** Used for both `httpRoute` and `http2Route`. */
export const httpRouteShape = struct({
  action: required(routeActionShape),
  match: required(httpRouteMatchShape),
  retryPolicy: httpRetryPolicyShape,
  timeout: httpTimeoutShape,
});
export type HttpRoute = Infer<typeof httpRouteShape>;

export const grpcRouteMatchShape = refine(
  struct({
    metadata: headersShape,
    methodName: string({ min: 1, max: 50 }),
    port: portShape,
    // Unconstrained in the model; an empty service name would match nothing.
    serviceName: string({ min: 1 }),
  }),
  (match, path, out) => {
    if (isSet(match.methodName) && !isSet(match.serviceName)) {
      out.push({ path: `${path}.serviceName`, message: 'is required when methodName is set' });
    }
  },
);
export type GrpcRouteMatch = Infer<typeof grpcRouteMatchShape>;

export const grpcRouteShape = struct({
  action: required(routeActionShape),
  match: required(grpcRouteMatchShape),
  retryPolicy: grpcRetryPolicyShape,
  timeout: grpcTimeoutShape,
});
export type GrpcRoute = Infer<typeof grpcRouteShape>;

export const tcpRouteShape = struct({
  action: required(routeActionShape),
  match: struct({ port: portShape }),
  timeout: tcpTimeoutShape,
});
export type TcpRoute = Infer<typeof tcpRouteShape>;

export const routeTypes = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;
export type RouteType = (typeof routeTypes)[number];

export const routeSpecShape = refine(
  struct({
    grpcRoute: grpcRouteShape,
    http2Route: httpRouteShape,
    httpRoute: httpRouteShape,
    priority: priorityShape,
    tcpRoute: tcpRouteShape,
  }),
  (spec, path, out) => requireExactlyOne(spec, routeTypes, path, out),
);
export type RouteSpec = Infer<typeof routeSpecShape>;
