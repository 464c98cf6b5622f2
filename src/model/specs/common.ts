// Building blocks shared by several App Mesh specs: ports, durations, protocols and small rule helpers.

import { integer, oneOf, required, struct, type Infer, type Shape, type Violation } from '../shape.ts';

export const portShape: Shape<number> = integer({ min: 1, max: 65535 });

export const protocols = ['http', 'tcp', 'http2', 'grpc'] as const;
export type Protocol = (typeof protocols)[number];

export const gatewayProtocols = ['http', 'http2', 'grpc'] as const;
export type GatewayProtocol = (typeof gatewayProtocols)[number];

/** Virtual node and virtual router listeners. */
export const portMappingShape = struct({
  port: required(portShape),
  protocol: required(oneOf(protocols)),
});
export type PortMapping = Infer<typeof portMappingShape>;

/** Virtual gateway listeners: no tcp. */
export const gatewayPortMappingShape = struct({
  port: required(portShape),
  protocol: required(oneOf(gatewayProtocols)),
});
export type GatewayPortMapping = Infer<typeof gatewayPortMappingShape>;

/**
 * The model marks both members optional, but a duration without a unit or value has no meaning and
 * CloudFormation requires both, so we do too (the data plane never has to guess).
 */
export const durationShape = struct({
  unit: required(oneOf(['s', 'ms'] as const)),
  value: required(integer({ min: 0 })),
});
export type Duration = Infer<typeof durationShape>;

/** Route and gateway-route priority: 0 is the highest. */
export const priorityShape: Shape<number> = integer({ min: 0, max: 1000 });

export const ipPreferenceShape = oneOf([
  'IPv6_PREFERRED',
  'IPv4_PREFERRED',
  'IPv4_ONLY',
  'IPv6_ONLY',
] as const);
export type IpPreference = Infer<typeof ipPreferenceShape>;

/** Whether a member is set; the validator treats `null` like an absent member, so must we. */
export function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** Adds a violation unless exactly one of `keys` is set on `value`. */
export function requireExactlyOne(
  value: object,
  keys: readonly string[],
  path: string,
  out: Violation[],
): void {
  const record = value as Record<string, unknown>;
  const set = keys.filter((key) => isSet(record[key]));
  if (set.length === 1) return;
  const names = keys.join(', ');
  out.push({
    path,
    message:
      set.length === 0
        ? `must set exactly one of ${names}`
        : `must set exactly one of ${names}, got ${set.join(' and ')}`,
  });
}

/** The first set member among `keys`, for specs already checked to set exactly one. */
export function setMember<K extends string>(value: object, keys: readonly K[]): K | undefined {
  const record = value as Record<string, unknown>;
  return keys.find((key) => isSet(record[key]));
}

/** Reports each listener whose port repeats an earlier one: Envoy cannot bind two listeners to a port. */
export function checkDistinctListenerPorts(
  listeners: readonly { readonly portMapping: { readonly port: number } }[],
  path: string,
  out: Violation[],
): void {
  const seen = new Map<number, number>();
  listeners.forEach((listener, index) => {
    const port = listener.portMapping.port;
    const first = seen.get(port);
    if (first === undefined) seen.set(port, index);
    else {
      out.push({
        path: `${path}[${index}].portMapping.port`,
        message: `port ${port} is already used by ${path}[${first}]`,
      });
    }
  });
}
