// Entry point of the `switchyard` command: one subcommand per file, loaded only when it runs.
//
// A sidecar runs `switchyard proxy` on every machine of the mesh, so the proxy must not pay for the control plane,
// the demo or the importers in memory and start-up time: the command named on the command line is the only one
// imported; help (or an unknown command) loads them all.

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { commandLoaders } from './command-loaders.ts';
import { endpointOption } from './endpoint-option.ts';
import { requestedCommand } from './requested-command.ts';
import { unknownOptionsFirst } from './unknown-options-first.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('switchyard')
  .description('Switchyard: a self-hosted, App Mesh compatible service mesh')
  .version(version, '-V, --version', 'print the version of switchyard')
  .showHelpAfterError()
  .addOption(endpointOption());
const args = process.argv.slice(2);
const requested = requestedCommand(args, commandLoaders);
const versionOnly = args.length === 1 && (args[0] === '--version' || args[0] === '-V');
const loaders = versionOnly
  ? []
  : requested === undefined
    ? [...commandLoaders.values()]
    : [commandLoaders.get(requested)!];
for (const command of await Promise.all(loaders.map((load) => load()))) {
  program.addCommand(unknownOptionsFirst(command));
}

await program.parseAsync(process.argv);
