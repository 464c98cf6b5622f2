// /config_dump: the applied Envoy resources as JSON, in the shape of Envoy's admin ConfigDump.
import { unpackAny } from '../../xds/protos/index.ts';
import type { EnvoySnapshot } from '../config/proxy-config.ts';

/** Renders nested google.protobuf.Any values as `{"@type": ..., ...fields}` and bytes as base64. */
function readable(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(readable);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (typeof obj.type_url === 'string' && obj.value instanceof Uint8Array) {
    try {
      return {
        '@type': obj.type_url,
        ...(readable(unpackAny({ type_url: obj.type_url, value: obj.value })) as object),
      };
    } catch {
      return { '@type': obj.type_url, value: Buffer.from(obj.value).toString('base64') };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = readable(v);
  return out;
}

export function configDump(snapshot: EnvoySnapshot | undefined): object {
  const s = snapshot ?? { listeners: [], routeConfigurations: [], clusters: [], clusterLoadAssignments: [] };
  return {
    configs: [
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
        dynamic_active_clusters: s.clusters.map((cluster) => ({ cluster: readable(cluster) })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
        dynamic_listeners: s.listeners.map((l) => ({
          name: l.name,
          active_state: { listener: readable(l) },
        })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
        dynamic_route_configs: s.routeConfigurations.map((r) => ({ route_config: readable(r) })),
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
        dynamic_endpoint_configs: s.clusterLoadAssignments.map((e) => ({ endpoint_config: readable(e) })),
      },
    ],
  };
}
