// The data-plane scenarios of issue 7: HTTP/1.1 through direct, one `switchyard proxy` hop, the full mesh path and
// HAProxy; gRPC unary direct and through the mesh path.

import type { Scenario } from '../harness/scenario.ts';
import { runGrpcScenario } from './grpc-scenario.ts';
import { runHttp1Scenario } from './http1-scenario.ts';
import { runTlsScenario } from './tls-scenario.ts';
import { runTracingScenario } from './tracing-scenario.ts';

/** Metric names the data-plane targets read; the HTTP/1.1 scenario emits them. */
export const dataPlaneMetrics = {
  oneHopAddedP50Ms: 'oneHop.addedP50Ms',
  haproxyAddedP50Ms: 'haproxy.addedP50Ms',
  oneHopSaturatedRps: 'oneHop.saturatedRps',
  haproxySaturatedRps: 'haproxy.saturatedRps',
  meshPathAddedP99Ms: 'meshPath.addedP99Ms',
  meshPathVcpuPerSidecar: 'meshPath.vcpuPerSidecar',
  meshPathVcpuMinRun: 'meshPath.vcpuPerProxyAtRateMinRun',
  meshPathVcpuMaxRun: 'meshPath.vcpuPerProxyAtRateMaxRun',
  meshPathRssMbPerSidecar: 'meshPath.rssMbPerSidecar',
} as const;

export const http1ScenarioId = 'data-plane/http1';
export const grpcScenarioId = 'data-plane/grpc-unary';
export const tlsScenarioId = 'data-plane/http1-tls';
export const tracingScenarioId = 'data-plane/tracing';

export function dataPlaneScenarios(): Scenario[] {
  return [
    {
      id: http1ScenarioId,
      plane: 'data',
      title: 'HTTP/1.1 keep-alive, 1 KiB: direct, one hop, mesh path, HAProxy',
      requires: ['wrk', 'haproxy', 'switchyard-proxy'],
      run: runHttp1Scenario,
    },
    {
      id: grpcScenarioId,
      plane: 'data',
      title: 'gRPC unary, 1 KiB: direct and through the mesh path',
      requires: ['switchyard-proxy'],
      run: runGrpcScenario,
    },
    {
      id: tlsScenarioId,
      plane: 'data',
      title: 'HTTP/1.1 with TLS: mTLS mesh path vs plaintext, one TLS hop vs HAProxy TLS, handshakes/s',
      requires: ['wrk', 'haproxy', 'openssl', 'switchyard-proxy'],
      run: runTlsScenario,
    },
    {
      id: tracingScenarioId,
      plane: 'data',
      title: 'HTTP/1.1 one hop with tracing off, at 1% and at 100% sampling (OTLP/HTTP export)',
      requires: ['wrk', 'switchyard-proxy'],
      run: runTracingScenario,
    },
  ];
}
