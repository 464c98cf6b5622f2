// One documented spelling per setting: a former or other command's spelling (a flag, a variable) stays accepted.

import { Option, type Command } from 'commander';
import { CliError } from './cli-error.ts';

/** A documented option (its flag, its variable) or one of its aliases. */
export interface Spelling {
  /** The key commander stores the flag's value under (`xdsAddr` for `--xds-addr`). */
  readonly key: string;
  readonly flag: string;
  readonly env: string;
}

/** The hidden flag of an alias: parsed, left out of --help and the reference. */
export function aliasOption(alias: Spelling, documented: Spelling): Option {
  return new Option(`${alias.flag} <value>`, `alias of ${documented.flag}`).hideHelp();
}

/**
 * The option's value as the user gave it under either spelling: a flag beats any variable, as everywhere; at the
 * same level the two spellings must agree. Falls back to the documented option's default (or undefined).
 */
export function aliasedValue(
  command: Command,
  documented: Spelling,
  alias: Spelling,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const options = command.opts<Record<string, string | undefined>>();
  const value = options[documented.key];
  const source = command.getOptionValueSource(documented.key);
  const aliasFlag = options[alias.key];
  const aliasEnv = env[alias.env] === '' ? undefined : env[alias.env];
  const differ = (a: string | undefined, b: string | undefined): boolean =>
    a !== undefined && b !== undefined && a !== b;
  if (source === 'cli') {
    if (differ(value, aliasFlag))
      throw new CliError(`${documented.flag} and its alias ${alias.flag} give different values: give one`);
    return value;
  }
  if (aliasFlag !== undefined) return aliasFlag;
  if (source === 'env') {
    if (differ(value, aliasEnv))
      throw new CliError(`${documented.env} and its alias ${alias.env} give different values: set one`);
    return value;
  }
  return aliasEnv ?? value;
}

/** `--xds-addr` / `SWITCHYARD_XDS_ADDR`, the control plane's xDS address in every command. */
export const xdsAddrSpelling: Spelling = { key: 'xdsAddr', flag: '--xds-addr', env: 'SWITCHYARD_XDS_ADDR' };
/** `--xds` / `SWITCHYARD_XDS`, the proxy's former spelling. */
export const xdsAliasSpelling: Spelling = { key: 'xds', flag: '--xds', env: 'SWITCHYARD_XDS' };
