// Finds the shell examples of the docs marked ```sh runnable and runs one, so a documented command cannot rot.
//
// A runnable block runs with bash -e in a scratch directory (with `bin/` and `examples/` of the repository linked
// in, and `switchyard` on PATH) against a control plane the runner started, holding the `store` example mesh.
// Docs name the default addresses; the runner rewrites each default port of the block to a free one: 9080 (the
// API) and 15010 (xDS) to its control plane's, the sidecar defaults (15000, 15001, 9901, and the second-sidecar
// ports 15100, 15101, 9911) to ports of their own. What a block starts in the background is killed after it.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface RunnableBlock {
  /** `docs/cli.md:42`: where the block's fence opens. */
  readonly where: string;
  readonly script: string;
}

export interface BlockRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

const fence = /^```sh runnable\s*$/;

/** The runnable blocks of one Markdown file, in order. */
export async function runnableBlocks(file: string, label: string): Promise<RunnableBlock[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!fence.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i === lines.length) throw new Error(`${label}:${start + 1}: the runnable block is never closed`);
    blocks.push({ where: `${label}:${start + 1}`, script: body.join('\n') });
  }
  return blocks;
}

/** Default port → the port a run uses instead. */
export type PortMap = ReadonlyMap<number, number>;

export const documentedPorts = [9080, 15010, 15000, 15001, 9901, 15100, 15101, 9911] as const;

export function substitutePorts(script: string, ports: PortMap): string {
  return script.replace(/(?<![\d.])(\d{4,5})(?!\d)/g, (text, digits: string) => {
    const port = ports.get(Number(digits));
    return port === undefined ? text : String(port);
  });
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/** Runs a script in its own process group; on exit or timeout the whole group (background jobs too) is killed. */
export function runScript(script: string, options: RunOptions): Promise<BlockRun> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    // Bounded: a runaway example must not fill the test's memory.
    if (output.length < 64 * 1024) output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    output += `\n[runner: no exit within ${options.timeoutMs} ms]\n`;
    killGroup();
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // Background jobs hold the pipes open: the group goes when the script exits, and then the pipes close.
    child.once('exit', () => {
      clearTimeout(timer);
      killGroup();
    });
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}
