// Child script: gRPC unary load with grpc-js over one channel, either open loop at a fixed rate (latency from each
// call's scheduled start) or closed loop with a fixed number of calls in flight (saturation).
// Argument: {"target", "authority"?, "rate"? | "concurrency"?, "warmupMs", "durationMs"}; prints the measuring
// marker when the warm-up ends, then one LoadResult.

import * as grpc from '@grpc/grpc-js';
import { EchoClient, grpcAnswer, grpcRequest } from './grpc-echo.ts';
import { measuringMarker, runSchedule, type LoadPlan, type LoadResult } from './load-result.ts';
import { MeasuredWindow } from './measured-window.ts';

interface Config extends LoadPlan {
  readonly target: string;
  readonly authority?: string;
}

const config = JSON.parse(process.argv[2]!) as Config;
const client = new EchoClient(
  config.target,
  grpc.credentials.createInsecure(),
  config.authority ? { 'grpc.default_authority': config.authority } : {},
);
const expectedSamples = config.rate !== undefined ? (config.rate * config.durationMs) / 1000 : 1024;
const sampleWindow = new MeasuredWindow(expectedSamples);
const errorSamples: string[] = [];
let errors = 0;

function call(startedAt: number, measured: boolean, then: () => void): void {
  client.echo(grpcRequest, (error, response) => {
    const at = performance.now();
    if (measured) {
      if (error === null && response?.length === grpcAnswer.length) sampleWindow.completed(at - startedAt);
      else {
        errors++;
        if (errorSamples.length < 5)
          errorSamples.push(error ? `${error.code} ${error.details}` : 'short answer');
      }
    }
    then();
  });
}

let reported = false;

function report(seconds: number): void {
  if (reported) return;
  reported = true;
  const result: LoadResult = {
    latenciesMs: sampleWindow.latenciesMs(),
    completed: sampleWindow.completedCount,
    errors,
    errorSamples,
    seconds,
    connections: 1,
    maxStartLagMs: sampleWindow.maxStartLagMs,
    lateStarts: sampleWindow.lateStarts,
  };
  client.close();
  // Exit only once the line is out: a result of tens of thousands of samples is larger than a pipe's buffer.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

await new Promise<void>((resolve, reject) =>
  client.waitForReady(Date.now() + 10_000, (error) =>
    error ? reject(new Error('gRPC channel not ready', { cause: error })) : resolve(),
  ),
);

if (config.rate !== undefined) {
  const rate = config.rate;
  const warmCount = Math.round((rate * config.warmupMs) / 1000);
  const total = warmCount + Math.round((rate * config.durationMs) / 1000);
  let finished = 0;
  let windowStart = 0;
  let windowEnd = 0;
  let scheduled = false;
  const settle = (): void => {
    finished++;
    if (scheduled && finished === total) report((windowEnd - windowStart) / 1000);
  };
  runSchedule(
    rate,
    total,
    (at, index, firedAt) => {
      if (index === warmCount) {
        windowStart = at;
        process.stdout.write(`${JSON.stringify(measuringMarker)}\n`);
      }
      if (index >= warmCount) sampleWindow.started(at, firedAt);
      call(at, index >= warmCount, settle);
    },
    () => {
      scheduled = true;
      windowEnd = performance.now();
      setTimeout(() => {
        errors += total - finished;
        errorSamples.push(`${total - finished} unanswered`);
        report((windowEnd - windowStart) / 1000);
      }, 10_000).unref();
    },
  );
} else {
  const concurrency = config.concurrency ?? 32;
  const started = performance.now();
  const measureFrom = started + config.warmupMs;
  const end = measureFrom + config.durationMs;
  let running = concurrency;
  setTimeout(() => process.stdout.write(`${JSON.stringify(measuringMarker)}\n`), config.warmupMs);
  const loop = (): void => {
    const now = performance.now();
    if (now >= end) {
      if (--running === 0) report((end - measureFrom) / 1000);
      return;
    }
    call(now, now >= measureFrom, loop);
  };
  for (let i = 0; i < concurrency; i++) loop();
}
