// Runs `npm run bench -- --smoke` for real (control plane, API, simulated proxies, and the data-plane scenarios
// when wrk and haproxy are installed) and checks the shape of its results; tiny runs mean nothing, so no timing
// is asserted.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const runScript = path.resolve(import.meta.dirname, '../../bench/run.ts');

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runBench(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 230_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

interface ScenarioShape {
  id: string;
  status: string;
  note?: string;
  metrics: Record<string, { value: unknown; unit: unknown }>;
}

/**
 * The data-plane scenarios run when their tools are installed (wrk, haproxy) and are reported skipped, naming the
 * missing tool, when not; either way the test passes. When they ran, every configuration has its figures.
 */
function checkDataPlane(
  scenarios: readonly ScenarioShape[],
  tools: readonly { name: string; available: boolean }[],
  targets: readonly { id: string; status: string }[],
): void {
  const has = (name: string): boolean => tools.some((t) => t.name === name && t.available);
  const expectations = [
    {
      id: 'data-plane/http1',
      needs: ['wrk', 'haproxy', 'switchyard-proxy'],
      configurations: ['direct', 'oneHop', 'meshPath', 'haproxy', 'nodeProxy', 'nodePipe'],
      prefix: '',
    },
    {
      id: 'data-plane/grpc-unary',
      needs: ['switchyard-proxy'],
      configurations: ['direct', 'meshPath'],
      prefix: 'grpc.',
    },
    {
      id: 'data-plane/http1-tls',
      needs: ['wrk', 'haproxy', 'openssl', 'switchyard-proxy'],
      configurations: ['direct', 'meshPath', 'meshPathMtls', 'oneHopTls', 'haproxyTls'],
      prefix: '',
    },
    {
      id: 'data-plane/tracing',
      needs: ['wrk', 'switchyard-proxy'],
      configurations: ['direct', 'tracingOff', 'tracing1pct', 'tracing100pct'],
      prefix: '',
    },
  ];
  for (const expected of expectations) {
    const s = scenarios.find((r) => r.id === expected.id);
    assert.ok(s, `${expected.id} is registered`);
    const missing = expected.needs.filter((name) => !has(name));
    if (missing.length > 0) {
      assert.equal(s.status, 'skipped', JSON.stringify(s));
      for (const name of missing) assert.match(String(s.note), new RegExp(name));
      continue;
    }
    assert.equal(s.status, 'ok', JSON.stringify(s));
    for (const c of expected.configurations)
      for (const metric of ['p50Ms', 'p90Ms', 'p99Ms', 'saturatedRps', 'achievedRps'])
        assert.ok(
          isNumber(s.metrics[`${expected.prefix}${c}.${metric}`]?.value),
          `${expected.id} ${c}.${metric}`,
        );
    if (expected.id === 'data-plane/http1-tls')
      for (const c of ['oneHopTls', 'haproxyTls'])
        assert.ok(isNumber(s.metrics[`${c}.handshakesPerSec`]?.value), `${c}.handshakesPerSec`);
    for (const c of expected.configurations.filter((name) => name !== 'direct')) {
      assert.ok(isNumber(s.metrics[`${expected.prefix}${c}.addedP99Ms`]?.value), `${c}.addedP99Ms`);
      for (const metric of [
        'cpuSecPer1kReq',
        'vcpuAtRate',
        'vcpuPerProxyAtRateMinRun',
        'vcpuPerProxyAtRateMaxRun',
        'peakRssMbAtRate',
        'peakRssMb',
      ])
        assert.ok(
          isNumber(s.metrics[`${expected.prefix}${c}.${metric}`]?.value),
          `${expected.id} ${c}.${metric}`,
        );
    }
    if (expected.configurations.includes('meshPath'))
      assert.equal(s.metrics[`${expected.prefix}meshPath.proxies`]?.value, 2);
  }
  const http1 = scenarios.find((r) => r.id === 'data-plane/http1');
  for (const target of targets.filter((t) => t.id.startsWith('dp-')))
    assert.equal(target.status === 'not-measured', http1?.status !== 'ok', `${target.id}: ${target.status}`);
}

test('bench --smoke writes well-formed JSON and Markdown results and prints the table', async (t) => {
  const outDir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-smoke-'));
  t.after(() => rm(outDir, { recursive: true, force: true }));
  const run = await runBench(['--smoke', '--out-dir', outDir]);
  assert.equal(run.code, 0, `bench exited ${run.code}; stderr:\n${run.stderr}`);

  const files = (await readdir(outDir)).sort();
  assert.equal(files.length, 2, `expected one .json and one .md, got ${files.join(', ')}`);
  const jsonFile = files.find((f) => f.endsWith('.json'))!;
  const mdFile = files.find((f) => f.endsWith('.md'))!;
  assert.match(jsonFile, /^\d{4}-\d{2}-\d{2}-smoke\.json$/);
  assert.equal(mdFile, jsonFile.replace(/\.json$/, '.md'));

  const results = JSON.parse(await readFile(path.join(outDir, jsonFile), 'utf8')) as Record<string, unknown>;
  assert.equal(results.schema, 'switchyard-bench/1');
  assert.equal(results.mode, 'smoke');
  assert.ok(!Number.isNaN(Date.parse(String(results.startedAt))));
  assert.ok(!Number.isNaN(Date.parse(String(results.finishedAt))));
  const env = results.environment as Record<string, unknown>;
  assert.match(String(env.node), /^v\d+\./);
  assert.ok(isNumber(env.cpus));

  const tools = results.tools as { name: string; available: boolean; installHint: string }[];
  assert.deepEqual(tools.map((tool) => tool.name).sort(), [
    'haproxy',
    'openssl',
    'postgresql',
    'switchyard-proxy',
    'wrk',
  ]);
  for (const tool of tools) assert.equal(typeof tool.installHint, 'string');

  const scenarios = results.scenarios as {
    id: string;
    plane: string;
    status: string;
    metrics: Record<string, { value: unknown; unit: unknown }>;
    parameters: Record<string, unknown>;
  }[];
  for (const s of scenarios) {
    assert.ok(['control', 'data'].includes(s.plane), `${s.id} plane ${s.plane}`);
    assert.ok(['ok', 'skipped', 'failed'].includes(s.status), `${s.id} status ${s.status}`);
    for (const [name, metric] of Object.entries(s.metrics)) {
      assert.ok(isNumber(metric.value), `${s.id} ${name} = ${String(metric.value)}`);
      assert.equal(typeof metric.unit, 'string');
    }
  }
  checkDataPlane(scenarios, tools, results.targets as { id: string; status: string }[]);
  // The same mesh on PostgreSQL beside SQLite (skipped, naming the tool, without PostgreSQL's binaries).
  const onPostgres = scenarios.find((s) => s.id === 'control-plane/postgres-mesh-10');
  assert.ok(onPostgres, 'control-plane/postgres-mesh-10 is registered');
  if (tools.some((t) => t.name === 'postgresql' && t.available)) {
    assert.equal(onPostgres.status, 'ok', JSON.stringify(onPostgres));
    for (const name of ['api.create.opsPerSec', 'propagation.5.p99Ms'])
      assert.ok(isNumber(onPostgres.metrics[name]?.value), `postgres ${name}`);
  } else {
    assert.equal(onPostgres.status, 'skipped');
    assert.match(JSON.stringify(onPostgres), /postgresql/);
  }
  const mesh = scenarios.find((s) => s.id === 'control-plane/mesh-10');
  assert.equal(mesh?.status, 'ok', JSON.stringify(mesh));
  for (const name of [
    'api.create.opsPerSec',
    'api.describe.opsPerSec',
    'api.list.opsPerSec',
    'api.register.opsPerSec',
    'translate.allNodesMs',
    'memory.meshRssMb',
    'propagation.5.p50Ms',
    'propagation.5.p99Ms',
    'propagation.5.rssPerProxyMb',
  ])
    assert.ok(mesh.metrics[name], `metric ${name} missing`);
  // Every simulated proxy got its config and every change reached every one of them.
  assert.equal(mesh.metrics['propagation.5.connected']?.value, 5);
  assert.equal(mesh.metrics['propagation.5.serverListed']?.value, 5);
  assert.equal(mesh.metrics['propagation.5.missing']?.value, 0);
  assert.equal(mesh.metrics['propagation.5.samples']?.value, 5 * Number(mesh.parameters.changesPerRun));

  const targets = results.targets as { id: string; status: string; goal: string }[];
  assert.ok(targets.length >= 6);
  for (const target of targets) assert.ok(['pass', 'fail', 'not-measured'].includes(target.status));

  const markdown = await readFile(path.join(outDir, mdFile), 'utf8');
  assert.match(markdown, /^# Switchyard benchmark/);
  assert.match(markdown, /^## Targets$/m);
  assert.match(markdown, /^\| *result *\| *target *\| *measured *\|$/m);
  assert.match(markdown, /^## Control plane: route weight change/m);
  assert.match(markdown, /^\| 10 +\| 5 +\| 5 +\|/m, 'the propagation row of the 10-node mesh');
  assert.ok(run.stdout.includes(markdown.trim()), 'the printed table is the stored one');
  assert.match(run.stdout, /^(PASS|FAIL|N\/A) /m);
  assert.match(run.stderr, /\[control-plane\/mesh-10\] /, 'progress lines per scenario');
  assert.match(markdown, /^## Data plane: HTTP\/1\.1/m);
  assert.match(markdown, /^## Data plane: gRPC unary/m);
});
