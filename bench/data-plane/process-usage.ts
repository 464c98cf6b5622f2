// CPU time and peak memory of a Linux process, read from /proc: what a proxy costs per request.

import { readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on practically every Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(out.stdout?.trim());
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** utime + stime of the process (all its threads), seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`);
  return (utime + stime) / clockTicks();
}

async function statusKb(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** VmHWM: the largest resident set the process has had so far, MiB. */
export async function peakRssMb(pid: number): Promise<number> {
  return (await statusKb(pid, 'VmHWM')) / 1024;
}

/** VmRSS now, MiB. */
export async function rssMb(pid: number): Promise<number> {
  return (await statusKb(pid, 'VmRSS')) / 1024;
}

/**
 * Restarts VmHWM from the current resident set (Linux clear_refs "5"), so a later peakRssMb covers only what
 * happens after this call; a warm-up's peak then does not count as the measured phase's.
 */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}
