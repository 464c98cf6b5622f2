// Entry point of the `switchyard` command: one subcommand per file, loaded only when it runs.
//
// A sidecar runs `switchyard proxy` on every machine of the mesh, so the proxy must not pay for the control plane,
// the demo or the importers in memory and start-up time: the command named on the command line is the only one
// imported; help (or an unknown command) loads them all.

import { Command } from 'commander';
import { endpointOption } from './endpoint-option.ts';
import { requestedCommand } from './requested-command.ts';

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
]);

const program = new Command('switchyard')
  .description('Switchyard: a self-hosted, App Mesh compatible service mesh')
  .showHelpAfterError()
  .addOption(endpointOption());
const requested = requestedCommand(process.argv.slice(2), commandLoaders);
const loaders = requested === undefined ? [...commandLoaders.values()] : [commandLoaders.get(requested)!];
for (const command of await Promise.all(loaders.map((load) => load()))) program.addCommand(command);

await program.parseAsync(process.argv);
