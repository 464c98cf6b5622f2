// One active health probe (HTTP, TCP or gRPC health protocol) against one host; resolves to pass / fail.
import http2 from 'node:http2';
import net from 'node:net';
import { http } from '../../util/node-http.ts';
import type { HealthCheckProtocol } from '../config/cluster-types.ts';

export type ProbeResult = 'pass' | 'fail' | 'network_failure';

export interface ProbeTarget {
  readonly address: string;
  readonly port: number;
  /** Host header / :authority when the check names none. */
  readonly defaultAuthority: string;
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
      path: p.path,
      method: 'GET',
      agent: false,
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
    const socket = net.connect({ host: t.address, port: t.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('health check timeout')));
    socket.once('connect', () => {
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
    const session = http2.connect(
      `http://${t.address.includes(':') ? `[${t.address}]` : t.address}:${t.port}`,
    );
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
