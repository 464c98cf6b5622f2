// The data-plane part of the Markdown report; until the scenarios run it says why they were skipped.

import type { ScenarioResult } from '../harness/scenario.ts';

export function dataPlaneReport(results: readonly ScenarioResult[]): string[] {
  const dataPlane = results.filter((r) => r.plane === 'data');
  if (dataPlane.length === 0) return [];
  const lines = ['## Data plane', ''];
  for (const r of dataPlane) lines.push(`- ${r.title}: ${r.status}${r.note ? ` — ${r.note}` : ''}`);
  return lines;
}
