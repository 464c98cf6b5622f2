// `switchyard delete KIND NAME`: deletes one resource through the API (App Mesh refuses what is still in use).

import { Command } from 'commander';
import { kinds } from '../model/resource-kinds.ts';
import { resourcePath } from '../model/resource-key.ts';
import { runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { findOne, type ScopeOptions } from './find-resource.ts';
import { parseKindNoun } from './kind-noun.ts';
import { itemPath } from './resource-api.ts';

export function deleteCommand(): Command {
  return new Command('delete')
    .description('delete a resource')
    .argument('<kind>', 'resource kind (see `switchyard get --help`)')
    .argument('<name>', 'resource name')
    .option('--mesh <mesh>', 'the mesh (needed only when the name is in several meshes)')
    .option('--virtual-router <router>', 'routes: the router')
    .option('--virtual-gateway <gateway>', 'gateway routes: the gateway')
    .action(
      runAction(async (kindWord: string, name: string, options: ScopeOptions, command: Command) => {
        const kind = parseKindNoun(kindWord);
        const client = clientFor(command);
        const key = await findOne(client, kind, name, options);
        await client.call('DELETE', itemPath(key));
        process.stdout.write(`deleted ${kinds[kind].cliNoun} ${resourcePath(key)}\n`);
      }),
    );
}
