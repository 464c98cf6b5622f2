// Children of the benchmark die with it: an interrupted run must not leave a control plane or a simulator behind.

import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Tracks `child` until it exits; on the benchmark's exit (or SIGINT/SIGTERM) it is killed. */
export function reapOnExit(child: ChildProcess): void {
  if (!installed) {
    installed = true;
    process.once('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        killAll();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** SIGTERM, then SIGKILL if `child` has not exited within `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
