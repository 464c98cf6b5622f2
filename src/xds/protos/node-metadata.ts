// The metadata our sidecar and the control plane exchange over xDS, declared once for both sides.
//
// It lives beside the protos because it is part of the wire contract and because this is the one folder both
// `src/proxy` (sidecar) and `src/controlplane` (reader) may import.

/**
 * Envoy node metadata a proxy may set to shape its sidecar listeners. Our sidecar sets them from its flags;
 * `switchyard envoy-bootstrap` writes the port keys for a stock Envoy; the control plane reads them.
 */
export const nodeMetadataKeys = {
  inboundPort: 'switchyard.inbound_port',
  outboundPort: 'switchyard.outbound_port',
  appHost: 'switchyard.app_host',
  /** Asks for one inbound listener per node listener (inbound port + index): no iptables to pick chains. */
  inboundPortPerListener: 'switchyard.inbound_port_per_listener',
  /**
   * A random token the sidecar picks when its process starts and registers its instances with (as
   * `proxyTokenAttribute`): while no stream presents it, those instances outlive the proxy by a grace period only.
   */
  proxyToken: 'switchyard.proxy_token',
} as const;

/** The registry instance attribute carrying the proxy token of the sidecar that registered the instance. */
export const proxyTokenAttribute = 'SWITCHYARD_PROXY_TOKEN';

/** Valid proxy tokens: what the control plane accepts as `nodeMetadataKeys.proxyToken`. */
export const proxyTokenPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The control plane names its API in every xDS response's `control_plane.identifier` as `switchyard api=URL`, so a
 * sidecar registers its instances without being told the API address separately.
 */
export function apiUrlOfControlPlane(identifier: string | undefined): string | undefined {
  const match = /^switchyard api=(https?:\/\/\S+)$/.exec(identifier ?? '');
  return match?.[1];
}

/** The `user_agent_name` of our sidecar's node (any agent not starting with `grpc` gets the sidecar form). */
export const proxyUserAgent = 'switchyard-proxy';

/**
 * Listener filter metadata the control plane puts on each per-listener inbound listener, naming the node
 * listener (its app port) it serves, so the sidecar registers that inbound port for that node listener.
 * Shape: `metadata.filter_metadata[listenerMetadata.namespace].fields[listenerMetadata.listenerPort]`.
 */
export const listenerMetadata = {
  namespace: 'switchyard',
  listenerPort: 'listener_port',
} as const;
