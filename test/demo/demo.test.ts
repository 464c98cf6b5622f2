// `switchyard demo` as a user runs it: it becomes ready, the gateway answers, a weight change through the CLI
// moves the split, and Ctrl-C (SIGINT) or a closed terminal (SIGHUP) leaves no process and no temp dir behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { switchyardBin, waitForExit } from '../support/switchyard-process.ts';

const run = promisify(execFile);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function childPids(parent: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(parent)]).catch(() => ({ stdout: '' }));
  const direct = stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((pid) => pid > 0);
  const nested = await Promise.all(direct.map(childPids));
  return [...direct, ...nested.flat()];
}

async function colorsOf(url: string, requests: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < requests; i += 1) {
    const response = await fetch(url);
    const body = (await response.json()) as { color?: string };
    const key = response.ok ? String(body.color) : `HTTP ${response.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Resolves with the demo's introduction lines and gateway URL once it prints them. */
function demoReady(
  demo: ChildProcessWithoutNullStreams,
  stderr: () => string,
): Promise<{ lines: string[]; gatewayUrl: string }> {
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`demo not ready: ${lines.join('\n')}\n${stderr()}`)),
      120_000,
    );
    createInterface({ input: demo.stdout }).on('line', (line) => {
      lines.push(line);
      const match = /^gateway: (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ lines, gatewayUrl: match[1]! });
      }
    });
    demo.once('exit', (code) =>
      reject(new Error(`demo exited with ${code}: ${lines.join('\n')}\n${stderr()}`)),
    );
  });
}

test(
  'a closed terminal (SIGHUP) stops every child and removes the temp dir',
  { timeout: 180_000 },
  async () => {
    const demo = spawn(switchyardBin, ['demo'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const { lines } = await demoReady(demo, () => stderr);
      // The introduction names the shift files the demo wrote into its temporary data dir.
      const shiftFile = /apply -f (\S+shift-to-blue\.json)/.exec(lines.join('\n'))![1]!;
      const tempDir = path.dirname(shiftFile);
      assert.ok((await stat(tempDir)).isDirectory(), `the demo's temp dir ${tempDir} exists while it runs`);
      const children = await childPids(demo.pid!);
      assert.ok(children.length >= 5, `the demo runs its sidecars and gateway as processes: ${children}`);
      demo.kill('SIGHUP');
      assert.equal(await waitForExit(demo), 0, stderr);
      assert.deepEqual(children.filter(isAlive), [], 'no process of the demo is left behind');
      await assert.rejects(stat(tempDir), { code: 'ENOENT' }, `the temp dir ${tempDir} is removed`);
    } finally {
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
  },
);

test('the demo runs the color app end to end and stops cleanly', { timeout: 180_000 }, async () => {
  const dataDir = await makeTempDir('demo');
  const demo = spawn(switchyardBin, ['demo', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const lines: string[] = [];
    const gatewayUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`demo not ready: ${lines.join('\n')}\n${stderr}`)),
        120_000,
      );
      createInterface({ input: demo.stdout }).on('line', (line) => {
        lines.push(line);
        const match = /^gateway: (http:\/\/\S+)$/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      demo.once('exit', (code) =>
        reject(new Error(`demo exited with ${code}: ${lines.join('\n')}\n${stderr}`)),
      );
    });
    const endpoint = /--endpoint (http:\/\/\S+)/.exec(lines.join('\n'))![1]!;

    const before = await colorsOf(gatewayUrl, 60);
    assert.ok(
      Object.keys(before).length >= 2,
      `an even split reaches several colors: ${JSON.stringify(before)}`,
    );
    assert.ok(
      Object.keys(before).every((k) => ['red', 'green', 'blue'].includes(k)),
      JSON.stringify(before),
    );

    const shift = JSON.parse(await readFile(`${dataDir}/shift-to-blue.json`, 'utf8')) as object;
    assert.ok(shift);
    await run(switchyardBin, ['apply', '-f', `${dataDir}/shift-to-blue.json`, '--endpoint', endpoint]);
    const deadline = Date.now() + 20_000;
    let after = await colorsOf(gatewayUrl, 20);
    while ((after.blue ?? 0) < 20 && Date.now() < deadline) after = await colorsOf(gatewayUrl, 20);
    assert.deepEqual(after, { blue: 20 }, 'after the weight change every request reaches blue');

    const children = await childPids(demo.pid!);
    assert.ok(children.length >= 5, `the demo runs its sidecars and gateway as processes: ${children}`);
    demo.kill('SIGINT');
    assert.equal(await waitForExit(demo), 0);
    const leftovers = children.filter(isAlive);
    assert.deepEqual(leftovers, [], 'no process of the demo is left behind');
  } finally {
    if (demo.exitCode === null) demo.kill('SIGKILL');
    await removeDir(dataDir);
  }
});
