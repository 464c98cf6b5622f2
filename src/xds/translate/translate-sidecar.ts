// Sidecar translation: everything a node's proxy (our sidecar or a stock Envoy) needs, in the shape App Mesh
// gave Envoy: an inbound listener serving the node's listeners and an outbound listener for its backends.
import { resourceKey } from '../../model/resource-key.ts';
import { accessLogs } from './access-log.ts';
import { ResourceCollector, type EnvoyResources } from './envoy-resources.ts';
import { addInboundListener } from './inbound-listener.ts';
import { defaultMeshSecurity, type MeshSecurity } from './mesh-security.ts';
import type { EndpointsByNode, MeshState } from './mesh-state.ts';
import { addOutboundListener } from './outbound-listener.ts';
import { inboundRbacFilter } from './rbac-filter.ts';

export interface SidecarOptions {
  /** Default 15000. */
  readonly inboundPort?: number;
  /** Default 15001 (HTTP proxy mode: the Host header selects the backend). */
  readonly outboundPort?: number;
  /** Where the local app listens; default 127.0.0.1. */
  readonly appHost?: string;
  /** Where the sidecar's listeners bind; default 0.0.0.0. */
  readonly listenHost?: string;
  /** One inbound listener per node listener on consecutive ports (see InboundOptions.portPerListener). */
  readonly inboundPortPerListener?: boolean;
  /** The mesh-wide mTLS switch and trust domain; default mTLS off. */
  readonly security?: MeshSecurity;
}

/**
 * Translates the virtual node `nodeName` of `state`'s mesh. A node that does not exist yields no resources
 * (but still depends on its key, so creating it recomputes the output).
 */
export function translateSidecar(
  state: MeshState,
  nodeName: string,
  endpoints: EndpointsByNode,
  options: SidecarOptions = {},
): EnvoyResources {
  const out = new ResourceCollector();
  const meshName = state.mesh.meshName;
  out.dependOn(state.mesh);
  out.dependOn(resourceKey('virtualNode', meshName, nodeName));
  const node = state.virtualNodes.get(nodeName);
  if (!node) return out.finish();
  const spec = node.spec;
  const listenHost = options.listenHost ?? '0.0.0.0';
  const accessLog = accessLogs(spec.logging);
  const security = options.security ?? defaultMeshSecurity;
  const rbac = inboundRbacFilter(state, nodeName, spec, security, out);
  addInboundListener(
    {
      meshName,
      nodeName,
      inboundPort: options.inboundPort ?? 15000,
      listenHost,
      appHost: options.appHost ?? '127.0.0.1',
      portPerListener: options.inboundPortPerListener ?? false,
      outboundPort: options.outboundPort ?? 15001,
      security,
      ...(rbac ? { httpFilters: [rbac] } : {}),
    },
    spec,
    accessLog,
    out,
  );
  addOutboundListener(
    state,
    spec,
    {
      outboundPort: options.outboundPort ?? 15001,
      listenHost,
      owner: { security, kind: 'virtualNode', meshName, name: nodeName },
    },
    endpoints,
    accessLog,
    out,
  );
  return out.finish();
}
