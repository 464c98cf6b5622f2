// x-forwarded-client-cert towards the upstream, as Envoy's forward_client_cert_details says: dropped unless the
// client proved a certificate (mTLS), then kept, appended to or replaced with what our handshake verified.
import type { OutgoingHttpHeaders } from 'node:http';
import type { ForwardClientCertConfig } from '../config/listener-types.ts';
import type { DownstreamTls, PeerCertificateInfo } from '../tls/peer-identity.ts';

const xfcc = 'x-forwarded-client-cert';

/**
 * `key=value`, the value quoted (XFCC's escaping) when it holds a separator: a SAN is whatever the CA signed, and
 * `URI=spiffe://…/x;DNS=payments.m.local` left bare would read as a URI and a DNS name the certificate lacks.
 */
function field(key: string, value: string): string {
  return /[,;="\\]/.test(value) ? `${key}="${value.replace(/["\\]/g, (c) => `\\${c}`)}"` : `${key}=${value}`;
}

/** One XFCC element in Envoy's order: By, Hash, then Subject, URI, DNS, Cert, Chain as configured. */
function element(tls: DownstreamTls, peer: PeerCertificateInfo, config: ForwardClientCertConfig): string {
  const parts: string[] = [];
  for (const uri of tls.localUriSans) parts.push(field('By', uri));
  parts.push(`Hash=${peer.sha256Hex}`);
  if (config.subject) parts.push(`Subject="${peer.subject.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  // Envoy keeps the URI key even when the certificate has no URI SAN.
  if (config.uri) {
    if (peer.uriSans.length === 0) parts.push('URI=');
    for (const uri of peer.uriSans) parts.push(field('URI', uri));
  }
  if (config.dns) for (const dns of peer.dnsSans) parts.push(field('DNS', dns));
  // Only the leaf is kept per connection, so Chain carries the leaf as well (see docs/proxy.md).
  if (config.cert) parts.push(`Cert="${encodeURIComponent(peer.pem)}"`);
  if (config.chain) parts.push(`Chain="${encodeURIComponent(peer.pem)}"`);
  return parts.join(';');
}

/** Rewrites `headers[x-forwarded-client-cert]` (the copy that goes upstream) for this connection. */
export function forwardClientCert(
  headers: OutgoingHttpHeaders,
  tls: DownstreamTls | undefined,
  config: ForwardClientCertConfig,
): void {
  if (config.mode === 'ALWAYS_FORWARD_ONLY') return;
  const peer = tls?.peer;
  if (tls === undefined || peer === undefined || config.mode === 'SANITIZE') {
    delete headers[xfcc];
    return;
  }
  if (config.mode === 'FORWARD_ONLY') return;
  const mine = element(tls, peer, config);
  const theirs = headers[xfcc];
  if (config.mode === 'APPEND_FORWARD' && theirs !== undefined) {
    headers[xfcc] = `${Array.isArray(theirs) ? theirs.join(',') : String(theirs)},${mine}`;
    return;
  }
  headers[xfcc] = mine;
}
