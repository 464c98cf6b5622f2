// Entry point of the `switchyard` command: one subcommand per file, loaded only when it runs.
//
// A sidecar runs `switchyard proxy` on every machine of the mesh, so the proxy must not pay for the control plane,
// the demo or the importers in memory and start-up time: the command named on the command line is the only one
// imported; help (or an unknown command) loads them all.

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { endpointOption } from './endpoint-option.ts';
import { requestedCommand } from './requested-command.ts';
import { unknownOptionsFirst } from './unknown-options-first.ts';

type CommandLoader = () => Promise<Command>;

const commandLoaders: ReadonlyMap<string, CommandLoader> = new Map<string, CommandLoader>([
  ['control-plane', async () => (await import('./control-plane-command.ts')).controlPlaneCommand()],
  ['demo', async () => (await import('./demo-command.ts')).demoCommand()],
  ['apply', async () => (await import('./apply/apply-command.ts')).applyCommand()],
  ['get', async () => (await import('./get-command.ts')).getCommand()],
  ['describe', async () => (await import('./describe-command.ts')).describeCommand()],
  ['delete', async () => (await import('./delete-command.ts')).deleteCommand()],
  ['proxy', async () => (await import('./proxy-command.ts')).proxyCommand()],
  ['proxy-status', async () => (await import('./proxy-status-command.ts')).proxyStatusCommand()],
  ['envoy-bootstrap', async () => (await import('./envoy-bootstrap-command.ts')).envoyBootstrapCommand()],
  ['migrate', async () => (await import('./migrate-command.ts')).migrateCommand()],
  ['migrate-store', async () => (await import('./migrate-store-command.ts')).migrateStoreCommand()],
]);

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
