// Runs the registered scenarios one after another (a progress line each), judges the targets and writes results.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchRegistry } from '../bench-registry.ts';
import type { BenchOptions } from './bench-options.ts';
import { resultsSchema, type BenchResults, type ProfileSummary } from './bench-results.ts';
import { summarizeProfiles } from './cpu-profile-summary.ts';
import { describeEnvironment } from './environment.ts';
import { renderMarkdown } from './markdown-report.ts';
import { checkTools, type ToolCheck } from './prerequisites.ts';
import { writeResults, type WrittenFiles } from './results-file.ts';
import type { Scenario, ScenarioResult } from './scenario.ts';
import { round } from './stats.ts';
import { evaluateTargets } from './target.ts';

export interface BenchRun {
  readonly results: BenchResults;
  /** The Markdown as written to the results directory. */
  readonly markdown: string;
  readonly files: WrittenFiles;
}

function selected(scenario: Scenario, only: readonly string[]): boolean {
  return only.length === 0 || only.some((prefix) => scenario.id.startsWith(prefix));
}

function missingTools(scenario: Scenario, tools: readonly ToolCheck[]): ToolCheck[] {
  return scenario.requires
    .map(
      (name) =>
        tools.find((t) => t.name === name) ?? { name, available: false, installHint: `unknown tool ${name}` },
    )
    .filter((t) => !t.available);
}

async function runOne(
  scenario: Scenario,
  options: BenchOptions,
  tools: readonly ToolCheck[],
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const base = { id: scenario.id, plane: scenario.plane, title: scenario.title };
  if (scenario.pending !== undefined) {
    log(`[${scenario.id}] skipped: ${scenario.pending}`);
    return { ...base, status: 'skipped', durationMs: 0, note: scenario.pending, metrics: {}, parameters: {} };
  }
  const missing = missingTools(scenario, tools);
  if (missing.length > 0) {
    const note = `needs ${missing.map((t) => t.name).join(', ')} (see Missing tools)`;
    log(`[${scenario.id}] skipped: needs ${missing.map((t) => `${t.name} (${t.installHint})`).join(', ')}`);
    return { ...base, status: 'skipped', durationMs: 0, note, metrics: {}, parameters: {} };
  }
  log(`[${scenario.id}] ${scenario.title}`);
  const workDir = await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
  const started = performance.now();
  try {
    const outcome = await scenario.run({
      options,
      tools,
      workDir,
      progress: (message) => log(`[${scenario.id}] ${message}`),
    });
    const durationMs = performance.now() - started;
    log(`[${scenario.id}] done in ${(durationMs / 1000).toFixed(1)} s`);
    const metrics = Object.fromEntries(
      Object.entries(outcome.metrics).map(([name, metric]) => [
        name,
        { ...metric, value: round(metric.value) },
      ]),
    );
    return { ...base, status: 'ok', durationMs, note: outcome.note, metrics, parameters: outcome.parameters };
  } catch (error) {
    const durationMs = performance.now() - started;
    const err = error as Error;
    const note = `${err.message}${err.cause ? ` (${String((err.cause as Error).message ?? err.cause)})` : ''}`;
    log(`[${scenario.id}] failed: ${note}`);
    return { ...base, status: 'failed', durationMs, note, metrics: {}, parameters: {} };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** `log` receives progress lines (the CLI sends them to stderr). */
export async function runBench(
  options: BenchOptions,
  registry: BenchRegistry,
  log: (line: string) => void,
): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  const tools = checkTools();
  for (const tool of tools)
    log(
      tool.available
        ? `found ${tool.name}: ${tool.version ?? ''}`
        : `missing ${tool.name}: ${tool.installHint}`,
    );
  const scenarios: ScenarioResult[] = [];
  for (const scenario of registry.scenarios.filter((s) => selected(s, options.only)))
    scenarios.push(await runOne(scenario, options, tools, log));
  let profiles: ProfileSummary[] | undefined;
  if (options.cpuProfDir !== undefined) {
    profiles = await summarizeProfiles(options.cpuProfDir).catch(() => []);
    log(`CPU profiles in ${options.cpuProfDir}`);
  }
  const results: BenchResults = {
    schema: resultsSchema,
    mode: options.mode,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: describeEnvironment(),
    tools,
    scenarios,
    targets: evaluateTargets(registry.targets, scenarios),
    ...(profiles ? { profiles } : {}),
  };
  const written = await writeResults(options.outDir, results, renderMarkdown(results, registry.sections));
  return {
    results,
    markdown: written.formattedMarkdown,
    files: { json: written.json, markdown: written.markdown },
  };
}
