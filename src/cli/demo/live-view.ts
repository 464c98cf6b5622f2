// The demo's terminal view of the traffic split, redrawn in place on a terminal, a line every few seconds otherwise.

import type { VersionFigures } from './traffic-stats.ts';

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

export function renderFigures(figures: readonly VersionFigures[]): string[] {
  const lines = [
    `${pad('version', 10)}${pad('share', 8)}${pad('req/s', 8)}${pad('success', 9)}${pad('p50', 9)}p99`,
  ];
  for (const f of figures) {
    const bar = '#'.repeat(Math.round(f.share * 30));
    lines.push(
      `${pad(f.version, 10)}${pad(`${(f.share * 100).toFixed(0)}%`, 8)}${pad(f.requestsPerSecond.toFixed(1), 8)}` +
        `${pad(`${(f.successRate * 100).toFixed(1)}%`, 9)}${pad(`${f.p50Ms.toFixed(1)}ms`, 9)}${pad(`${f.p99Ms.toFixed(1)}ms`, 10)}${bar}`,
    );
  }
  if (figures.length === 0) lines.push('(waiting for traffic)');
  return lines;
}

export class LiveView {
  readonly #tty: boolean;
  readonly #seen = new Set<string>();
  #drawnLines = 0;
  #lastPlainMs = 0;

  constructor(tty = Boolean(process.stdout.isTTY)) {
    this.#tty = tty;
  }

  /** Draws the figures; a version seen before that gets no traffic now stays on screen at 0%. */
  draw(figures: readonly VersionFigures[]): void {
    for (const f of figures) this.#seen.add(f.version);
    const present = new Set(figures.map((f) => f.version));
    const idle = [...this.#seen]
      .filter((version) => !present.has(version))
      .map((version) => ({ version, requestsPerSecond: 0, share: 0, successRate: 1, p50Ms: 0, p99Ms: 0 }));
    const lines = renderFigures([...figures, ...idle].sort((a, b) => a.version.localeCompare(b.version)));
    if (this.#tty) {
      const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : '';
      // Clear to the end of the screen too, in case this draw has fewer lines than the last one.
      process.stdout.write(`${up}\x1b[J${lines.join('\n')}\n`);
      this.#drawnLines = lines.length;
    } else if (Date.now() - this.#lastPlainMs >= 5000) {
      this.#lastPlainMs = Date.now();
      const summary = figures.map((f) => `${f.version}=${(f.share * 100).toFixed(0)}%`).join(' ');
      process.stdout.write(`traffic: ${summary || 'none yet'}\n`);
    }
  }
}
