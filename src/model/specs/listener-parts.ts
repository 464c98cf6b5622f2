// Listener building blocks of nodes and gateways: health checks, connection pools, timeouts, outlier
// detection, access logging, and the rule tying a listener's options to its protocol and port.

import {
  integer,
  list,
  oneOf,
  required,
  string,
  struct,
  union,
  type Infer,
  type Violation,
} from '../shape.ts';
import { durationShape, isSet, portShape } from './common.ts';

/** Active health check; node listeners allow tcp, gateway listeners do not. */
export function healthCheckShape<const P extends readonly string[]>(protocols: P) {
  return struct({
    healthyThreshold: required(integer({ min: 2, max: 10 })),
    intervalMillis: required(integer({ min: 5000, max: 300000 })),
    path: string(),
    port: portShape,
    protocol: required(oneOf(protocols)),
    timeoutMillis: required(integer({ min: 2000, max: 60000 })),
    unhealthyThreshold: required(integer({ min: 2, max: 10 })),
  });
}

const httpPoolShape = struct({
  maxConnections: required(integer({ min: 1 })),
  maxPendingRequests: integer({ min: 1 }),
});
const requestPoolShape = struct({ maxRequests: required(integer({ min: 1 })) });
const tcpPoolShape = struct({ maxConnections: required(integer({ min: 1 })) });

export const nodeConnectionPoolShape = union({
  grpc: requestPoolShape,
  http: httpPoolShape,
  http2: requestPoolShape,
  tcp: tcpPoolShape,
});
export type VirtualNodeConnectionPool = Infer<typeof nodeConnectionPoolShape>;

export const gatewayConnectionPoolShape = union({
  grpc: requestPoolShape,
  http: httpPoolShape,
  http2: requestPoolShape,
});
export type VirtualGatewayConnectionPool = Infer<typeof gatewayConnectionPoolShape>;

/** Timeouts of http, http2 and grpc listeners and routes; a value of 0 disables the timeout. */
export const httpTimeoutShape = struct({ idle: durationShape, perRequest: durationShape });
export type HttpTimeout = Infer<typeof httpTimeoutShape>;

export const grpcTimeoutShape = struct({ idle: durationShape, perRequest: durationShape });
export type GrpcTimeout = Infer<typeof grpcTimeoutShape>;

export const tcpTimeoutShape = struct({ idle: durationShape });
export type TcpTimeout = Infer<typeof tcpTimeoutShape>;

export const listenerTimeoutShape = union({
  grpc: grpcTimeoutShape,
  http: httpTimeoutShape,
  http2: httpTimeoutShape,
  tcp: tcpTimeoutShape,
});
export type ListenerTimeout = Infer<typeof listenerTimeoutShape>;

export const outlierDetectionShape = struct({
  baseEjectionDuration: required(durationShape),
  interval: required(durationShape),
  maxEjectionPercent: required(integer({ min: 0, max: 100 })),
  maxServerErrors: required(integer({ min: 1 })),
});
export type OutlierDetection = Infer<typeof outlierDetectionShape>;

const jsonFormatRefShape = struct({
  key: required(string({ min: 1, max: 100 })),
  value: required(string({ min: 1, max: 100 })),
});

export const loggingFormatShape = union({
  json: list(jsonFormatRefShape),
  text: string({ min: 1, max: 1000 }),
});
export type LoggingFormat = Infer<typeof loggingFormatShape>;

/** Access logging of nodes and gateways (identical shapes in the model). */
export const loggingShape = struct({
  accessLog: union({
    file: struct({
      format: loggingFormatShape,
      path: required(string({ min: 1, max: 255 })),
    }),
  }),
});
export type Logging = Infer<typeof loggingShape>;

interface ListenerOptions {
  readonly portMapping: { readonly port: number; readonly protocol: string };
  readonly connectionPool?: object | null;
  readonly timeout?: object | null;
  readonly healthCheck?: { readonly port?: number | null } | null;
}

/**
 * Pool and timeout variants must be the listener's protocol (an http pool on a grpc listener would
 * configure nothing), and a health check port, when given, must be the listener's own port.
 */
export function checkListenerOptions(listener: ListenerOptions, path: string, out: Violation[]): void {
  const { port, protocol } = listener.portMapping;
  for (const member of ['connectionPool', 'timeout'] as const) {
    const variant = listener[member];
    if (!isSet(variant)) continue;
    const record = variant as Record<string, unknown>;
    const key = Object.keys(record).find((name) => isSet(record[name]));
    if (key !== undefined && key !== protocol) {
      out.push({
        path: `${path}.${member}.${key}`,
        message: `must match the listener protocol ${protocol}; use ${member}.${protocol}`,
      });
    }
  }
  const healthPort = listener.healthCheck?.port;
  if (isSet(healthPort) && healthPort !== port) {
    out.push({
      path: `${path}.healthCheck.port`,
      message: `must equal the listener port ${port}, got ${healthPort}`,
    });
  }
}
