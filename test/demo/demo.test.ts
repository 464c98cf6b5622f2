// `switchyard demo` as a user runs it: it becomes ready, the gateway answers, a weight change through the CLI
// moves the split, and Ctrl-C (SIGINT) leaves no process behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
