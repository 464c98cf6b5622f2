// One active health probe (HTTP, TCP or gRPC health protocol) against one host; resolves to pass / fail. Over
// the cluster's TLS when it has some, as Envoy's checks use the cluster's transport socket.
import http2 from 'node:http2';
import { http } from '../../util/node-http.ts';
import type { HealthCheckProtocol } from '../config/cluster-types.ts';
import type { ClusterStats } from '../stats/cluster-stats.ts';
import type { ClientTls } from '../tls/client-tls.ts';
import { hostKey } from './host.ts';
import { connectUpstream } from './upstream-socket.ts';
import type { UpstreamSocket } from './upstream-socket.ts';

export type ProbeResult = 'pass' | 'fail' | 'network_failure';

export interface ProbeTarget {
  readonly address: string;
  readonly port: number;
  /** Host header / :authority when the check names none. */
  readonly defaultAuthority: string;
  /** The cluster's TLS; undefined probes in plaintext. */
  readonly tls: ClientTls | undefined;
  /** Where the probe's connection and TLS handshake are counted (`ssl.*`). */
  readonly stats: ClusterStats;
}

function open(t: ProbeTarget, alpn: readonly string[]): UpstreamSocket {
  return connectUpstream(t.address, t.port, t.tls, t.stats, { alpn });
}

function httpProbe(
  p: Extract<HealthCheckProtocol, { kind: 'http' }>,
  t: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = http.request({
      host: t.address,
      port: t.port,
      createConnection: () => open(t, ['http/1.1']).socket,
      path: p.path,
      method: 'GET',
      // No agent: with one, Node ignores createConnection (and a probe never reuses a connection anyway).
      headers: { host: p.host || t.defaultAuthority, 'user-agent': 'Envoy/HC', connection: 'close' },
      timeout: timeoutMs,
    });
    req.once('response', (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      resolve(p.expectedStatuses.some(([start, end]) => code >= start && code < end) ? 'pass' : 'fail');
    });
    req.once('timeout', () => req.destroy(new Error('health check timeout')));
    req.once('error', () => resolve('network_failure'));
    req.end();
  });
}

function tcpProbe(t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const { socket, readyEvent } = open(t, t.tls?.config.alpn ?? []);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('health check timeout')));
    socket.once(readyEvent, () => {
      socket.destroy();
      resolve('pass');
    });
    socket.once('error', () => resolve('network_failure'));
  });
}

/** grpc.health.v1.HealthCheckRequest{service} framed for gRPC (field 1, length-delimited). */
function healthRequestFrame(service: string): Buffer {
  const name = Buffer.from(service);
  const message =
    name.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, name.length]), name]);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

function grpcProbe(
  p: Extract<HealthCheckProtocol, { kind: 'grpc' }>,
  t: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(r);
    };
    const { socket } = open(t, ['h2']);
    const session = http2.connect(`${t.tls ? 'https' : 'http'}://${hostKey(t.address, t.port)}`, {
      createConnection: () => socket,
    });
    const timer = setTimeout(() => done('network_failure'), timeoutMs);
    session.on('error', () => done('network_failure'));
    const stream = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      ':authority': p.authority || t.defaultAuthority,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    let headerStatus: string | undefined;
    stream.on('response', (h) => {
      if (h['grpc-status'] !== undefined) headerStatus = String(h['grpc-status']);
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('trailers', (h) => {
      headerStatus = String(h['grpc-status'] ?? headerStatus);
    });
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      // HealthCheckResponse{status = 1 (SERVING)}: tag 0x08, varint 1, after the 5-byte frame header.
      const serving = body.length >= 7 && body[5] === 0x08 && body[6] === 1;
      done(headerStatus === '0' && serving ? 'pass' : 'fail');
    });
    stream.on('error', () => done('network_failure'));
    stream.end(healthRequestFrame(p.serviceName));
  });
}

export function probe(
  protocol: HealthCheckProtocol,
  target: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeResult> {
  switch (protocol.kind) {
    case 'http':
      return httpProbe(protocol, target, timeoutMs);
    case 'tcp':
      return tcpProbe(target, timeoutMs);
    case 'grpc':
      return grpcProbe(protocol, target, timeoutMs);
  }
}
