// The data-plane scenarios of issue 7 (direct, one `switchyard proxy` hop, the full mesh path and HAProxy, with
// wrk): registered so the report lists them and their targets; pending until their runs are written.

import type { Scenario, ScenarioOutcome } from '../harness/scenario.ts';

/** Metric names the data-plane targets read; a scenario implementing the HTTP/1.1 comparison must emit them. */
export const dataPlaneMetrics = {
  oneHopAddedP50Ms: 'oneHop.addedP50Ms',
  haproxyAddedP50Ms: 'haproxy.addedP50Ms',
  oneHopSaturatedRps: 'oneHop.saturatedRps',
  haproxySaturatedRps: 'haproxy.saturatedRps',
  meshPathAddedP99Ms: 'meshPath.addedP99Ms',
  meshPathVcpuPerSidecar: 'meshPath.vcpuPerSidecar',
  meshPathRssMbPerSidecar: 'meshPath.rssMbPerSidecar',
} as const;

export const http1ScenarioId = 'data-plane/http1';
export const grpcScenarioId = 'data-plane/grpc-unary';

const pending = 'not implemented yet (the data-plane half of issue 7)';

const notYet = async (): Promise<ScenarioOutcome> => {
  throw new Error(pending);
};

export function dataPlaneScenarios(): Scenario[] {
  return [
    {
      id: http1ScenarioId,
      plane: 'data',
      title: 'HTTP/1.1 keep-alive, 1 KiB: direct, one hop, mesh path, HAProxy',
      requires: ['wrk', 'haproxy', 'switchyard-proxy'],
      pending,
      run: notYet,
    },
    {
      id: grpcScenarioId,
      plane: 'data',
      title: 'gRPC unary through the mesh path',
      requires: ['wrk', 'switchyard-proxy'],
      pending,
      run: notYet,
    },
  ];
}
