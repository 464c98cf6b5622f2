// The data-plane benchmark's own parts, without wrk or HAProxy: the open-loop generator against the upstream app
// (both real child processes), the Node.js TCP pipe, wrk's summary parser, the HAProxy config and the /proc
// readers.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { haproxyConfig } from '../../bench/data-plane/haproxy-process.ts';
import { measuringMarker, type LoadResult } from '../../bench/data-plane/load-result.ts';
import { cpuSeconds, peakRssMb, rssMb } from '../../bench/data-plane/process-usage.ts';
import { ScriptChild } from '../../bench/data-plane/script-child.ts';
import { SidecarProcess, sidecarNodeFlags } from '../../bench/data-plane/sidecar-process.ts';
import { parseWrkOutput } from '../../bench/data-plane/wrk-run.ts';

test('the open-loop generator sends its schedule to the 1 KiB upstream and times every answer', async (t) => {
  const upstream = ScriptChild.start('upstream-http.ts', {}, undefined);
  t.after(() => upstream.stop());
  const { port } = await upstream.next<{ port: number }>(30_000);
  const load = ScriptChild.start(
    'open-loop-http.ts',
    { port, host: `127.0.0.1:${port}`, rate: 500, warmupMs: 100, durationMs: 400, maxConnections: 16 },
    undefined,
  );
  t.after(() => load.stop());
  assert.deepEqual(await load.next(30_000), measuringMarker);
  const result = await load.next<LoadResult>(30_000);
  assert.equal(result.errors, 0, result.errorSamples.join('; '));
  assert.equal(result.completed, 200, 'every scheduled request after the warm-up was answered and timed');
  assert.equal(result.latenciesMs.length, 200);
  assert.ok(result.latenciesMs.every((ms) => Number.isFinite(ms) && ms >= 0));
  assert.ok(result.connections >= 1 && result.connections <= 16);
  assert.ok(result.seconds > 0.3 && result.seconds < 5, `window ${result.seconds} s`);
  assert.ok(
    Number.isFinite(result.maxStartLagMs) && result.maxStartLagMs >= 0,
    `lag ${result.maxStartLagMs}`,
  );
  assert.ok(Number.isInteger(result.lateStarts) && result.lateStarts >= 0 && result.lateStarts <= 200);
});

test("wrk's summary is parsed, errors included", () => {
  const output = `Running 5s test @ http://127.0.0.1:8080/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   512.00us  100.00us   5.00ms   90.00%
    Req/Sec    62.10k     1.20k   64.00k    70.00%
  310500 requests in 5.00s, 380.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  62100.00
Transfer/sec:     76.00MB
`;
  assert.deepEqual(parseWrkOutput(output), {
    requests: 310500,
    seconds: 5,
    requestsPerSec: 62100,
    errors: 7,
  });
  assert.throws(
    () => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'),
    /unexpected wrk output/,
  );
});

test('the HAProxy config is one thread, HTTP mode, keep-alive, one server', () => {
  const cfg = haproxyConfig(18080, 19090);
  assert.match(cfg, /^\s*nbthread 1$/m);
  assert.match(cfg, /^\s*mode http$/m);
  assert.match(cfg, /^\s*option http-keep-alive$/m);
  assert.match(cfg, /^\s*bind 127\.0\.0\.1:18080$/m);
  assert.match(cfg, /^\s*server app 127\.0\.0\.1:19090$/m);
});

test('CPU time and memory of a process come from /proc', async () => {
  const before = await cpuSeconds(process.pid);
  const until = performance.now() + 50;
  while (performance.now() < until); // burn a little CPU so the counter moves
  const after = await cpuSeconds(process.pid);
  assert.ok(after >= before);
  const rss = await rssMb(process.pid);
  assert.ok(rss > 1);
  assert.ok((await peakRssMb(process.pid)) >= rss);
});

function get(port: number, agent: http.Agent): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
  });
}

test('the Node.js TCP pipe carries keep-alive requests to the app and its answers back', async (t) => {
  const upstream = ScriptChild.start('upstream-http.ts', {}, undefined);
  t.after(() => upstream.stop());
  const { port: upstreamPort } = await upstream.next<{ port: number }>(30_000);
  const pipe = ScriptChild.start('node-tcp-pipe.js', { upstreamPort }, undefined, sidecarNodeFlags);
  t.after(() => pipe.stop());
  const { port } = await pipe.next<{ port: number }>(30_000);
  assert.notEqual(port, upstreamPort);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  for (let i = 0; i < 3; i++) assert.deepEqual(await get(port, agent), { status: 200, bytes: 1024 });
});

test('the TCP pipe runs with the V8 settings bin/switchyard gives the sidecar', async () => {
  const launcher = await readFile(path.resolve(import.meta.dirname, '../../bin/switchyard'), 'utf8');
  assert.match(launcher, new RegExp(`flags="${sidecarNodeFlags.join(' ')}"`));
});

test("priming fills the sidecar's compile cache before any sidecar runs", async (t) => {
  const cache = await mkdtemp(path.join(tmpdir(), 'switchyard-compile-cache-test-'));
  t.after(() => rm(cache, { recursive: true, force: true }));
  await SidecarProcess.primeCompileCache({ ...process.env, NODE_COMPILE_CACHE: cache });
  const files = await readdir(cache, { recursive: true });
  // The proxy command alone loads a few hundred modules; an empty or near-empty cache means nothing was kept.
  assert.ok(files.length > 100, `${files.length} entries in the compile cache`);
});
