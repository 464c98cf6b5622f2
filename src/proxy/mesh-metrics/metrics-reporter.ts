// Pushes the proxy's pair metrics to the control plane on Envoy's MetricsService stream, every interval,
// reconnecting with back-off; a report that cannot be sent never touches traffic (counts wait, bounded).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Node } from '../../xds/protos/index.ts';
import { metricsServiceDefinition } from '../../xds/protos/metrics-service.ts';
import type { StreamMetricsMessage } from '../../xds/protos/metrics-service.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { reconnectDelayMs } from '../xds-client/reconnect-back-off.ts';
import type { MeshMetrics } from './mesh-metrics.ts';
import { metricFamiliesOf } from './metric-families.ts';

export const defaultReportIntervalMs = 10_000;

export interface MetricsReporterOptions {
  readonly metrics: MeshMetrics;
  readonly node: Node;
  /** The control plane address to report to now (`host:port`; the xDS server the proxy uses). */
  readonly server: () => string;
  readonly intervalMs?: number;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly logger: Logger;
  /** Call metadata sent with the stream (e.g. `authorization: Bearer …` once xDS is authenticated). */
  readonly metadata?: () => grpc.Metadata;
  /** How to dial `server` (TLS to an `--xds-tls` control plane); default plaintext. */
  readonly channel?: (server: string) => {
    readonly credentials: grpc.ChannelCredentials;
    readonly options: grpc.ChannelOptions;
  };
  readonly backOff?: { readonly baseMs: number; readonly maxMs: number };
}

let clientConstructor: grpc.ServiceClientConstructor | undefined;

interface OpenStream {
  readonly client: grpc.Client;
  readonly call: grpc.ClientWritableStream<StreamMetricsMessage>;
  readonly server: string;
  identified: boolean;
}

export class MetricsReporter {
  readonly #options: MetricsReporterOptions;
  readonly #intervalMs: number;
  #timer: TimerHandle | undefined;
  #stream: OpenStream | undefined;
  #failures = 0;
  #retryAtMs = 0;
  #closed = false;
  /** Reports written to a stream, and streams that ended (refused, unreachable, broken). */
  sent = 0;
  endedStreams = 0;

  constructor(options: MetricsReporterOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? defaultReportIntervalMs;
  }

  start(): void {
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#options.clock.setTimer(() => {
      try {
        this.#report();
      } catch (error) {
        this.#options.logger.warn({ err: error }, 'metrics report failed');
      }
      this.#schedule();
    }, this.#intervalMs);
  }

  /** One report: counts since the last one, on the open stream (opened first when needed and allowed). */
  #report(): void {
    const clock = this.#options.clock;
    if (this.#stream === undefined) {
      if (clock.now() < this.#retryAtMs) return;
      this.#stream = this.#open();
    }
    const stream = this.#stream;
    // grpc-js accepts writes before the connection is up (and acknowledges them locally), so counts are taken
    // only once it is: until then, and after it breaks, they wait in the pair table.
    if (stream.client.getChannel().getConnectivityState(true) !== grpc.connectivityState.READY) return;
    const taken = this.#options.metrics.take();
    const message: StreamMetricsMessage = {
      ...(stream.identified ? {} : { identifier: { node: this.#options.node } }),
      envoy_metrics: metricFamiliesOf(taken, Date.now()),
    };
    stream.identified = true;
    // A report written just as the stream breaks is lost (one interval at most): the MetricsService has no
    // acknowledgements, as with Envoy's sink.
    stream.call.write(message, () => {
      this.sent++;
      this.#failures = 0;
    });
  }

  #open(): OpenStream {
    const server = this.#options.server();
    clientConstructor ??= grpc.makeGenericClientConstructor(
      metricsServiceDefinition() as unknown as grpc.ServiceDefinition,
      'MetricsService',
    );
    const channel = this.#options.channel?.(server) ?? {
      credentials: grpc.credentials.createInsecure(),
      options: { 'grpc.use_local_subchannel_pool': 1 },
    };
    const client = new clientConstructor(server, channel.credentials, channel.options);
    const metadata = this.#options.metadata?.() ?? new grpc.Metadata();
    const call = (
      client as unknown as {
        StreamMetrics: (
          metadata: grpc.Metadata,
          callback: (error: grpc.ServiceError | null) => void,
        ) => grpc.ClientWritableStream<StreamMetricsMessage>;
      }
    ).StreamMetrics(metadata, (error) => this.#ended(stream, error));
    const stream: OpenStream = { client, call, server, identified: false };
    call.on('error', () => undefined);
    return stream;
  }

  /** True while a stream is open (it may not be connected yet). */
  get streaming(): boolean {
    return this.#stream !== undefined;
  }

  #ended(stream: OpenStream, error: grpc.ServiceError | null): void {
    stream.client.close();
    this.endedStreams++;
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    if (this.#closed) return;
    const backOff = this.#options.backOff ?? { baseMs: 500, maxMs: 30_000 };
    const delayMs = reconnectDelayMs(this.#failures++, backOff, this.#options.random ?? Math.random);
    this.#retryAtMs = this.#options.clock.now() + delayMs;
    this.#options.logger.debug(
      { server: stream.server, code: error?.code, details: error?.details, retryInMs: delayMs },
      'metrics stream ended',
    );
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) {
      stream.call.end();
      stream.client.close();
    }
  }
}
