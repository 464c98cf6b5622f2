// `switchyard migrate`: brings the store's schema to this release's version and exits (the control plane also
// migrates at start; this lets an operator do it once, before rolling out replicas).

import { Command, Option } from 'commander';
import { ConfigError, controlPlaneDefaults, parseStoreOption } from '../controlplane/control-plane-config.ts';
import { PostgresStore, redactDatabaseUrl } from '../store/postgres/postgres-store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { StoreUnavailableError } from '../store/store.ts';
import { CliError, runAction } from './cli-error.ts';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description("apply the store's pending schema migrations and exit")
    .addOption(
      new Option('--store <sqlite|postgres-url>', 'which store: sqlite (in --data-dir) or postgres://…')
        .env('SWITCHYARD_DATABASE_URL')
        .default('sqlite'),
    )
    .addOption(
      new Option('--data-dir <dir>', 'where the embedded store keeps its data')
        .env('SWITCHYARD_DATA_DIR')
        .default(controlPlaneDefaults.dataDir),
    )
    .action(
      runAction(async (options: { store: string; dataDir: string }) => {
        let url: string | undefined;
        try {
          url = parseStoreOption(options.store);
        } catch (error) {
          if (error instanceof ConfigError) throw new CliError(error.message);
          throw error;
        }
        if (url) {
          const { from, to } = await PostgresStore.migrate(url).catch((error: unknown) => {
            // The message already names the cause; the CLI would repeat it.
            throw error instanceof StoreUnavailableError ? new CliError(error.message) : error;
          });
          const what =
            from === to ? `already at schema version ${to}` : `migrated from schema version ${from} to ${to}`;
          process.stdout.write(`${redactDatabaseUrl(url)}: ${what}\n`);
        } else {
          // Opening the embedded store applies its migrations.
          const store = await SqliteStore.open({ dataDir: options.dataDir });
          await store.close();
          process.stdout.write(`${store.path}: schema is current\n`);
        }
      }),
    );
}
