// Renders a whole run as Markdown: where it ran, the targets with their measured values, each plane's tables.

import type { BenchResults } from './bench-results.ts';
import { cell, markdownTable } from './markdown-table.ts';
import type { ScenarioResult } from './scenario.ts';

type Section = (results: readonly ScenarioResult[]) => string[];

const verdicts = { pass: 'PASS', fail: 'FAIL', 'not-measured': 'not measured' } as const;

export function renderMarkdown(results: BenchResults, sections: readonly Section[]): string {
  const env = results.environment;
  const lines: string[] = [
    `# Switchyard benchmark, ${results.startedAt.slice(0, 10)} (${results.mode})`,
    '',
    `${env.cpuModel}, ${env.cpus} CPUs, ${cell(env.totalMemoryMb / 1024, 0)} GB; ${env.platform} ${env.arch}; ` +
      `Node ${env.node}; commit ${env.gitCommit?.slice(0, 12) ?? 'unknown'}${env.gitDirty ? ' (with uncommitted changes)' : ''}. ` +
      'The control plane, the simulated proxies and the load generator share these CPUs.',
    '',
  ];
  if (results.mode === 'smoke') lines.push('Smoke run: a tiny configuration; the figures mean nothing.', '');
  lines.push('## Targets', '');
  lines.push(
    ...markdownTable(
      ['result', 'target', 'measured'],
      results.targets.map((t) => [
        verdicts[t.status],
        t.goal,
        [t.measured, t.note].filter((s) => s !== undefined).join('; ') || '—',
      ]),
    ),
  );
  for (const section of sections) {
    const part = section(results.scenarios);
    if (part.length > 0) lines.push('', ...part);
  }
  const missing = results.tools.filter((t) => !t.available);
  if (missing.length > 0) {
    lines.push('', '## Missing tools', '');
    for (const tool of missing) lines.push(`- \`${tool.name}\`: ${tool.installHint}`);
  }
  lines.push('', '## Scenarios', '');
  lines.push(
    ...markdownTable(
      ['scenario', 'status', 'seconds', 'note'],
      results.scenarios.map((s) => [s.id, s.status, cell(s.durationMs / 1000, 1), s.note ?? '']),
    ),
  );
  for (const profile of results.profiles ?? []) {
    lines.push('', `## CPU profile: ${profile.file}`, '');
    lines.push(
      ...markdownTable(
        ['self ms', '%', 'function'],
        profile.top.map((f) => [cell(f.selfMs, 0), cell(f.percent, 1), `\`${f.function}\``]),
      ),
    );
    if (profile.ownCode && profile.ownCode.length > 0) {
      lines.push(
        '',
        'Charged to the innermost function of our own code on the stack (with the Node code it called):',
        '',
      );
      lines.push(
        ...markdownTable(
          ['ms', '%', 'function'],
          profile.ownCode.map((f) => [cell(f.ms, 0), cell(f.percent, 1), `\`${f.function}\``]),
        ),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
