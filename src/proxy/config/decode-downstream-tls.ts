// DownstreamTlsContext (a listener filter chain's transport socket) → DownstreamTlsConfig, refusing what we cannot
// enforce: a security setting the proxy would silently skip is a NACK, never a quietly weaker listener.
import type { TransportSocket__Output } from '../../xds/protos/generated/envoy/config/core/v3/TransportSocket.ts';
import { extensionTypeUrls, unpackAny } from '../../xds/protos/index.ts';
import type { Violations } from './config-error.ts';
import { decodeCommonTls } from './decode-common-tls.ts';
import type { DownstreamTlsConfig } from './tls-types.ts';

export const tlsTransportSocketName = 'envoy.transport_sockets.tls';

/** Decodes a filter chain's `envoy.transport_sockets.tls` socket; violations go to `v` under `path`. */
export function decodeDownstreamTls(
  socket: TransportSocket__Output,
  mode: DownstreamTlsConfig['mode'],
  path: string,
  v: Violations,
): DownstreamTlsConfig | undefined {
  const any = socket.typed_config;
  if (any?.type_url !== extensionTypeUrls.downstreamTlsContext) {
    v.add(`${path}.typed_config`, `a DownstreamTlsContext is required (got ${any?.type_url ?? 'none'})`);
    return undefined;
  }
  let ctx;
  try {
    ctx = unpackAny(any, extensionTypeUrls.downstreamTlsContext);
  } catch (cause) {
    v.add(`${path}.typed_config`, (cause as Error).message);
    return undefined;
  }
  const at = `${path}.typed_config`;
  const common = ctx.common_tls_context;
  if (common === null) {
    v.add(`${at}.common_tls_context`, 'is required');
    return undefined;
  }
  const cpath = `${at}.common_tls_context`;
  const { certificate, validation, alpn } = decodeCommonTls(common, 'downstream', cpath, v);
  const requireClientCert = ctx.require_client_certificate?.value === true;
  // Envoy would verify a certificate only when one is offered; a listener here either requires one or asks none.
  if (validation !== undefined && !requireClientCert)
    v.add(`${at}.require_client_certificate`, 'must be true when a validation context is set');
  if (common.validation_context_type === undefined && requireClientCert)
    v.add(
      `${at}.require_client_certificate`,
      'needs a validation context to verify client certificates against',
    );
  if (ctx.require_sni?.value === true) v.add(`${at}.require_sni`, 'is not supported');
  // A missing certificate is a violation already: the placeholder never serves.
  return { mode, certificate: certificate ?? { kind: 'sds', secretName: '' }, validation, alpn };
}
