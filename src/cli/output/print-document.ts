// Prints API answers as JSON or YAML, the machine-readable outputs of `get` and `describe`.

import { stringify } from 'yaml';
import { CliError } from '../cli-error.ts';

export const outputFormats = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function parseOutputFormat(value: string): OutputFormat {
  if ((outputFormats as readonly string[]).includes(value)) return value as OutputFormat;
  throw new CliError(`unknown output format ${JSON.stringify(value)}`, { hint: 'use table, json or yaml' });
}

export function formatDocument(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}
