// The gRPC definition of envoy.service.metrics.v3.MetricsService (Envoy's metrics sink), on a Root of its own
// that adds our Prometheus client proto (extra/) to the bundled Envoy protos.
import type * as grpc from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { asBuffer } from './as-buffer.ts';
import { envoyRoot, toObjectOptions } from './envoy-root.ts';
import type { Node, Node__Output } from './message-types.ts';
import { protoIncludeDirs } from './proto-files.ts';

export const metricsServiceName = 'envoy.service.metrics.v3.MetricsService';

/** io.prometheus.client.MetricType, as protobufjs gives enums (strings). */
export type MetricTypeName = 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'UNTYPED' | 'HISTOGRAM' | 'GAUGE_HISTOGRAM';

export interface LabelPair {
  readonly name: string;
  readonly value: string;
}

export interface HistogramBucket {
  /** A number, or a decimal string once decoded (64-bit). */
  readonly cumulative_count: number | string;
  readonly upper_bound: number;
}

export interface PrometheusMetric {
  readonly label?: readonly LabelPair[];
  readonly counter?: { readonly value: number } | null;
  readonly gauge?: { readonly value: number } | null;
  readonly histogram?: {
    readonly sample_count: number | string;
    readonly sample_sum: number;
    readonly bucket: readonly HistogramBucket[];
  } | null;
  readonly timestamp_ms?: number | string;
}

export interface MetricFamily {
  readonly name: string;
  readonly help?: string;
  readonly type: MetricTypeName;
  readonly metric: readonly PrometheusMetric[];
}

export interface StreamMetricsMessage {
  readonly identifier?: { readonly node: Node } | null;
  readonly envoy_metrics: readonly MetricFamily[];
}

export interface StreamMetricsMessage__Output {
  readonly identifier: { readonly node: Node__Output | null } | null;
  readonly envoy_metrics: readonly MetricFamily[];
}

const extraDir = path.join(path.dirname(new URL(import.meta.url).pathname), 'extra');
let cachedRoot: protobuf.Root | undefined;

function metricsRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  // The shared Root registers descriptor.proto (the annotations import it) on its first load.
  envoyRoot();
  const dirs = [extraDir, ...protoIncludeDirs()];
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync(['envoy/service/metrics/v3/metrics_service.proto'], { keepCase: true });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** The request message's codec (the response is empty and never sent by Envoy's server side). */
function messageCodec(): {
  encode: (m: StreamMetricsMessage) => Buffer;
  decode: (b: Buffer) => StreamMetricsMessage__Output;
} {
  const type = metricsRoot().lookupType('envoy.service.metrics.v3.StreamMetricsMessage');
  return {
    encode: (m) => asBuffer(type.encode(type.fromObject(m as unknown as Record<string, unknown>)).finish()),
    decode: (b) => type.toObject(type.decode(b), toObjectOptions) as StreamMetricsMessage__Output,
  };
}

export interface MetricsServiceDefinition {
  StreamMetrics: {
    path: string;
    originalName: string;
    requestStream: true;
    responseStream: false;
    requestSerialize: grpc.serialize<StreamMetricsMessage>;
    requestDeserialize: grpc.deserialize<StreamMetricsMessage__Output>;
    responseSerialize: grpc.serialize<object>;
    responseDeserialize: grpc.deserialize<object>;
  };
}

let cachedDefinition: MetricsServiceDefinition | undefined;

/** Usable by servers (`server.addService`) and clients (`grpc.makeGenericClientConstructor`). */
export function metricsServiceDefinition(): MetricsServiceDefinition {
  if (cachedDefinition) return cachedDefinition;
  const codec = messageCodec();
  cachedDefinition = {
    StreamMetrics: {
      path: `/${metricsServiceName}/StreamMetrics`,
      originalName: 'StreamMetrics',
      requestStream: true,
      responseStream: false,
      requestSerialize: codec.encode,
      requestDeserialize: codec.decode,
      // StreamMetricsResponse has no fields: its encoding is empty.
      responseSerialize: () => Buffer.alloc(0),
      responseDeserialize: () => ({}),
    },
  };
  return cachedDefinition;
}
