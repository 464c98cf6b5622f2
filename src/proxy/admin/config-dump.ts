// /config_dump: the applied Envoy resources as JSON, in the shape of Envoy's admin ConfigDump: each resource with
// its xDS version_info and only the fields that are set (proto-json.ts); private keys are "[redacted]".
import { typeUrls } from '../../xds/protos/index.ts';
import type { EnvoySnapshot } from '../config/proxy-config.ts';
import { protoJson } from './proto-json.ts';

/** The xDS version of an applied resource; undefined for resources not from xDS (e.g. sidecar-local listeners). */
export type ResourceVersionOf = (typeUrl: string, name: string) => string | undefined;

function resource(typeUrl: string, message: object): object {
  return { '@type': typeUrl, ...protoJson(typeUrl, message) };
}

function versioned(version: string | undefined): { version_info?: string } {
  return version === undefined ? {} : { version_info: version };
}

export function configDump(
  snapshot: EnvoySnapshot | undefined,
  versionOf: ResourceVersionOf = () => undefined,
): object {
  const s = snapshot ?? { listeners: [], routeConfigurations: [], clusters: [], clusterLoadAssignments: [] };
  const secrets = s.secrets ?? [];
  return {
    configs: [
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
        dynamic_active_clusters: s.clusters.map((c) => ({
          ...versioned(versionOf(typeUrls.cluster, c.name)),
          cluster: resource(typeUrls.cluster, c),
        })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
        dynamic_listeners: s.listeners.map((l) => ({
          name: l.name,
          active_state: {
            ...versioned(versionOf(typeUrls.listener, l.name)),
            listener: resource(typeUrls.listener, l),
          },
        })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
        dynamic_route_configs: s.routeConfigurations.map((r) => ({
          ...versioned(versionOf(typeUrls.routeConfiguration, r.name)),
          route_config: resource(typeUrls.routeConfiguration, r),
        })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
        dynamic_endpoint_configs: s.clusterLoadAssignments.map((e) => ({
          ...versioned(versionOf(typeUrls.clusterLoadAssignment, e.cluster_name)),
          endpoint_config: resource(typeUrls.clusterLoadAssignment, e),
        })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
        // Private keys are rendered "[redacted]" (the field is annotated sensitive), as in Envoy.
        dynamic_active_secrets: secrets.map((secret) => ({
          name: secret.name,
          ...versioned(versionOf(typeUrls.secret, secret.name)),
          secret: resource(typeUrls.secret, secret),
        })),
      },
    ],
  };
}
