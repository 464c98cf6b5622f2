// Renders rows as a GitHub Markdown table (prettier aligns it when the results are written).

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/** A number for a table cell: thousands separators, sensible decimals, '—' when absent. */
export function cell(value: number | undefined, decimals?: number): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const digits = decimals ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
