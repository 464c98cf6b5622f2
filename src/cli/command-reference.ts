// The flag reference of every `switchyard` command, rendered from the commander definitions themselves, so the
// reference in docs/cli.md cannot drift from the code (test/docs/cli-reference.test.ts compares the two).

import type { Argument, Command, Option } from 'commander';

const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** Help text as Markdown prose: `<name>` would read as an HTML tag and `*.yaml, *.yml` as emphasis. */
const prose = (text: string): string => text.replace(/[<*]/g, (c) => `\\${c}`);

function defaultText(option: Option): string | undefined {
  if (option.defaultValueDescription !== undefined) return option.defaultValueDescription;
  const value: unknown = option.defaultValue;
  if (value === undefined || value === false) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  return String(value);
}

function optionLine(option: Option): string {
  const notes: string[] = [];
  if (option.envVar !== undefined) notes.push(`env ${code(option.envVar)}`);
  const fallback = defaultText(option);
  if (fallback !== undefined) notes.push(`default ${code(fallback)}`);
  if (option.argChoices !== undefined) notes.push(`one of ${option.argChoices.map(code).join(', ')}`);
  if (option.mandatory) notes.push('required');
  const suffix = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
  return `- ${code(option.flags)}${suffix}: ${prose(option.description)}`;
}

function argumentText(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
  return argument.required ? `<${name}>` : `[${name}]`;
}

function argumentLine(argument: Argument): string {
  const choices =
    argument.argChoices === undefined ? '' : ` (one of ${argument.argChoices.map(code).join(', ')})`;
  return `- ${code(argumentText(argument))}${choices}: ${prose(argument.description)}`;
}

/** One section per command: usage, description, arguments and visible options, in definition order. */
export function renderCommandReference(commands: readonly Command[], globals: readonly Option[]): string {
  const out: string[] = [
    'Options every command takes (before or after its name):',
    '',
    ...globals.map(optionLine),
    '',
  ];
  for (const command of commands) {
    const args = command.registeredArguments.map(argumentText).join(' ');
    out.push(`### ${code(`switchyard ${command.name()}${args === '' ? '' : ` ${args}`}`)}`, '');
    out.push(`${prose(command.description()).replace(/^./, (c) => c.toUpperCase())}.`, '');
    const lines = [
      ...command.registeredArguments.map(argumentLine),
      ...command.options.filter((o) => !o.hidden).map(optionLine),
    ];
    if (lines.length > 0) out.push(...lines, '');
  }
  return out.join('\n');
}
