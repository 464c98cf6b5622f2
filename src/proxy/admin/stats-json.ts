// /stats filtering (`?filter=` regex, `?usedonly`) and the `?format=json` form, over the text form's lines.

/** A `?filter=` that is not a valid regular expression: Envoy answers 400. */
export class StatsFilterError extends Error {
  constructor(filter: string, cause: unknown) {
    super(`invalid regex in filter=${JSON.stringify(filter)}: ${(cause as Error).message}`, { cause });
    this.name = 'StatsFilterError';
  }
}

/** Envoy caps the filter (RE2) size; ours bounds what a request can make the regex engine do. */
const maxFilterLength = 1024;

export interface StatsQuery {
  readonly filter?: RegExp;
  readonly usedOnly: boolean;
}

export function statsQuery(params: URLSearchParams): StatsQuery {
  const source = params.get('filter');
  let filter: RegExp | undefined;
  if (source !== null && source !== '') {
    if (source.length > maxFilterLength)
      throw new StatsFilterError(source, new Error(`longer than ${maxFilterLength} characters`));
    try {
      filter = new RegExp(source);
    } catch (error) {
      throw new StatsFilterError(source, error);
    }
  }
  return { filter, usedOnly: params.has('usedonly') };
}

interface StatLine {
  readonly name: string;
  readonly text: string;
  /** Counters and gauges; undefined for histograms. */
  readonly value: number | undefined;
}

/** Parses the `name: value` lines of the text form; names may hold `:` (cluster names do), values never do. */
function statLines(text: string): StatLine[] {
  const out: StatLine[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (line === '' || at < 0) continue;
    // A histogram's rendering has ': ' inside; its name is what precedes the first `: P`.
    const histogram = /^(.*?): P\d+\(/.exec(line);
    const name = histogram ? histogram[1]! : line.slice(0, line.lastIndexOf(': '));
    const raw = histogram ? undefined : line.slice(line.lastIndexOf(': ') + 2);
    const value = raw !== undefined && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined;
    out.push({ name, text: line, value });
  }
  return out;
}

function selected(text: string, query: StatsQuery): StatLine[] {
  return statLines(text).filter(
    (s) => (!query.filter || query.filter.test(s.name)) && (!query.usedOnly || s.value !== 0),
  );
}

export function statsText(text: string, query: StatsQuery): string {
  const lines = selected(text, query).map((s) => s.text);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Envoy's `{"stats": [{"name", "value"}...]}`; histograms are listed by name only (no quantiles computed). */
export function statsJson(text: string, query: StatsQuery): object {
  const lines = selected(text, query);
  const histograms = lines.filter((s) => s.value === undefined);
  return {
    stats: [
      ...lines.filter((s) => s.value !== undefined).map((s) => ({ name: s.name, value: s.value })),
      ...(histograms.length > 0
        ? [
            {
              histograms: {
                supported_quantiles: [],
                computed_quantiles: histograms.map((h) => ({ name: h.name, values: [] })),
              },
            },
          ]
        : []),
    ],
  };
}
