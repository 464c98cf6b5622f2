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
  #drawnLines = 0;
  #lastPlainMs = 0;

  constructor(tty = Boolean(process.stdout.isTTY)) {
    this.#tty = tty;
  }

  draw(figures: readonly VersionFigures[]): void {
    const lines = renderFigures(figures);
    if (this.#tty) {
      const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : '';
      process.stdout.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
      this.#drawnLines = lines.length;
    } else if (Date.now() - this.#lastPlainMs >= 5000) {
      this.#lastPlainMs = Date.now();
      const summary = figures.map((f) => `${f.version}=${(f.share * 100).toFixed(0)}%`).join(' ');
      process.stdout.write(`traffic: ${summary || 'none yet'}\n`);
    }
  }
}
