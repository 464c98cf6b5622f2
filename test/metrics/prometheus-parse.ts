// A strict reader of the Prometheus text exposition format (0.0.4), enough to check what /metrics serves.

export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface Family {
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const namePattern = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const sampleLine = new RegExp(`^(${namePattern})(?:\\{(.*)\\})? (\\S+)$`);
const labelPair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const m = labelPair.exec(rest);
    if (!m) throw new Error(`bad labels in ${JSON.stringify(line)}`);
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`bad value in ${JSON.stringify(line)}`);
  return value;
}

/** Families by name; throws on any line the format does not allow, a sample before its TYPE, or a histogram whose buckets decrease. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family & { help: string }>();
  let current: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = new RegExp(`^# HELP (${namePattern}) (.*)$`).exec(line);
    const type = new RegExp(`^# TYPE (${namePattern}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (help) {
      families.set(help[1]!, { type: '', help: help[2]!, samples: [] });
      current = help[1]!;
      continue;
    }
    if (type) {
      const family = families.get(type[1]!);
      if (!family || family.type !== '') throw new Error(`TYPE without HELP or twice: ${line}`);
      families.set(type[1]!, { ...family, type: type[2]! });
      continue;
    }
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const name = m[1]!;
    const family = current === undefined ? undefined : families.get(current);
    const allowed =
      family?.type === 'histogram' ? [`${current}_bucket`, `${current}_sum`, `${current}_count`] : [current];
    if (!family || family.type === '' || !allowed.includes(name))
      throw new Error(`sample ${name} outside its family (${current ?? 'none'})`);
    family.samples.push({ name, labels: parseLabels(m[2] ?? '', line), value: parseValue(m[3]!, line) });
  }
  for (const [name, family] of families) {
    if (family.type !== 'histogram') continue;
    const series = new Map<string, number[]>();
    for (const s of family.samples.filter((x) => x.name === `${name}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${name}_bucket without le`);
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s.value]);
    }
    for (const [key, values] of series) {
      if (values.some((v, i) => i > 0 && v < values[i - 1]!))
        throw new Error(`${name}${key}: buckets decrease`);
    }
  }
  return families;
}
