// Every `switchyard` subcommand by name, each imported only when asked for (main.ts, and the reference in docs/cli.md).

import type { Command } from 'commander';

export type CommandLoader = () => Promise<Command>;

export const commandLoaders: ReadonlyMap<string, CommandLoader> = new Map<string, CommandLoader>([
  ['control-plane', async () => (await import('./control-plane-command.ts')).controlPlaneCommand()],
  ['demo', async () => (await import('./demo-command.ts')).demoCommand()],
  ['apply', async () => (await import('./apply/apply-command.ts')).applyCommand()],
  ['get', async () => (await import('./get-command.ts')).getCommand()],
  ['describe', async () => (await import('./describe-command.ts')).describeCommand()],
  ['delete', async () => (await import('./delete-command.ts')).deleteCommand()],
  ['proxy', async () => (await import('./proxy-command.ts')).proxyCommand()],
  ['proxy-status', async () => (await import('./proxy-status-command.ts')).proxyStatusCommand()],
  ['proxy-config', async () => (await import('./proxy-config-command.ts')).proxyConfigCommand()],
  ['envoy-bootstrap', async () => (await import('./envoy-bootstrap-command.ts')).envoyBootstrapCommand()],
  ['migrate', async () => (await import('./migrate-command.ts')).migrateCommand()],
  ['migrate-store', async () => (await import('./migrate-store-command.ts')).migrateStoreCommand()],
  ['ca', async () => (await import('./ca-command.ts')).caCommand()],
  ['token', async () => (await import('./token-command.ts')).tokenCommand()],
  ['top', async () => (await import('./top-command.ts')).topCommand()],
]);
