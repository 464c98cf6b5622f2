// A cluster's transport_socket (UpstreamTlsContext) → UpstreamTlsConfig. Every field the proxy cannot enforce is a
// violation: a setting that asks for more security than we give must be NACKed, never silently dropped.
import type { TransportSocket__Output } from '../../xds/protos/generated/envoy/config/core/v3/TransportSocket.ts';
import { extensionTypeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Violations } from './config-error.ts';
import { decodeCommonTls } from './decode-common-tls.ts';
import type { UpstreamTlsConfig } from './tls-types.ts';

const tlsSocketNames = new Set(['envoy.transport_sockets.tls', 'tls']);
const rawSocketNames = new Set(['envoy.transport_sockets.raw_buffer', 'raw_buffer']);

function decodeUpstreamTlsContext(
  typedConfig: TransportSocket__Output['typed_config'],
  v: Violations,
): UpstreamTlsConfig | undefined {
  const path = 'transport_socket.typed_config';
  if (!typedConfig || typedConfig.type_url !== extensionTypeUrls.upstreamTlsContext) {
    v.add(path, `must be an UpstreamTlsContext (got ${typedConfig?.type_url ?? 'nothing'})`);
    return undefined;
  }
  let ctx;
  try {
    ctx = unpackAny(typedConfig, extensionTypeUrls.upstreamTlsContext);
  } catch (cause) {
    v.add(path, (cause as Error).message);
    return undefined;
  }
  const common = ctx.common_tls_context;
  const cp = `${path}.common_tls_context`;
  if (common === null)
    return { sni: ctx.sni || undefined, certificate: undefined, validation: undefined, alpn: [] };
  return { sni: ctx.sni || undefined, ...decodeCommonTls(common, 'upstream', cp, v) };
}

/** The cluster's upstream TLS, or undefined for plaintext (no transport socket, or raw_buffer). */
export function decodeClusterTls(
  transportSocket: TransportSocket__Output | null,
  matchCount: number,
  v: Violations,
): UpstreamTlsConfig | undefined {
  if (matchCount > 0)
    v.add('transport_socket_matches', 'is not supported (one transport_socket per cluster)');
  if (transportSocket === null || rawSocketNames.has(transportSocket.name)) return undefined;
  if (!tlsSocketNames.has(transportSocket.name)) {
    v.add('transport_socket.name', `unsupported transport socket ${transportSocket.name || '(none)'}`);
    return undefined;
  }
  return decodeUpstreamTlsContext(transportSocket.typed_config, v);
}
