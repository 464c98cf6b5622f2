// Reads V8 .cpuprofile files (from node --cpu-prof) and ranks functions by self time, for the report.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './bench-options.ts';
import type { ProfileSummary } from './bench-results.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith('file://') ? path.relative(repoRoot, new URL(url).pathname) : url;
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

const ownSource = (node: ProfileNode): boolean => {
  const url = node.callFrame.url;
  return (
    url.startsWith('file://') && !url.includes('/node_modules/') && url.startsWith(`file://${repoRoot}/`)
  );
};

/** Hits per innermost own-code frame of each sampled stack; stacks without one are grouped by their leaf's kind. */
function ownCodeHits(profile: CpuProfile): Map<string, number> {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const hits = new Map<string, number>();
  for (const node of byId.values()) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    let frame: ProfileNode | undefined = node;
    while (frame && !ownSource(frame)) frame = parent.get(frame.id);
    const name = frame
      ? frameName(frame)
      : node.callFrame.functionName.startsWith('(')
        ? node.callFrame.functionName
        : '(Node or library code outside our own)';
    hits.set(name, (hits.get(name) ?? 0) + count);
  }
  return hits;
}

export function summarizeProfile(profile: CpuProfile, file: string, top = 15): ProfileSummary {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = new Map<string, number>();
  let totalHits = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    totalHits += count;
    const name = frameName(node);
    hits.set(name, (hits.get(name) ?? 0) + count);
  }
  const msPerHit = totalHits > 0 ? totalMs / totalHits : 0;
  return {
    file,
    totalMs,
    ownCode: [...ownCodeHits(profile)]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({
        function: name,
        ms: count * msPerHit,
        percent: totalHits > 0 ? (count / totalHits) * 100 : 0,
      })),
    top: [...hits]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({
        function: name,
        selfMs: count * msPerHit,
        percent: totalHits > 0 ? (count / totalHits) * 100 : 0,
      })),
  };
}

export async function summarizeProfiles(dir: string): Promise<ProfileSummary[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    summaries.push(summarizeProfile(JSON.parse(await readFile(full, 'utf8')) as CpuProfile, full));
  }
  return summaries;
}
