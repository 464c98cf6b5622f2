// TrafficPermissions as Envoy's RBAC HTTP filter (ALLOW): one policy per allow entry (the service's authority,
// the path prefix and the methods, from the callers' SPIFFE IDs), plus one letting anyone reach the node's
// services that have no permission (by their names only), so they stay open until they get one.
import { resourcePath } from '../../model/resource-key.ts';
import type { TrafficAllow, TrafficSource } from '../../model/specs/index.ts';
import { extensionTypeUrls } from '../protos/index.ts';
import type { MeshSecurity } from './mesh-security.ts';
import type { ProtectedService } from './traffic-permission-plan.ts';
import { packTyped } from './typed-config.ts';
import { spiffeIdOf } from './workload-identity.ts';
import type { InputMessages } from '../protos/index.ts';
import type { VirtualNodeSpec } from '../../model/specs/index.ts';
import type { ResourceCollector } from './envoy-resources.ts';
import type { MeshState } from './mesh-state.ts';
import { openServicesOf, protectedServicesOf } from './traffic-permission-plan.ts';

type RbacFilterConfig = InputMessages[typeof extensionTypeUrls.rbac];
type Rbac = NonNullable<RbacFilterConfig['rules']>;
type Policy = NonNullable<Rbac['policies']>[string];
type Permission = NonNullable<Policy['permissions']>[number];
type Principal = NonNullable<Policy['principals']>[number];

export const rbacFilterName = 'envoy.filters.http.rbac';

/**
 * The policy that admits requests for the node's services without a permission; sorts after every permission's.
 * It names those services rather than excluding the permitted ones: the app behind a node answers under any
 * name, so an authority outside the list (`svc.` with its trailing dot, an address, another name) is denied.
 */
export const openServicesPolicyName = '~services-without-permission';

/** `:authority` is the service name, with or without a port (hostnames compare case-insensitively). */
function authorityOf(serviceName: string): Permission {
  return {
    or_rules: {
      rules: [
        { header: { name: ':authority', string_match: { exact: serviceName, ignore_case: true } } },
        { header: { name: ':authority', string_match: { prefix: `${serviceName}:`, ignore_case: true } } },
      ],
    },
  };
}

function methodsOf(methods: readonly string[]): Permission {
  const rules: Permission[] = methods.map((method) => ({
    header: { name: ':method', string_match: { exact: method } },
  }));
  return rules.length === 1 ? rules[0]! : { or_rules: { rules } };
}

function principalOf(source: TrafficSource, meshName: string, security: MeshSecurity): Principal {
  const id =
    source.virtualNodeName !== undefined
      ? { exact: spiffeIdOf(security.trustDomain, 'virtualNode', meshName, source.virtualNodeName) }
      : source.virtualGatewayName !== undefined
        ? { exact: spiffeIdOf(security.trustDomain, 'virtualGateway', meshName, source.virtualGatewayName) }
        : source.spiffeId!.endsWith('*')
          ? { prefix: source.spiffeId!.slice(0, -1) }
          : { exact: source.spiffeId! };
  return { authenticated: { principal_name: id } };
}

function allowPolicy(
  serviceName: string,
  allow: TrafficAllow,
  meshName: string,
  security: MeshSecurity,
): Policy {
  const rules: Permission[] = [authorityOf(serviceName)];
  if (allow.pathPrefix !== undefined) rules.push({ url_path: { path: { prefix: allow.pathPrefix } } });
  if (allow.methods !== undefined) rules.push(methodsOf(allow.methods));
  return {
    permissions: [{ and_rules: { rules } }],
    principals: allow.from.map((source) => principalOf(source, meshName, security)),
  };
}

/**
 * The RBAC filter for a node serving `services` (each with at least one permission) and `openServices` (none);
 * goes before the router.
 */
export function rbacHttpFilter(
  services: readonly ProtectedService[],
  openServices: readonly string[],
  meshName: string,
  security: MeshSecurity,
) {
  const policies: Record<string, Policy> = {};
  for (const service of services) {
    for (const permission of service.permissions) {
      permission.spec.allow.forEach((allow, index) => {
        // The resource path names the permission in Envoy's stats and logs (`…/trafficPermission/x[0]`).
        policies[`${resourcePath(permission)}[${index}]`] = allowPolicy(
          service.virtualServiceName,
          allow,
          meshName,
          security,
        );
      });
    }
  }
  if (openServices.length > 0) {
    policies[openServicesPolicyName] = {
      permissions: [
        openServices.length === 1
          ? authorityOf(openServices[0]!)
          : { or_rules: { rules: openServices.map(authorityOf) } },
      ],
      principals: [{ any: true }],
    };
  }
  const config: RbacFilterConfig = { rules: { action: 'ALLOW', policies } };
  return { name: rbacFilterName, typed_config: packTyped(extensionTypeUrls.rbac, config) };
}

/**
 * The RBAC filter node `nodeName` puts in front of its app, or undefined when none of its services has a
 * permission (then the output is exactly what it was before permissions existed). What cannot be enforced is a
 * warning; the filter is emitted regardless, so a permitted service fails closed.
 */
export function inboundRbacFilter(
  state: MeshState,
  nodeName: string,
  spec: VirtualNodeSpec,
  security: MeshSecurity,
  out: ResourceCollector,
): ReturnType<typeof rbacHttpFilter> | undefined {
  const services = protectedServicesOf(state, nodeName, out);
  if (services.length === 0) return undefined;
  const listeners = spec.listeners ?? [];
  const paths = services.flatMap((s) => s.permissions.map((p) => resourcePath(p)));
  const where = `${paths.join(', ')} (virtual services ${services.map((s) => s.virtualServiceName).join(', ')})`;
  const listenerTlsEverywhere = listeners.every((l) => l.tls !== undefined && l.tls.mode !== 'DISABLED');
  if (security.mtls === 'off' && !listenerTlsEverywhere) {
    out.warn(
      `${where}: mesh mTLS is off, so callers present no identity and every request to these services is denied (fail closed); start the control plane with --mtls strict`,
    );
  }
  listeners.forEach((listener, index) => {
    if (listener.portMapping.protocol === 'tcp') {
      out.warn(
        `${where}: spec.listeners[${index}] is tcp; permissions are enforced on HTTP, HTTP/2 and gRPC listeners only, so its connections are not checked`,
      );
    }
  });
  return rbacHttpFilter(
    services,
    openServicesOf(state, nodeName, services, out),
    state.mesh.meshName,
    security,
  );
}
