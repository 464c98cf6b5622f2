// Scratch benchmark (not a test): wrk through direct / one Switchyard hop / a naive Node pipe proxy, each server in
// its own process; reports req/s, wrk latency and the proxy's CPU time per request (robust on a busy machine).
// Run: node_modules/.bin/node test/proxy/bench/wrk-hop.bench.ts [seconds] [connections] [rounds]
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 2);
const script = new URL('./hop-process.ts', import.meta.url).pathname;
const extraArgs = (process.env.HOP_NODE_ARGS ?? '').split(' ').filter(Boolean);

async function start(role: string, upstreamPort = 0): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [...extraArgs, script, role, String(upstreamPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), child };
}

function cpuMs(pid: number): { user: number; sys: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) * 10, sys: Number(fields[12]) * 10 };
}

const rate = Number(process.env.HOP_RATE ?? 0);
const openLoop = new URL('../../../bench/data-plane/open-loop-http.ts', import.meta.url).pathname;

/** With HOP_RATE, a constant-rate open-loop generator (bench/data-plane) instead of wrk's closed loop. */
function load(port: number, secs: number): { rps: number; requests: number; p50: string; p99: string } {
  if (rate === 0) return wrk(port, secs);
  const config = { port, host: 'svc', rate, warmupMs: 1000, durationMs: secs * 1000, maxConnections: 256 };
  const out = execFileSync(process.execPath, [openLoop, JSON.stringify(config)], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  const r = JSON.parse(lines[lines.length - 1] as string) as {
    latenciesMs: number[];
    completed: number;
    seconds: number;
  };
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const q = (p: number): string => `${(sorted[Math.floor(p * (sorted.length - 1))] ?? NaN).toFixed(3)}ms`;
  // The CPU window includes the warm-up, so count its requests too.
  return { rps: r.completed / r.seconds, requests: r.completed + rate, p50: q(0.5), p99: q(0.99) };
}

function wrk(port: number, secs: number): { rps: number; requests: number; p50: string; p99: string } {
  const out = execFileSync(
    'wrk',
    ['-t1', `-c${connections}`, `-d${secs}s`, '--latency', '-H', 'Host: svc', `http://127.0.0.1:${port}/`],
    { encoding: 'utf8' },
  );
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p50 = /50%\s+(\S+)/.exec(out)?.[1] ?? '?';
  const p99 = /99%\s+(\S+)/.exec(out)?.[1] ?? '?';
  if (/Non-2xx|Socket errors/.test(out)) console.log(out);
  return { rps, requests, p50, p99 };
}

const upstream = await start('upstream');
const proxy = await start('proxy', upstream.port);
const naive = await start('naive', upstream.port);
const extra: { name: string; port: number; child: ChildProcess }[] = [];
const only = process.env.HOP_ONLY;
if (process.env.HOP_HAPROXY) {
  // HAProxy, one thread, as the reference (the same single hop as bench/data-plane/haproxy-process.ts).
  const port = 20000 + Math.floor(Math.random() * 10000);
  const cfg = `/tmp/hop-haproxy-${process.pid}.cfg`;
  writeFileSync(
    cfg,
    `global\n  nbthread 1\n  maxconn 4096\ndefaults\n  mode http\n  option http-keep-alive\n  http-reuse always\n` +
      `  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\nfrontend f\n  bind 127.0.0.1:${port}\n` +
      `  default_backend app\nbackend app\n  server app 127.0.0.1:${upstream.port}\n`,
  );
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'inherit', 'inherit'] });
  await new Promise((r) => setTimeout(r, 500));
  extra.push({ name: 'haproxy', port, child });
}
const variants: { name: string; port: number; child: ChildProcess }[] = await Promise.all(
  (process.env.HOP_VARIANTS ?? '')
    .split(',')
    .filter(Boolean)
    .map(async (v) => {
      const [file, role, name] = v.split(':') as [string, string, string | undefined];
      const child = spawn(process.execPath, [file, role, String(upstream.port)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      return { name: name ?? role, port: Number(line.toString().trim()), child };
    }),
);
const subjects = [
  { name: 'direct', ...upstream },
  { name: 'switchyard', ...proxy },
  { name: 'naive', ...naive },
  ...variants,
  ...extra,
].filter((s) => only === undefined || only.split(',').includes(s.name));
const samples = new Map<string, { cpu: number[]; rps: number[] }>();
for (const s of subjects) wrk(s.port, 2);
try {
  for (let r = 0; r < rounds; r++) {
    let directRps = NaN;
    for (const s of subjects) {
      const before = cpuMs(s.child.pid!);
      const res = load(s.port, seconds);
      const after = cpuMs(s.child.pid!);
      const user = ((after.user - before.user) * 1000) / res.requests;
      const sys = ((after.sys - before.sys) * 1000) / res.requests;
      if (s.name === 'direct') directRps = res.rps;
      let sample = samples.get(s.name);
      if (!sample) samples.set(s.name, (sample = { cpu: [], rps: [] }));
      sample.cpu.push(user + sys);
      sample.rps.push(res.rps);
      const perReq = `  server CPU ${(user + sys).toFixed(1)} µs/req (user ${user.toFixed(1)}, sys ${sys.toFixed(1)})`;
      console.log(
        `${s.name.padEnd(10)} ${res.rps.toFixed(0).padStart(7)} req/s (${((res.rps / directRps) * 100).toFixed(0)}%)  p50 ${res.p50}  p99 ${res.p99}${perReq}`,
      );
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  console.log('medians:');
  for (const [name, x] of samples)
    console.log(
      `${name.padEnd(10)} ${median(x.rps).toFixed(0).padStart(7)} req/s  server CPU ${median(x.cpu).toFixed(1)} µs/req`,
    );
} finally {
  for (const c of [upstream, proxy, naive, ...variants, ...extra]) c.child.kill();
}
