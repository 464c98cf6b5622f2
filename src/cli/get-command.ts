// `switchyard get KIND [NAME]`: lists resources (or shows one) as a table, JSON or YAML.

import { Command, Option } from 'commander';
import { kinds, type KindName } from '../model/resource-kinds.ts';
import type { ResourceKey } from '../model/resource-key.ts';
import type { AppMeshClient } from './api-client.ts';
import { CliError, runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { findResources, type ScopeOptions } from './find-resource.ts';
import { kindList, parseKindNoun } from './kind-noun.ts';
import { formatAge } from './output/age.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import { summaryColumns } from './output/resource-summary.ts';
import { renderTable } from './output/table.ts';
import { describeResource, type ResourceData } from './resource-api.ts';

interface GetOptions extends ScopeOptions {
  readonly output: string;
}

async function describeAll(client: AppMeshClient, keys: readonly ResourceKey[]): Promise<ResourceData[]> {
  const found = await Promise.all(keys.map((key) => describeResource(client, key)));
  return found.filter((data): data is ResourceData => data !== undefined);
}

export function renderResourceTable(
  kind: KindName,
  items: readonly ResourceData[],
  nowMs = Date.now(),
): string {
  const parentKind = kinds[kind].parentKind;
  const headers = ['NAME'];
  if (kind !== 'mesh') headers.push('MESH');
  if (parentKind) headers.push(parentKind === 'virtualRouter' ? 'ROUTER' : 'GATEWAY');
  headers.push(...summaryColumns[kind].map((column) => column.header), 'VERSION', 'UPDATED');
  const rows = items.map((data) => {
    const row = [String(data[kinds[kind].nameMember])];
    if (kind !== 'mesh') row.push(String(data.meshName));
    if (parentKind) row.push(String(data[kinds[parentKind].nameMember]));
    row.push(...summaryColumns[kind].map((column) => column.value(data.spec ?? {})));
    row.push(String(data.metadata.version), formatAge(data.metadata.lastUpdatedAt, nowMs));
    return row;
  });
  return renderTable(headers, rows);
}

export function getCommand(): Command {
  return (
    new Command('get')
      .description('list resources of a kind, or show one')
      // Optional to commander so that a bare `get` can list the kinds instead of only saying one is missing.
      .argument('[kind]', kindList())
      .argument('[name]', 'only the resource with this name')
      .option('--mesh <mesh>', 'only this mesh (default: every mesh)')
      .option('--virtual-router <router>', 'routes: only this router')
      .option('--virtual-gateway <gateway>', 'gateway routes: only this gateway')
      .addOption(new Option('-o, --output <format>', 'table, json or yaml').default('table'))
      .action(
        runAction(
          async (
            kindWord: string | undefined,
            name: string | undefined,
            options: GetOptions,
            command: Command,
          ) => {
            if (kindWord === undefined) throw new CliError(`name the kind of resource to get: ${kindList()}`);
            const kind = parseKindNoun(kindWord);
            const format = parseOutputFormat(options.output);
            const client = clientFor(command);
            const items = await describeAll(client, await findResources(client, kind, name, options));
            if (name !== undefined && items.length === 0) {
              const where = options.mesh ? ` in mesh ${options.mesh}` : '';
              throw new CliError(`${kinds[kind].cliNoun} ${name} not found${where}`);
            }
            if (format === 'table') {
              if (items.length === 0) process.stderr.write(`no ${kinds[kind].cliNoun} resources found\n`);
              else process.stdout.write(renderResourceTable(kind, items));
              return;
            }
            process.stdout.write(
              formatDocument(name !== undefined && items.length === 1 ? items[0] : items, format),
            );
          },
        ),
      )
  );
}
