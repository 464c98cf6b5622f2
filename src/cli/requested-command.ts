// Which subcommand a command line names, found before commander parses it so only that command is loaded.

/** Global options that take a value: their value is never a command name. */
const globalOptionsWithValue = new Set(['--endpoint']);

/**
 * The first argument that is one of `commands`, skipping global options and their values; undefined when the
 * line names none (help, a typo), in which case every command has to be loaded.
 */
export function requestedCommand(
  args: readonly string[],
  commands: { has(name: string): boolean },
): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (globalOptionsWithValue.has(arg)) i++;
    else if (commands.has(arg)) return arg;
    else if (!arg.startsWith('-')) return undefined;
  }
  return undefined;
}
