// Scratch benchmark (not a test): requests/s through one proxy hop vs direct, each side on its own thread.
// Run: node_modules/.bin/node test/proxy/bench/proxy-hop.bench.ts [seconds] [concurrency]
import http from 'node:http';
import { Worker } from 'node:worker_threads';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 64);

function startWorker(
  role: 'upstream' | 'proxy' | 'naive',
  upstreamPort?: number,
): Promise<{ port: number; worker: Worker }> {
  const worker = new Worker(new URL('./hop-worker.ts', import.meta.url), {
    workerData: { role, upstreamPort },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (port: number) => resolve({ port, worker }));
    worker.once('error', reject);
  });
}

async function load(
  port: number,
  host: string,
  body: 'small' | 'large',
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const start = performance.now();
      const req = http.get(
        { host: '127.0.0.1', port, path: body === 'small' ? '/small' : '/large', agent, headers: { host } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            latencies.push(performance.now() - start);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) await one();
  });
  const started = performance.now();
  await Promise.all(loops);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies[Math.floor(p * (latencies.length - 1))] ?? 0;
  return { rps: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), errors };
}

const upstream = await startWorker('upstream');
const proxy = await startWorker('proxy', upstream.port);
const naive = await startWorker('naive', upstream.port);
// Warm up every path.
for (const p of [upstream, proxy, naive]) await load(p.port, 'svc', 'small');
for (const body of ['small', 'large'] as const) {
  const direct = await load(upstream.port, 'svc', body);
  const hop = await load(proxy.port, 'svc', body);
  const pipe = await load(naive.port, 'svc', body);
  const fmt = (r: typeof direct): string =>
    `${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  errors ${r.errors}`;
  console.log(`${body.padEnd(5)} direct     : ${fmt(direct)}`);
  console.log(
    `${body.padEnd(5)} switchyard : ${fmt(hop)}  (${((hop.rps / direct.rps) * 100).toFixed(0)}% of direct)`,
  );
  console.log(
    `${body.padEnd(5)} naive pipe : ${fmt(pipe)}  (${((pipe.rps / direct.rps) * 100).toFixed(0)}% of direct)`,
  );
}
for (const w of [upstream, proxy, naive]) await w.worker.terminate();
