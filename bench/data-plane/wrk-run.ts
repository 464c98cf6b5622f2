// Runs wrk (closed loop, keep-alive) against one address for the saturated-throughput figure, and parses its summary.

import { spawn } from 'node:child_process';
import { reapOnExit } from '../harness/child-reaper.ts';
import { pinned } from './cpu-pinning.ts';

export interface WrkPlan {
  readonly port: number;
  /** Host header: the virtual service for a sidecar's outbound listener. */
  readonly host?: string;
  readonly seconds: number;
  readonly connections: number;
  readonly cpu: number | undefined;
  /** https:// (wrk does not check the certificate). */
  readonly tls?: boolean;
  /** `Connection: close` on every request: each one is a new connection (and handshake). */
  readonly newConnectionEachRequest?: boolean;
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSec: number;
  /** Non-2xx/3xx answers plus socket errors. */
  readonly errors: number;
}

export function parseWrkOutput(output: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)\b/.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!total || !rps) throw new Error(`unexpected wrk output: ${output.slice(0, 500)}`);
  const scale = { us: 1e-6, ms: 1e-3, s: 1, m: 60 }[total[3] as 'us' | 'ms' | 's' | 'm'];
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requests: Number(total[1]),
    seconds: Number(total[2]) * scale,
    requestsPerSec: Number(rps[1]),
    errors: non2xx + socketErrors,
  };
}

export function runWrk(plan: WrkPlan): Promise<WrkResult> {
  const args = ['-t1', `-c${plan.connections}`, `-d${Math.max(1, Math.round(plan.seconds))}s`];
  if (plan.host !== undefined) args.push('-H', `Host: ${plan.host}`);
  if (plan.newConnectionEachRequest) args.push('-H', 'Connection: close');
  args.push(`${plan.tls ? 'https' : 'http'}://127.0.0.1:${plan.port}/`);
  const { command, args: full } = pinned(plan.cpu, 'wrk', args);
  const child = spawn(command, full, { stdio: ['ignore', 'pipe', 'pipe'] });
  reapOnExit(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error('wrk could not start', { cause: error })));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${output.slice(0, 500)}`));
      try {
        resolve(parseWrkOutput(output));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}
