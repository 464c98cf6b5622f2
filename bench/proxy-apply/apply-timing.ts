// Measures control-plane change → proxy applied for a 1,000-route configuration: wall time and the CPU time of
// the proxy's thread (the ADS server runs in a worker). `--src DIR` measures another checkout's src/ (e.g. main's,
// for before/after); it must export MeshProxy (or the older Proxy) and XdsClient.
//   node bench/proxy-apply/apply-timing.ts [--src DIR] [--changes N]
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import type { ApplyShape, WorkerReply, WorkerRequest } from './apply-protocol.ts';

const { values } = parseArgs({
  options: {
    src: { type: 'string', default: path.resolve(import.meta.dirname, '../../src') },
    changes: { type: 'string', default: '20' },
  },
});
const src = path.resolve(values.src);
const changes = Number(values.changes);
const shape: ApplyShape = { listeners: 4, routesPerListener: 250, clusters: 20 };

interface Applier {
  close(drainMs?: number): Promise<void>;
}
const proxyModule = (await import(pathToFileURL(path.join(src, 'proxy/index.ts')).href)) as Record<
  string,
  new () => Applier
>;
const xdsModule = (await import(pathToFileURL(path.join(src, 'proxy/xds-client/index.ts')).href)) as {
  XdsClient: new (options: object) => { start(): void; close(): Promise<void>; readonly nackCount: number };
  createSidecarNode: (options: object) => object;
};
const ProxyClass = proxyModule['MeshProxy'] ?? proxyModule['Proxy']!;

const worker = new Worker(new URL('./ads-worker.ts', import.meta.url));
const replies: WorkerReply[] = [];
let wake: (() => void) | undefined;
worker.on('message', (m: WorkerReply) => {
  replies.push(m);
  wake?.();
});
const send = (m: WorkerRequest): void => worker.postMessage(m);
async function next<T extends WorkerReply['type']>(type: T): Promise<Extract<WorkerReply, { type: T }>> {
  for (;;) {
    const i = replies.findIndex((r) => r.type === type);
    if (i >= 0) return replies.splice(i, 1)[0] as Extract<WorkerReply, { type: T }>;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

let applied = 0;
let onApplied: (() => void) | undefined;
const proxy = new ProxyClass();
send({ type: 'start', shape });
const { port, nodeId } = await next('listening');
const client = new xdsModule.XdsClient({
  server: `127.0.0.1:${port}`,
  node: xdsModule.createSidecarNode({
    id: nodeId,
    inboundPort: 15000,
    outboundPort: 15001,
    appHost: '127.0.0.1',
    version: 'bench',
  }),
  target: proxy,
  logger: pino({ level: 'silent' }),
  onApplied: () => {
    applied++;
    onApplied?.();
  },
});
const firstStart = performance.now();
client.start();
await new Promise<void>((resolve) => (onApplied = resolve));
const firstMs = performance.now() - firstStart;

/** Publishes one change and waits for the proxy to apply it: wall ms and the proxy thread's busy ms. */
async function measure(
  routeVariant: number,
  endpointVariant: number,
): Promise<{ wallMs: number; cpuMs: number }> {
  send({ type: 'prepare', shape, routeVariant, endpointVariant });
  await next('prepared');
  const before = applied;
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  const done = new Promise<void>((resolve) => (onApplied = () => applied > before && resolve()));
  send({ type: 'publish' });
  await done;
  const wallMs = performance.now() - start;
  return { wallMs, cpuMs: performance.eventLoopUtilization(elu).active };
}

const rds: { wallMs: number; cpuMs: number }[] = [];
const eds: { wallMs: number; cpuMs: number }[] = [];
for (let i = 1; i <= changes; i++) {
  rds.push(await measure(i, i - 1));
  eds.push(await measure(i, i));
}
const median = (xs: number[]): number => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (xs: { wallMs: number; cpuMs: number }[]) => ({
  wallMsMedian: Number(median(xs.map((x) => x.wallMs)).toFixed(2)),
  cpuMsMedian: Number(median(xs.map((x) => x.cpuMs)).toFixed(2)),
});
process.stdout.write(
  `${JSON.stringify({
    src,
    shape,
    changes,
    firstConfigMs: Number(firstMs.toFixed(1)),
    routeChange: summary(rds),
    endpointChange: summary(eds),
    nacks: client.nackCount,
  })}\n`,
);
await client.close();
await proxy.close(0);
send({ type: 'close' });
await next('closed');
await worker.terminate();
