// What a finished TLS handshake tells about a downstream connection, read once per connection for access logs and
// x-forwarded-client-cert (Envoy's Ssl::ConnectionInfo, reduced to what we use).
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { subjectAltNamesOf } from './san-match.ts';

export interface DownstreamTls {
  /** `TLSv1.2` / `TLSv1.3`, as Envoy's %DOWNSTREAM_TLS_VERSION% prints it. */
  readonly version: string;
  /** The URI SANs of our own certificate on this listener. */
  readonly localUriSans: readonly string[];
  /** Undefined when the client presented no certificate. */
  readonly peer: PeerCertificateInfo | undefined;
}

export interface PeerCertificateInfo {
  /** RFC 2253, most specific name first (`CN=a,O=b`), as Envoy prints it. */
  readonly subject: string;
  readonly uriSans: readonly string[];
  readonly dnsSans: readonly string[];
  /** SHA-256 of the DER certificate, lower-case hex. */
  readonly sha256Hex: string;
  /** The leaf certificate, PEM. */
  readonly pem: string;
}

/**
 * Node prints a name one attribute per line, in certificate order; RFC 2253 reverses that order and escapes the
 * characters that would otherwise read as separators.
 */
function rfc2253(multiline: string): string {
  return multiline
    .split('\n')
    .filter((line) => line !== '')
    .reverse()
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      const value = rdn.slice(eq + 1).replace(/[,+"\\<>;]/g, (c) => `\\${c}`);
      return `${rdn.slice(0, eq + 1)}${value}`;
    })
    .join(',');
}

/** The peer part of a verified connection; the local URI SANs come from the listener's certificate. */
export function downstreamTlsOf(socket: TLSSocket, localUriSans: readonly string[]): DownstreamTls {
  const raw = socket.getPeerX509Certificate();
  let peer: PeerCertificateInfo | undefined;
  if (raw !== undefined) {
    const names = subjectAltNamesOf(raw);
    peer = {
      subject: rfc2253(raw.subject),
      uriSans: names.uri,
      dnsSans: names.dns,
      sha256Hex: createHash('sha256').update(raw.raw).digest('hex'),
      pem: raw.toString(),
    };
  }
  return { version: socket.getProtocol() ?? '', localUriSans, peer };
}

/** URI SANs of a certificate chain's leaf (PEM), for the listener's own identity. */
export function leafUriSans(chainPem: string): readonly string[] {
  return subjectAltNamesOf(new X509Certificate(chainPem)).uri;
}
