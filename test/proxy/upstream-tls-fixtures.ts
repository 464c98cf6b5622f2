// Upstream TLS pieces for the proxy's upstream TLS tests: the cluster transport socket as the translation emits it,
// and TLS servers written by others (Node's https/http2, `openssl s_server`) that report who connected.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http2 from 'node:http2';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { extensionTypeUrls, packAny } from '../../src/xds/protos/index.ts';
import type { Cluster } from '../../src/xds/protos/index.ts';
import { freePort } from '../support/free-ports.ts';
import { waitFor } from '../support/wait-for.ts';

export interface UpstreamTlsOptions {
  readonly sni?: string;
  /** Trusted CA file; with `sans`, SAN rules (`exact:` or `prefix:` then the value). */
  readonly caFile?: string;
  readonly sans?: readonly string[];
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly alpn?: readonly string[];
  /** More CommonTlsContext fields. */
  readonly common?: Record<string, unknown>;
}

/** A cluster's `transport_socket` carrying an UpstreamTlsContext. */
export function upstreamTlsSocket(o: UpstreamTlsOptions): Cluster['transport_socket'] {
  const common: Record<string, unknown> = { alpn_protocols: o.alpn ?? [], ...o.common };
  if (o.certFile && o.keyFile)
    common.tls_certificates = [
      { certificate_chain: { filename: o.certFile }, private_key: { filename: o.keyFile } },
    ];
  if (o.caFile)
    common.validation_context = {
      trusted_ca: { filename: o.caFile },
      match_typed_subject_alt_names: (o.sans ?? []).map((rule) => {
        const [kind, value] = rule.split(/:(.*)/s) as [string, string];
        return { san_type: value.startsWith('spiffe://') ? 'URI' : 'DNS', matcher: { [kind]: value } };
      }),
    };
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: packAny(extensionTypeUrls.upstreamTlsContext, {
      sni: o.sni ?? '',
      common_tls_context: common,
    }),
  };
}

export interface TlsPeerReport {
  readonly servername: string | false;
  readonly alpn: string | false;
  readonly httpVersion: string;
  /** The client certificate's URI SANs ('' when none was presented). */
  readonly clientSan: string;
  readonly path: string;
}

function report(socket: TLSSocket, httpVersion: string, path: string): TlsPeerReport {
  const peer = socket.getPeerCertificate();
  return {
    servername: (socket as TLSSocket & { servername: string | false | null }).servername ?? false,
    alpn: socket.alpnProtocol ?? false,
    httpVersion,
    clientSan: peer && 'subjectaltname' in peer ? (peer.subjectaltname ?? '') : '',
    path,
  };
}

export interface TlsUpstream {
  readonly port: number;
  /** Requests the server got (each answered with its TlsPeerReport as JSON). */
  readonly requests: TlsPeerReport[];
  close(): Promise<void>;
}

export interface TlsServerOptions {
  readonly certPem: string;
  readonly keyPem: string;
  /** Set: clients must present a certificate this CA signed. */
  readonly clientCaPem?: string;
}

/** An HTTPS (HTTP/1.1) server answering every request with a report of the TLS peer. */
export async function startHttpsUpstream(o: TlsServerOptions): Promise<TlsUpstream> {
  const requests: TlsPeerReport[] = [];
  const server = https.createServer(
    {
      cert: o.certPem,
      key: o.keyPem,
      ca: o.clientCaPem,
      requestCert: o.clientCaPem !== undefined,
      rejectUnauthorized: o.clientCaPem !== undefined,
    },
    (req, res) => {
      const r = report(req.socket as TLSSocket, req.httpVersion, req.url ?? '');
      requests.push(r);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(r));
    },
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP/2-only TLS server (ALPN h2, no HTTP/1.1 fallback) answering with the peer report. */
export async function startH2Upstream(o: TlsServerOptions): Promise<TlsUpstream> {
  const requests: TlsPeerReport[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({ cert: o.certPem, key: o.keyPem, allowHTTP1: false });
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    const r = report(stream.session?.socket as TLSSocket, '2.0', String(headers[':path']));
    requests.push({ ...r, path: `${String(headers[':scheme'])} ${r.path}` });
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(JSON.stringify(r));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface OpensslServer {
  readonly port: number;
  /** Everything s_server printed so far (it logs the client certificate's subject and more). */
  output(): string;
  close(): Promise<void>;
}

/**
 * `openssl s_server -rev` (answers each line reversed) on a free port. `verifyCaFile` makes it demand a client
 * certificate (-Verify). Ready once it accepts connections.
 */
export async function startOpensslRevServer(o: {
  certFile: string;
  keyFile: string;
  verifyCaFile?: string;
}): Promise<OpensslServer> {
  const port = await freePort();
  const args = ['s_server', '-rev', '-accept', `127.0.0.1:${port}`, '-cert', o.certFile, '-key', o.keyFile];
  if (o.verifyCaFile) args.push('-Verify', '2', '-CAfile', o.verifyCaFile, '-verify_return_error');
  const child: ChildProcess = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor('openssl s_server to accept', () => out.includes('ACCEPT'), { timeoutMs: 20_000 });
  return {
    port,
    output: () => out,
    close: async () => {
      child.kill();
      await exited;
    },
  };
}
