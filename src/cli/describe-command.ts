// `switchyard describe KIND NAME`: the whole resource (names, metadata, spec, status) with its tags.

import { Command, Option } from 'commander';
import { runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { findOne, type ScopeOptions } from './find-resource.ts';
import { parseKindNoun } from './kind-noun.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import { describeResource, listTags } from './resource-api.ts';
import { kinds } from '../model/resource-kinds.ts';
import { CliError } from './cli-error.ts';

interface DescribeOptions extends ScopeOptions {
  readonly output: string;
}

export function describeCommand(): Command {
  return new Command('describe')
    .description('print a whole resource, with its tags')
    .argument('<kind>', 'resource kind (see `switchyard get --help`)')
    .argument('<name>', 'resource name')
    .option('--mesh <mesh>', 'the mesh (needed only when the name is in several meshes)')
    .option('--virtual-router <router>', 'routes: the router')
    .option('--virtual-gateway <gateway>', 'gateway routes: the gateway')
    .addOption(new Option('-o, --output <format>', 'yaml or json').default('yaml'))
    .action(
      runAction(async (kindWord: string, name: string, options: DescribeOptions, command: Command) => {
        const kind = parseKindNoun(kindWord);
        const format = parseOutputFormat(options.output);
        if (format === 'table')
          throw new CliError('describe prints yaml or json', { hint: 'use -o yaml or -o json' });
        const client = clientFor(command);
        const key = await findOne(client, kind, name, options);
        const data = await describeResource(client, key);
        if (!data) throw new CliError(`${kindWord} ${name} was deleted meanwhile`);
        // Switchyard's own kinds have no tags (App Mesh's tag API does not take their ARNs).
        const tags = kinds[kind].appMesh ? await listTags(client, data.metadata.arn) : undefined;
        process.stdout.write(formatDocument(tags ? { ...data, tags } : data, format));
      }),
    );
}
