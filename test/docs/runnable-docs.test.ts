// Runs every ```sh runnable block of README.md and docs/*.md (see runnable-blocks.ts for the rules), file by file
// against a fresh control plane holding the `store` example mesh, so the documented commands keep working; and
// checks that no shell block of the docs is left unrun.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, test } from 'node:test';
import { runCli } from '../cli/cli-harness.ts';
import { startControlPlaneProcess, type ControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { startHttpApp, type HttpApp } from '../support/echo-apps.ts';
import { freePorts } from '../support/free-ports.ts';
import {
  findPostgresBinaries,
  startPostgresServer,
  type PostgresServer,
} from '../support/postgres-server.ts';
import { repoRoot } from '../support/switchyard-process.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  documentedPorts,
  killGroup,
  runnableBlocks,
  runScript,
  scriptCommands,
  substitutePorts,
  unrunnableBlocks,
  type RunnableBlock,
} from './runnable-blocks.ts';

const docs = [
  'README.md',
  ...(await readdir(path.join(repoRoot, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/**
 * Commands of runnable blocks the docs test does not run as written, each with what runs instead and why; every
 * pattern must still match its doc, so this list cannot outlive the commands it excuses.
 */
const coveredElsewhere: readonly {
  doc: string;
  pattern: RegExp;
  replacement: string;
  why: string;
}[] = [
  {
    doc: 'README.md',
    pattern: /npm install && /g,
    replacement: '',
    why: 'CI installs the dependencies with `npm ci` from the same lockfile (.ci/run) before any test runs; a test must not reinstall the shared tree',
  },
  {
    doc: 'README.md',
    pattern: /^npm test\b.*$/gm,
    replacement: '',
    why: 'CI runs `npm test` itself (.ci/run), and this test is part of it',
  },
  {
    doc: 'README.md',
    pattern: /^npm run test:unit\b.*$/gm,
    replacement: '',
    why: 'its files are a subset of those `npm test` runs in CI',
  },
  {
    doc: 'README.md',
    pattern: /^npm run fuzz\b.*$/gm,
    replacement: '',
    why: 'the same fuzz tests run in `npm test` at FUZZ_SCALE 1 (`npm run fuzz` only raises the budget)',
  },
  {
    doc: 'README.md',
    pattern: /^npm run format\b.*$/gm,
    replacement: '',
    why: 'it rewrites the tree; CI runs the same two tools (prettier, eslint) in check mode through `npm run lint`',
  },
  {
    doc: 'docs/benchmarks.md',
    pattern: /npm run bench(?: --)?/g,
    replacement: `node ${path.join(repoRoot, 'test/docs/bench-plan.ts')}`,
    why: "a full run takes minutes and loads the machine: each documented invocation is parsed by the benchmark's own option parser (bench-plan.ts), and test/bench/bench-smoke.test.ts runs the benchmark itself",
  },
  {
    doc: 'docs/cli.md',
    pattern: /kubectl kustomize overlays\/prod/g,
    replacement: 'cat examples/apply/kubernetes.yaml',
    why: 'kubectl is not installed in CI; what is ours, `apply -f -` reading manifests from a pipe, runs on the example manifests',
  },
  {
    doc: 'docs/ha.md',
    pattern: /switchyard-2026-12-06\.dump/g,
    replacement: 'switchyard-$(date +%F).dump',
    why: 'the restore example names a dated dump; the test restores the one the backup block made today',
  },
];

/** Everything one file's blocks share: its scratch directory, control plane, ports and fixtures. */
interface FileRun {
  readonly doc: string;
  readonly cwd: string;
  readonly controlPlane: ControlPlaneProcess;
  /** Documented ports → ports of the run, for blocks that use the runner's control plane. */
  readonly ports: Map<number, number>;
  /** The API and xDS ports for the control planes blocks start themselves (replicas, foreground ones). */
  readonly ownApiPort: number;
  readonly ownXdsPort: number;
  postgres?: PostgresServer;
  readonly apps: HttpApp[];
  /** Process groups `keep` blocks left running. */
  readonly kept: number[];
}

/** What a fixture adds to a block's run. */
interface BlockSetup {
  env: NodeJS.ProcessEnv;
  ports: Map<number, number>;
}

const examplesMesh = path.join(repoRoot, 'examples/apply/kubernetes.yaml');

async function applyOrFail(endpoint: string, file: string, ports?: Map<number, number>): Promise<void> {
  const input = ports ? substitutePorts(await readFile(file, 'utf8'), ports) : undefined;
  const applied = await runCli(
    endpoint,
    input === undefined ? ['apply', '-f', file] : ['apply', '-f', '-'],
    input,
  );
  assert.equal(applied.code, 0, `apply ${file}: ${applied.stderr}`);
}

function stopKept(run: FileRun): void {
  for (const group of run.kept.splice(0)) killGroup(group);
}

/**
 * The setups a fence's `fixture=` names, in the order given:
 * - postgres: a PostgreSQL server (one per file) on port 5432 of the docs, its client tools on PATH with
 *   PGHOST/PGPORT/PGUSER set, and `SWITCHYARD_DATABASE_URL` naming database `switchyard` on it, as the docs'
 *   `export` sets it in a reader's terminal; 9080/15010 (and 9081/15011) are then ports of the block's own
 *   control planes, not the runner's.
 * - database: stops what earlier `keep` blocks left running and makes database `switchyard` empty.
 * - sqlite-store: `./.switchyard` holds a stopped control plane's embedded store with the `store` mesh.
 * - two-services: docs/proxy.md's mesh "demo" (fixtures/two-services.yaml) on the runner's control plane, and
 *   the web app listening on the documented port 8080.
 * - shop-cart: mesh shop with virtual node cart (fixtures/shop-cart.yaml) on the block's control plane.
 */
const fixtures: Record<string, (run: FileRun, setup: BlockSetup) => Promise<void>> = {
  async postgres(run, setup) {
    const binaries = findPostgresBinaries();
    assert.ok(
      binaries,
      'PostgreSQL (initdb, postgres) is needed for the docs fixture=postgres blocks; .ci/run installs it',
    );
    run.postgres ??= await startPostgresServer();
    const port = run.postgres.port;
    setup.ports.set(5432, port);
    setup.ports.set(9080, run.ownApiPort);
    setup.ports.set(15010, run.ownXdsPort);
    Object.assign(setup.env, {
      PATH: `${path.dirname(binaries.initdb)}:${setup.env.PATH}`,
      PGHOST: '127.0.0.1',
      PGPORT: String(port),
      PGUSER: 'switchyard',
      SWITCHYARD_DATABASE_URL: `postgres://switchyard:secret@127.0.0.1:${port}/switchyard`,
      SWITCHYARD_ENDPOINT: `http://127.0.0.1:${run.ownApiPort}`,
    });
  },
  async database(run) {
    assert.ok(run.postgres, 'fixture=database needs fixture=postgres before it');
    stopKept(run);
    await run.postgres.dropDatabase('switchyard');
    await run.postgres.createDatabase('switchyard');
  },
  async 'sqlite-store'(run) {
    const cp = await startControlPlaneProcess({ dataDir: path.join(run.cwd, '.switchyard') });
    try {
      await applyOrFail(cp.endpoint, examplesMesh);
    } finally {
      await cp.stop('SIGTERM');
    }
  },
  async 'two-services'(run, setup) {
    await applyOrFail(
      run.controlPlane.endpoint,
      path.join(import.meta.dirname, 'fixtures/two-services.yaml'),
      setup.ports,
    );
    if (run.apps.length === 0) run.apps.push(await startHttpApp('web', setup.ports.get(8080)));
  },
  async 'shop-cart'(_run, setup) {
    await applyOrFail(
      setup.env.SWITCHYARD_ENDPOINT!,
      path.join(import.meta.dirname, 'fixtures/shop-cart.yaml'),
    );
  },
};

/** What a block's environment keeps of the test's: no proxies, endpoints or credentials leak in. */
function blockEnvironment(run: FileRun): NodeJS.ProcessEnv {
  const keep = ['HOME', 'LANG', 'TMPDIR', 'USER'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  const port = (documented: number): number => run.ports.get(documented)!;
  return {
    ...env,
    PATH: [path.join(repoRoot, 'bin'), path.join(repoRoot, 'node_modules/.bin'), process.env.PATH].join(':'),
    // The AWS CLI wants credentials and a region; the control plane accepts any.
    AWS_ACCESS_KEY_ID: 'docs',
    AWS_SECRET_ACCESS_KEY: 'docs',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    // Commands that rely on the default endpoint (http://127.0.0.1:9080) reach the runner's control plane.
    SWITCHYARD_ENDPOINT: run.controlPlane.endpoint,
    // A control plane or sidecar a block starts without naming its ports takes ports of the run, not the defaults.
    SWITCHYARD_API_ADDR: `127.0.0.1:${run.ownApiPort}`,
    SWITCHYARD_XDS_ADDR: `127.0.0.1:${run.ownXdsPort}`,
    SWITCHYARD_INBOUND_PORT: String(port(15000)),
    SWITCHYARD_OUTBOUND_PORT: String(port(15001)),
    SWITCHYARD_ADMIN_ADDR: `127.0.0.1:${port(9901)}`,
  };
}

function applyCoveredElsewhere(doc: string, script: string): string {
  let result = script;
  for (const entry of coveredElsewhere.filter((e) => e.doc === doc))
    result = result.replace(entry.pattern, entry.replacement);
  return result;
}

async function runBlock(run: FileRun, block: RunnableBlock): Promise<void> {
  const setup: BlockSetup = { env: blockEnvironment(run), ports: new Map(run.ports) };
  for (const name of block.fixtures) {
    const fixture = fixtures[name];
    assert.ok(
      fixture,
      `${block.where}: unknown fixture ${name} (known: ${Object.keys(fixtures).join(', ')})`,
    );
    await fixture(run, setup);
  }
  const script = substitutePorts(applyCoveredElsewhere(run.doc, block.script), setup.ports);
  // With `until`, each command is a foreground process of its own, started after the previous one stopped.
  const scripts = block.until === undefined ? [script] : scriptCommands(script);
  for (const each of scripts) {
    const result = await runScript(each, {
      cwd: run.cwd,
      env: setup.env,
      timeoutMs: 90_000,
      keep: block.keep,
      until: block.until,
    });
    if (block.keep) run.kept.push(result.group);
    assert.equal(
      result.code,
      0,
      `${block.where} failed (${result.signal ?? `exit ${result.code}`}):\n${each}\n--- output ---\n${result.output}`,
    );
  }
}

test('the marker finds blocks, and port substitution touches only the documented ports', () => {
  const ports = new Map([
    [9080, 20001],
    [15010, 20002],
  ]);
  assert.equal(
    substitutePorts('curl 127.0.0.1:9080/x --xds-addr 127.0.0.1:15010 -d \'{"port": 8001}\' 190801', ports),
    'curl 127.0.0.1:20001/x --xds-addr 127.0.0.1:20002 -d \'{"port": 8001}\' 190801',
  );
  assert.deepEqual(scriptCommands('# c\na &\n\nb --x \\\n  --y   # z\nc'), [
    'a &',
    'b --x \\\n  --y   # z',
    'c',
  ]);
});

/** Processes of a group that are not zombies (an orphan killed here may wait a while to be reaped). */
async function liveMembers(group: number): Promise<number> {
  let live = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') live++;
  }
  return live;
}

test('until stops a foreground command at its ready line and fails one that ends first; keep leaves jobs running', async () => {
  const options = { cwd: tmpdir(), env: { PATH: process.env.PATH }, timeoutMs: 20_000 };
  const ready = await runScript('echo starting; echo ready now; exec sleep 60', {
    ...options,
    until: 'ready',
  });
  assert.equal(ready.code, 0, ready.output);
  const ended = await runScript('echo starting', { ...options, until: 'ready' });
  assert.notEqual(ended.code, 0);
  const failed = await runScript('false; echo ready', { ...options, until: 'ready' });
  assert.notEqual(failed.code, 0);
  const kept = await runScript('sleep 60 &', { ...options, keep: true });
  assert.equal(kept.code, 0);
  assert.ok((await liveMembers(kept.group)) > 0, 'the background job is still running');
  killGroup(kept.group);
  await waitFor('the kept group to be gone', async () => (await liveMembers(kept.group)) === 0);
});

test('every shell block of README.md and docs/*.md is runnable, and each excused command is still there', async () => {
  const unrun: string[] = [];
  for (const doc of docs) unrun.push(...(await unrunnableBlocks(path.join(repoRoot, doc), doc)));
  assert.deepEqual(
    unrun,
    [],
    'mark these ```sh runnable (with a fixture if they need one): every documented command runs',
  );
  for (const entry of coveredElsewhere) {
    const blocks = await runnableBlocks(path.join(repoRoot, entry.doc), entry.doc);
    assert.ok(
      blocks.some((block) =>
        new RegExp(entry.pattern.source, entry.pattern.flags.replace('g', '')).test(block.script),
      ),
      `${entry.doc} no longer has ${entry.pattern}: drop it from coveredElsewhere`,
    );
  }
});

const runnable = await Promise.all(
  docs.map(async (doc) => ({ doc, blocks: await runnableBlocks(path.join(repoRoot, doc), doc) })),
);

// Files share nothing (each has its scratch directory, control plane and ports), and most of a block's time is
// waiting for a process to be ready: three files at a time keep the whole test near a minute.
describe('runnable blocks', { concurrency: 3 }, () => {
  for (const { doc, blocks } of runnable) {
    if (blocks.length === 0) continue;
    // README's blocks take about a minute alone and four on a machine shared with the whole suite.
    it(`${doc}: its ${blocks.length} runnable block(s) succeed`, { timeout: 600_000 }, async () => {
      const cwd = await mkdtemp(path.join(tmpdir(), 'switchyard-docs-'));
      const others = documentedPorts.filter((port) => port !== 9080 && port !== 15010);
      const [ownApiPort, ownXdsPort, ...free] = await freePorts(others.length + 2);
      const controlPlane = await startControlPlaneProcess({ dataDir: path.join(cwd, '.switchyard-test') });
      const run: FileRun = {
        doc,
        cwd,
        controlPlane,
        ports: new Map<number, number>([
          [9080, controlPlane.apiPort],
          [15010, controlPlane.xdsPort],
          ...others.map((port, i): [number, number] => [port, free[i]!]),
        ]),
        ownApiPort: ownApiPort!,
        ownXdsPort: ownXdsPort!,
        apps: [],
        kept: [],
      };
      try {
        await symlink(path.join(repoRoot, 'bin'), path.join(cwd, 'bin'));
        await symlink(path.join(repoRoot, 'examples'), path.join(cwd, 'examples'));
        // `npm start` and `npm run` in the README read the repository's package.json.
        await symlink(path.join(repoRoot, 'package.json'), path.join(cwd, 'package.json'));
        await applyOrFail(controlPlane.endpoint, examplesMesh);
        for (const block of blocks) await runBlock(run, block);
      } finally {
        stopKept(run);
        await Promise.all(run.apps.map((app) => app.close()));
        await run.postgres?.cleanup();
        await controlPlane.stop('SIGTERM');
        await rm(cwd, { recursive: true, force: true });
      }
    });
  }
});
