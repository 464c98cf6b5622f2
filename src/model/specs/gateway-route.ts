// The GatewayRoute spec: how a virtual gateway matches ingress requests, rewrites them, and picks the
// virtual service that receives them.

import { oneOf, refine, required, string, struct, type Infer, type Violation } from '../shape.ts';
import { serviceNameShape } from '../names.ts';
import { isSet, portShape, priorityShape, requireExactlyOne } from './common.ts';
import {
  headersShape,
  hostnameMatchShape,
  httpMethodShape,
  httpPathMatchShape,
  queryParametersShape,
} from './match.ts';

export const gatewayRouteTargetShape = struct({
  port: portShape,
  virtualService: required(struct({ virtualServiceName: required(serviceNameShape) })),
});
export type GatewayRouteTarget = Infer<typeof gatewayRouteTargetShape>;

const enabledShape = oneOf(['ENABLED', 'DISABLED'] as const);

export const hostnameRewriteShape = struct({ defaultTargetHostname: enabledShape });

// Paths under these prefixes are App Mesh's own (the proxy's admin/health endpoints).
const reservedPrefixes = ['/aws-appmesh', '/aws-app-mesh'];
const reservedServicePrefixes = ['aws.appmesh', 'aws.app-mesh'];

function checkNotReserved(value: string, reserved: readonly string[], path: string, out: Violation[]): void {
  const lower = value.toLowerCase();
  const hit = reserved.find((prefix) => lower.startsWith(prefix));
  if (hit !== undefined) out.push({ path, message: `must not start with the reserved ${hit}` });
}

// A rewritten path goes on the request line as it is written: only visible ASCII can (others must be
// percent-encoded), so anything else is refused here instead of failing every request at the proxy.
const visibleAscii = /^[\x21-\x7e]*$/;

function checkRequestLineSafe(value: string, path: string, out: Violation[]): void {
  if (!visibleAscii.test(value))
    out.push({ path, message: 'must be visible ASCII without spaces (percent-encode other characters)' });
}

export const httpGatewayRouteRewriteShape = refine(
  struct({
    hostname: hostnameRewriteShape,
    // No default path rewrite exists, so a path rewrite must say what to rewrite to.
    path: struct({ exact: required(string({ min: 1, max: 255 })) }),
    prefix: struct({ defaultPrefix: enabledShape, value: string({ min: 1, max: 255 }) }),
  }),
  (rewrite, path, out) => {
    if (!isSet(rewrite.hostname) && !isSet(rewrite.path) && !isSet(rewrite.prefix)) {
      out.push({ path, message: 'must set at least one of hostname, path, prefix' });
    }
    if (isSet(rewrite.path) && isSet(rewrite.prefix)) {
      out.push({ path, message: 'must not set both a path and a prefix rewrite' });
    }
    const prefix = rewrite.prefix;
    if (isSet(prefix)) {
      requireExactlyOne(prefix, ['defaultPrefix', 'value'], `${path}.prefix`, out);
      if (isSet(prefix.value) && !(prefix.value.startsWith('/') && prefix.value.endsWith('/'))) {
        out.push({ path: `${path}.prefix.value`, message: "must start and end with '/'" });
      }
      if (isSet(prefix.value)) checkRequestLineSafe(prefix.value, `${path}.prefix.value`, out);
    }
    if (isSet(rewrite.path) && !rewrite.path.exact.startsWith('/')) {
      out.push({ path: `${path}.path.exact`, message: "must start with '/'" });
    }
    if (isSet(rewrite.path)) checkRequestLineSafe(rewrite.path.exact, `${path}.path.exact`, out);
  },
);
export type HttpGatewayRouteRewrite = Infer<typeof httpGatewayRouteRewriteShape>;

export const httpGatewayRouteMatchShape = refine(
  struct({
    headers: headersShape,
    hostname: hostnameMatchShape,
    method: httpMethodShape,
    path: httpPathMatchShape,
    port: portShape,
    prefix: string(),
    queryParameters: queryParametersShape,
  }),
  (match, path, out) => {
    if (!isSet(match.prefix) && !isSet(match.path) && !isSet(match.hostname)) {
      out.push({ path, message: 'must set at least one of prefix, path, hostname' });
    }
    if (isSet(match.prefix) && isSet(match.path)) {
      out.push({ path, message: 'must set only one of prefix, path' });
    }
    if (isSet(match.prefix)) {
      if (!match.prefix.startsWith('/')) out.push({ path: `${path}.prefix`, message: "must start with '/'" });
      checkNotReserved(match.prefix, reservedPrefixes, `${path}.prefix`, out);
    }
    if (isSet(match.path?.exact))
      checkNotReserved(match.path.exact, reservedPrefixes, `${path}.path.exact`, out);
  },
);
export type HttpGatewayRouteMatch = Infer<typeof httpGatewayRouteMatchShape>;

/** Used for both `httpRoute` and `http2Route`; rewrites must fit the kind of match. */
export const httpGatewayRouteShape = refine(
  struct({
    action: required(
      struct({ rewrite: httpGatewayRouteRewriteShape, target: required(gatewayRouteTargetShape) }),
    ),
    match: required(httpGatewayRouteMatchShape),
  }),
  (route, path, out) => {
    const rewrite = route.action.rewrite;
    if (isSet(rewrite?.prefix) && !isSet(route.match.prefix)) {
      out.push({ path: `${path}.action.rewrite.prefix`, message: 'is only allowed with a prefix match' });
    }
    if (isSet(rewrite?.path) && !isSet(route.match.path)) {
      out.push({ path: `${path}.action.rewrite.path`, message: 'is only allowed with a path match' });
    }
  },
);
export type HttpGatewayRoute = Infer<typeof httpGatewayRouteShape>;

export const grpcGatewayRouteMatchShape = refine(
  struct({
    hostname: hostnameMatchShape,
    metadata: headersShape,
    port: portShape,
    serviceName: string({ min: 1 }),
  }),
  (match, path, out) => {
    if (!isSet(match.serviceName) && !isSet(match.hostname)) {
      out.push({ path, message: 'must set at least one of serviceName, hostname' });
    }
    if (isSet(match.serviceName)) {
      checkNotReserved(match.serviceName, reservedServicePrefixes, `${path}.serviceName`, out);
    }
  },
);
export type GrpcGatewayRouteMatch = Infer<typeof grpcGatewayRouteMatchShape>;

export const grpcGatewayRouteShape = struct({
  action: required(
    struct({
      rewrite: struct({ hostname: hostnameRewriteShape }),
      target: required(gatewayRouteTargetShape),
    }),
  ),
  match: required(grpcGatewayRouteMatchShape),
});
export type GrpcGatewayRoute = Infer<typeof grpcGatewayRouteShape>;

export const gatewayRouteTypes = ['httpRoute', 'http2Route', 'grpcRoute'] as const;
export type GatewayRouteType = (typeof gatewayRouteTypes)[number];

export const gatewayRouteSpecShape = refine(
  struct({
    grpcRoute: grpcGatewayRouteShape,
    http2Route: httpGatewayRouteShape,
    httpRoute: httpGatewayRouteShape,
    priority: priorityShape,
  }),
  (spec, path, out) => requireExactlyOne(spec, gatewayRouteTypes, path, out),
);
export type GatewayRouteSpec = Infer<typeof gatewayRouteSpecShape>;
