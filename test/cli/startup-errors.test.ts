// Expected start-up failures as a person sees them: one stderr line that says what to do, exit 1, no stack, and
// no error-level log line repeating it. Golden file: test/cli/golden/startup-errors.txt (UPDATE_GOLDEN=1
// regenerates it; review the diff by hand).

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, removeDir, startControlPlaneProcess } from '../support/control-plane-launcher.ts';
import { freePort } from '../support/free-ports.ts';
import { spawnSwitchyard } from '../support/switchyard-process.ts';

const goldenFile = path.join(import.meta.dirname, 'golden', 'startup-errors.txt');

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Variable parts of the output (ports, directories, pids) and the placeholder each becomes. */
  readonly replace: readonly (readonly [string, string])[];
}

async function run(args: readonly string[]) {
  const proc = spawnSwitchyard(args);
  const code = await new Promise<number | null>((resolve) => proc.child.once('close', resolve));
  return { code, stderr: proc.stderr(), logs: proc.logs };
}

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

test('each expected start-up error is one actionable line on stderr, exit 1, no stack', async () => {
  const blocker = await listening();
  const holder = await startControlPlaneProcess();
  const dataDir = await makeTempDir('startup-errors');
  const closedPort = await freePort();
  const free = ['--xds-addr', '127.0.0.1:0', '--data-dir', dataDir];
  const cases: Case[] = [
    {
      name: 'API port taken',
      args: ['control-plane', '--api-addr', `127.0.0.1:${blocker.port}`, ...free],
      replace: [[String(blocker.port), 'PORT']],
    },
    {
      name: 'xDS port taken',
      args: [
        'control-plane',
        '--api-addr',
        '127.0.0.1:0',
        '--xds-addr',
        `127.0.0.1:${blocker.port}`,
        '--data-dir',
        dataDir,
      ],
      replace: [[String(blocker.port), 'PORT']],
    },
    {
      name: 'data dir in use',
      args: [
        'control-plane',
        '--api-addr',
        '127.0.0.1:0',
        '--xds-addr',
        '127.0.0.1:0',
        '--data-dir',
        holder.dataDir,
      ],
      replace: [
        [holder.dataDir, 'DIR'],
        [String(holder.child.pid), 'HOLDER_PID'],
      ],
    },
    {
      name: 'API address without a port',
      args: ['control-plane', '--api-addr', 'localhost', ...free],
      replace: [],
    },
    {
      name: 'control plane unreachable',
      args: ['get', 'mesh', '--endpoint', `http://127.0.0.1:${closedPort}`],
      replace: [[String(closedPort), 'PORT']],
    },
    {
      name: 'endpoint without a scheme',
      args: ['get', 'mesh', '--endpoint', '127.0.0.1:9080'],
      replace: [],
    },
  ];
  try {
    let golden = '';
    for (const { name, args, replace } of cases) {
      const result = await run(args);
      assert.equal(result.code, 1, `${name}: exit code (stderr: ${result.stderr})`);
      assert.equal(result.stderr.split('\n').length, 2, `${name}: one line on stderr, got ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at |caused by|Error:/, `${name}: no stack or error class`);
      const loud = result.logs.filter((line) => (line.level as number) >= 50);
      assert.deepEqual(loud, [], `${name}: the details are logged at debug level only`);
      let line = result.stderr;
      for (const [from, to] of replace) line = line.replaceAll(from, to);
      golden += `# ${name}\n${line}`;
    }
    if (process.env.UPDATE_GOLDEN) await writeFile(goldenFile, golden);
    assert.equal(golden, await readFile(goldenFile, 'utf8'), 'startup-errors.txt differs (UPDATE_GOLDEN=1)');
  } finally {
    blocker.server.close();
    await holder.stop();
    await removeDir(holder.dataDir);
    await removeDir(dataDir);
  }
});

test('at debug level the details, and grpc-js own line, are in the log instead', async () => {
  const blocker = await listening();
  const dataDir = await makeTempDir('startup-debug');
  try {
    const args = ['control-plane', '--api-addr', '127.0.0.1:0', '--xds-addr', `127.0.0.1:${blocker.port}`];
    const proc = spawnSwitchyard([...args, '--data-dir', dataDir], { SWITCHYARD_LOG_LEVEL: 'debug' });
    const code = await new Promise<number | null>((resolve) => proc.child.once('close', resolve));
    assert.equal(code, 1);
    assert.equal(proc.stderr().split('\n').length, 2, proc.stderr());
    const grpcLines = proc.logs.filter((line) => line.component === 'grpc-js');
    assert.ok(grpcLines.length > 0, 'grpc-js logged through our logger');
    assert.ok(
      grpcLines.every((line) => line.level === 20),
      'at debug level',
    );
    const detail = proc.logs.find(
      (line) => (line.err as { type?: string } | undefined)?.type === 'StartupError',
    );
    assert.equal(detail?.level, 20, 'the error with its causes is logged at debug level');
  } finally {
    blocker.server.close();
    await removeDir(dataDir);
  }
});
