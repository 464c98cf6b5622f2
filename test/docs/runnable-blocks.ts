// Finds the shell examples of the docs marked ```sh runnable and runs one, so a documented command cannot rot.
//
// A runnable block runs with bash -e in a scratch directory (with `bin/` and `examples/` of the repository linked
// in, and `switchyard` on PATH) against a control plane the runner started, holding the `store` example mesh.
// Docs name the default addresses; the runner rewrites each default port of the block to a free one (see
// documentedPorts). What a block starts in the background is killed after it, unless the block says `keep`.
//
// The fence may carry attributes after `runnable`:
//   fixture=a,b     setups the runner provides before the block (runnable-docs.test.ts names them)
//   until="TEXT"    each command of the block runs in the foreground (as `control-plane` or `proxy` do) until
//                   TEXT appears in its output; then it is stopped with SIGTERM and the next one starts
//   keep            what the block starts in the background keeps running for the file's later blocks

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface RunnableBlock {
  /** `docs/cli.md:42`: where the block's fence opens. */
  readonly where: string;
  readonly script: string;
  readonly fixtures: readonly string[];
  readonly until: string | undefined;
  readonly keep: boolean;
}

export interface BlockRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

const runnableFence = /^```sh runnable(?<attributes>(?:\s+[a-z]+(?:=(?:"[^"]*"|\S+))?)*)\s*$/;
/** Any shell fence, runnable or not: the docs test checks that none is left unrunnable. */
const shellFence = /^```(?:sh|bash|shell)\b/;
const attributeNames = new Set(['fixture', 'until', 'keep']);

function parseAttributes(text: string, where: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of text.matchAll(/([a-z]+)(?:=(?:"([^"]*)"|(\S+)))?/g)) {
    if (!attributeNames.has(m[1]!)) throw new Error(`${where}: unknown runnable block attribute ${m[1]}`);
    attributes.set(m[1]!, m[2] ?? m[3] ?? '');
  }
  return attributes;
}

interface Fence {
  readonly where: string;
  readonly header: string;
  readonly body: string[];
}

async function shellFences(file: string, label: string): Promise<Fence[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!shellFence.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i === lines.length) throw new Error(`${label}:${start + 1}: the shell block is never closed`);
    fences.push({ where: `${label}:${start + 1}`, header: lines[start]!, body });
  }
  return fences;
}

/** The runnable blocks of one Markdown file, in order. */
export async function runnableBlocks(file: string, label: string): Promise<RunnableBlock[]> {
  const blocks: RunnableBlock[] = [];
  for (const fence of await shellFences(file, label)) {
    const m = runnableFence.exec(fence.header);
    if (!m) continue;
    const attributes = parseAttributes(m.groups!['attributes']!, fence.where);
    blocks.push({
      where: fence.where,
      script: fence.body.join('\n'),
      fixtures: (attributes.get('fixture') ?? '').split(',').filter((name) => name !== ''),
      until: attributes.get('until'),
      keep: attributes.has('keep'),
    });
  }
  return blocks;
}

/** Where the file's shell blocks that are not marked runnable open. */
export async function unrunnableBlocks(file: string, label: string): Promise<string[]> {
  return (await shellFences(file, label)).filter((f) => !runnableFence.test(f.header)).map((f) => f.where);
}

/**
 * The commands of a script, one per entry: a line with its `\` continuations; blank and comment lines are
 * dropped.
 */
export function scriptCommands(script: string): string[] {
  const commands: string[] = [];
  let current: string[] = [];
  for (const line of script.split('\n')) {
    if (current.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    current.push(line);
    if (!/\\\s*$/.test(line)) {
      commands.push(current.join('\n'));
      current = [];
    }
  }
  if (current.length > 0) commands.push(current.join('\n'));
  return commands;
}

/** Default port → the port a run uses instead. */
export type PortMap = ReadonlyMap<number, number>;

/**
 * The default ports docs name: the API and xDS of a control plane (9080, 15010) and of a second replica (9081,
 * 15011), PostgreSQL (5432), the sidecar defaults (15000, 15001, 9901) and a second sidecar's (15100, 15101,
 * 9911), and the local app of the proxy walk-through (8080).
 */
export const documentedPorts = [
  9080, 15010, 9081, 15011, 5432, 15000, 15001, 9901, 15100, 15101, 9911, 8080,
] as const;

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
  /** Leave the script's background jobs running when it exits; the caller kills `group` later. */
  readonly keep?: boolean;
  /** Stop the script (SIGTERM to its group) once its output holds this text: it then counts as a success. */
  readonly until?: string;
}

export interface ScriptRun extends BlockRun {
  /** The process group of the script (its pid): what `keep` leaves running is in it. */
  readonly group: number;
}

/** Bounded: a runaway example must not fill the test's memory. */
const maxOutputChars = 64 * 1024;
/** How long a stopped foreground command may take to exit before it is killed. */
const stopTimeoutMs = 30_000;

export function killGroup(group: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-group, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs a script in its own process group; on exit or timeout the whole group (background jobs too) is killed,
 * unless `keep`. With `until`, the run ends (code 0) once the text is seen and the group has stopped.
 */
export function runScript(script: string, options: RunOptions): Promise<ScriptRun> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const group = child.pid!;
  let output = '';
  let seen = false;
  // The text may straddle two chunks, and may come after the kept output's bound.
  let tail = '';
  let stopTimer: NodeJS.Timeout | undefined;
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString();
    if (output.length < maxOutputChars) output += text;
    if (options.until === undefined || seen) return;
    const window = tail + text;
    tail = window.slice(-options.until.length);
    if (window.includes(options.until)) {
      seen = true;
      killGroup(group, 'SIGTERM');
      stopTimer = setTimeout(() => {
        output += `\n[runner: not stopped within ${stopTimeoutMs} ms of SIGTERM]\n`;
        killGroup(group);
      }, stopTimeoutMs);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => {
    output += `\n[runner: no ${options.until === undefined ? 'exit' : JSON.stringify(options.until)} within ${options.timeoutMs} ms]\n`;
    killGroup(group);
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (options.keep) {
        // Background jobs hold the pipes open: answer now; their later output is read and dropped.
        resolve({ code, signal, output, group });
        return;
      }
      // Background jobs hold the pipes open: the group goes when the script exits, and then the pipes close.
      if (options.until === undefined || !seen) killGroup(group);
    });
    child.once('close', (code, signal) => {
      clearTimeout(stopTimer);
      if (options.keep) return;
      killGroup(group);
      if (options.until !== undefined && seen && !output.includes('[runner: not stopped'))
        resolve({ code: 0, signal: null, output, group });
      else if (options.until !== undefined && code === 0)
        resolve({
          code: 1,
          signal,
          output: `${output}\n[runner: exited before ${JSON.stringify(options.until)}]\n`,
          group,
        });
      else resolve({ code, signal, output, group });
    });
  });
}
