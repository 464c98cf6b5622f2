// The registry's data: namespaces, services and instances (Switchyard's Cloud Map), with their validators.

import { isIPv4, isIPv6 } from 'node:net';
import {
  integer,
  oneOf,
  refine,
  required,
  string,
  struct,
  validate,
  type Shape,
  type Violation,
} from '../model/shape.ts';
import { RegistryValidationError } from './registry-errors.ts';
import { refusedAddressReason } from './unicast-address.ts';

export const instanceHealthValues = ['HEALTHY', 'UNHEALTHY', 'UNKNOWN'] as const;
export type InstanceHealth = (typeof instanceHealthValues)[number];
export const instanceHealthShape = oneOf(instanceHealthValues);

/** Attribute keys with a Cloud Map meaning; the registry keeps them in step with `address` and `port`. */
export const ipv4Attribute = 'AWS_INSTANCE_IPV4';
export const ipv6Attribute = 'AWS_INSTANCE_IPV6';
export const portAttribute = 'AWS_INSTANCE_PORT';

export interface Namespace {
  readonly name: string;
  readonly createdAtMs: number;
}

export interface Service {
  readonly namespaceName: string;
  readonly name: string;
  readonly createdAtMs: number;
}

export interface Instance {
  readonly namespaceName: string;
  readonly serviceName: string;
  readonly instanceId: string;
  /** An IP literal, v4 or v6. */
  readonly address: string;
  readonly port: number;
  /** Includes AWS_INSTANCE_IPV4 / AWS_INSTANCE_IPV6 / AWS_INSTANCE_PORT, filled in from address and port. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly health: InstanceHealth;
  readonly registeredAtMs: number;
  readonly lastHeartbeatMs: number;
}

/** What a caller supplies to register (or re-register) an instance. */
export interface InstanceRegistration {
  readonly namespaceName: string;
  readonly serviceName: string;
  readonly instanceId: string;
  readonly address: string;
  readonly port: number;
  readonly attributes?: Readonly<Record<string, string>>;
  /** Omitted: UNKNOWN for a new instance, unchanged for a re-registered one. */
  readonly health?: InstanceHealth;
}

// Cloud Map HTTP namespaces accept any printable ASCII; '/' is left out because names are URL path segments.
const namePattern = /^[!-.0-~]+$/;
export const namespaceNameShape = string({ min: 1, max: 1024, pattern: namePattern });
export const serviceNameShape = string({ min: 1, max: 1024, pattern: namePattern });
export const instanceIdShape = string({ min: 1, max: 255, pattern: /^[0-9a-zA-Z_:.@-]+$/ });
export const portShape = integer({ min: 1, max: 65535 });
export const ipAddressShape = refine(string({ min: 1 }), (value, path, out) => {
  if (!isIPv4(value) && !isIPv6(value)) {
    out.push({ path, message: `must be an IPv4 or IPv6 address, got "${value}"` });
  } else if (value.includes('%')) {
    // Envoy and gRPC take no IPv6 zone index in an endpoint address.
    out.push({ path, message: `must not carry a zone index, got "${value}"` });
  } else {
    const refused = refusedAddressReason(value);
    if (refused) out.push({ path, message: `must be a unicast address, got "${value}": ${refused}` });
  }
});

const attributeKeyPattern = /^[a-zA-Z0-9!-~]+$/;
const attributeValuePattern = /^([a-zA-Z0-9!-~][ \ta-zA-Z0-9!-~]*)?[a-zA-Z0-9!-~]?$/;
/** Cloud Map's limit of custom attributes per instance. */
export const maxAttributes = 30;

/** A string-to-string map with Cloud Map's key and value rules. */
export const attributesShape: Shape<Record<string, string>> = {
  check(value, path, out) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.push({ path, message: 'must be an object of string values' });
      return;
    }
    const entries = Object.entries(value);
    if (entries.length > maxAttributes) {
      out.push({ path, message: `must have at most ${maxAttributes} attributes, got ${entries.length}` });
    }
    for (const [key, item] of entries) {
      const at = `${path}.${key}`;
      if (key.length > 255 || !attributeKeyPattern.test(key)) {
        out.push({
          path: at,
          message: 'has an invalid key: 1-255 printable ASCII characters without spaces',
        });
      }
      if (typeof item !== 'string') out.push({ path: at, message: `must be a string, got ${typeof item}` });
      else if (item.length > 1024 || !attributeValuePattern.test(item)) {
        out.push({
          path: at,
          message: 'must be at most 1024 printable ASCII characters and spaces, not starting with a space',
        });
      }
    }
  },
};

const registrationShape = struct({
  namespaceName: required(namespaceNameShape),
  serviceName: required(serviceNameShape),
  instanceId: required(instanceIdShape),
  address: required(ipAddressShape),
  port: required(portShape),
  attributes: attributesShape,
  health: instanceHealthShape,
});

/** Throws RegistryValidationError listing every violation (paths like `attributes.version`). */
export function assertValid<T>(shape: Shape<T>, value: unknown, path = ''): asserts value is T {
  const violations = validate(shape, value, path);
  if (violations.length > 0) throw new RegistryValidationError(violations);
}

/** Checks a registration and returns the attributes to store, with the AWS_INSTANCE_* keys filled in. */
export function normalizeRegistration(input: InstanceRegistration): Record<string, string> {
  assertValid(registrationShape, input);
  const attributes: Record<string, string> = { ...input.attributes };
  const out: Violation[] = [];
  const family = isIPv4(input.address) ? ipv4Attribute : ipv6Attribute;
  const other = family === ipv4Attribute ? ipv6Attribute : ipv4Attribute;
  if (attributes[family] !== undefined && attributes[family] !== input.address) {
    out.push({
      path: `attributes.${family}`,
      message: `must equal address (${input.address}) when both are given`,
    });
  }
  const otherAddress = attributes[other];
  if (otherAddress !== undefined && !(other === ipv4Attribute ? isIPv4 : isIPv6)(otherAddress)) {
    const kind = other === ipv4Attribute ? 'IPv4' : 'IPv6';
    out.push({ path: `attributes.${other}`, message: `must be an ${kind} address, got "${otherAddress}"` });
  } else if (otherAddress !== undefined) {
    const refused = refusedAddressReason(otherAddress);
    if (refused) {
      out.push({
        path: `attributes.${other}`,
        message: `must be a unicast address, got "${otherAddress}": ${refused}`,
      });
    }
  }
  if (attributes[portAttribute] !== undefined && attributes[portAttribute] !== String(input.port)) {
    out.push({
      path: `attributes.${portAttribute}`,
      message: `must equal port (${input.port}) when both are given`,
    });
  }
  if (out.length > 0) throw new RegistryValidationError(out);
  attributes[family] = input.address;
  attributes[portAttribute] = String(input.port);
  return attributes;
}
