// Makes a misspelt option (`--nod`) report itself, with commander's suggestion, before any required option.

import type { Command } from 'commander';

/**
 * Commander checks required options before unknown ones, so `--nod x` says "--node not specified" and never
 * "did you mean --node?". The required options of `command` and its subcommands become optional to commander
 * and are checked by a preAction hook instead, which runs after the unknown-option check.
 */
export function unknownOptionsFirst(command: Command): Command {
  const required = command.options.filter((option) => option.mandatory);
  for (const option of required) option.mandatory = false;
  if (required.length > 0) {
    command.hook('preAction', (_program, actionCommand) => {
      if (actionCommand !== command) return;
      for (const option of required) {
        if (command.getOptionValue(option.attributeName()) === undefined) {
          command.error(`error: required option '${option.flags}' not specified`, {
            code: 'commander.missingMandatoryOptionValue',
          });
        }
      }
    });
  }
  for (const sub of command.commands) unknownOptionsFirst(sub);
  return command;
}
