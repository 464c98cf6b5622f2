// Joins the outputs of several translations for one proxy (a proxyless gRPC node asks for one client listener
// per name it may dial) into one output.
import type { ResourceKey } from '../../model/resource-key.ts';
import type { EnvoyResources } from './envoy-resources.ts';
import type { RouteConfiguration } from './envoy-types.ts';

/**
 * The listeners `svc` and `svc:<port>` share one route configuration whose virtual host lists the listener's
 * own name as a domain; a client dialling either name must find its virtual host, so same-named
 * configurations are joined by uniting the domains of same-named virtual hosts (their routes are equal).
 */
export function mergeRouteConfigurations(configs: readonly RouteConfiguration[]): RouteConfiguration[] {
  const byName = new Map<string, RouteConfiguration>();
  for (const config of configs) {
    const name = config.name ?? '';
    const seen = byName.get(name);
    if (!seen) {
      byName.set(name, config);
      continue;
    }
    const hosts = new Map((seen.virtual_hosts ?? []).map((host) => [host.name ?? '', host]));
    for (const host of config.virtual_hosts ?? []) {
      const known = hosts.get(host.name ?? '');
      hosts.set(
        host.name ?? '',
        known
          ? { ...known, domains: [...new Set([...(known.domains ?? []), ...(host.domains ?? [])])] }
          : host,
      );
    }
    byName.set(name, { ...seen, virtual_hosts: [...hosts.values()] });
  }
  return [...byName.values()];
}

/**
 * One output holding every resource of `outputs` once per name, in the order first seen (same-named
 * resources translated from one mesh state are equal), except route configurations, which are joined;
 * `extraDeps` are added to the records the output depends on.
 */
export function mergeResources(
  outputs: readonly EnvoyResources[],
  extraDeps: readonly ResourceKey[],
): EnvoyResources {
  const byName = <T>(items: T[], nameOf: (item: T) => string | undefined | null): T[] => [
    ...new Map(items.map((item) => [nameOf(item) ?? '', item])).values(),
  ];
  return {
    listeners: byName(
      outputs.flatMap((o) => o.listeners),
      (l) => l.name,
    ),
    routeConfigurations: mergeRouteConfigurations(outputs.flatMap((o) => o.routeConfigurations)),
    clusters: byName(
      outputs.flatMap((o) => o.clusters),
      (c) => c.name,
    ),
    clusterLoadAssignments: byName(
      outputs.flatMap((o) => o.clusterLoadAssignments),
      (c) => c.cluster_name,
    ),
    secrets: byName(
      outputs.flatMap((o) => o.secrets),
      (s) => s.name,
    ),
    dependsOn: [...outputs.flatMap((o) => o.dependsOn), ...extraDeps],
  };
}
