// `switchyard proxy-config NODE [section]`: the configuration the control plane serves a connected proxy, as
// tables (like `istioctl proxy-config`) or as Envoy's admin JSON, with whether the proxy ACKed each type.

import { Argument, Command, Option } from 'commander';
import { unpackAny } from '../xds/protos/index.ts';
import { protoJson } from '../proxy/admin/proto-json.ts';
import { ApiClientError } from './api-client.ts';
import { CliError, runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import {
  proxyConfigSections,
  sectionTables,
  sectionTypeUrls,
  type ProxyConfigSection,
} from './output/proxy-config-tables.ts';
import { renderTable } from './output/table.ts';

interface ConfigType {
  readonly typeUrl: string;
  readonly version: string;
  readonly ackedVersion?: string;
  readonly resources: readonly { name: string; version: string; value: string }[];
}

export interface ProxyConfigAnswer {
  readonly nodeId: string;
  readonly streams: number;
  readonly types: readonly ConfigType[];
}

function decoded(type: ConfigType | undefined): Record<string, unknown>[] {
  return (type?.resources ?? []).map(
    (r) =>
      unpackAny({ type_url: type!.typeUrl, value: Buffer.from(r.value, 'base64') }) as Record<
        string,
        unknown
      >,
  );
}

function syncNote(type: ConfigType | undefined): string {
  if (type === undefined) return 'none served';
  if (type.ackedVersion === undefined) return `version ${type.version}, not ACKed by the proxy`;
  return type.ackedVersion === type.version
    ? `version ${type.version}, ACKed (SYNCED)`
    : `version ${type.version}, the proxy ACKed ${type.ackedVersion} (STALE)`;
}

/** The table output for the chosen sections; each titled when more than one is printed. */
export function renderProxyConfig(
  answer: ProxyConfigAnswer,
  sections: readonly ProxyConfigSection[],
): string {
  return sections
    .map((section) => {
      const type = answer.types.find((t) => t.typeUrl === sectionTypeUrls[section]);
      const { headers, rows } = sectionTables[section];
      const body = rows(decoded(type));
      const table = body.length === 0 ? `no ${section}\n` : renderTable(headers, body);
      return `${section.toUpperCase()} (${syncNote(type)})\n${table}`;
    })
    .join('\n');
}

/** The JSON/YAML output: per section the resources as Envoy's admin prints them, with their xDS versions. */
export function proxyConfigDocument(
  answer: ProxyConfigAnswer,
  sections: readonly ProxyConfigSection[],
): object {
  const document: Record<string, unknown> = { nodeId: answer.nodeId };
  for (const section of sections) {
    const type = answer.types.find((t) => t.typeUrl === sectionTypeUrls[section]);
    const messages = decoded(type);
    document[section] = {
      version: type?.version ?? null,
      ackedVersion: type?.ackedVersion ?? null,
      resources: (type?.resources ?? []).map((r, i) => ({
        name: r.name,
        version_info: r.version,
        resource: { '@type': type!.typeUrl, ...protoJson(type!.typeUrl, messages[i]!) },
      })),
    };
  }
  return document;
}

async function fetchProxyConfig(command: Command, node: string): Promise<ProxyConfigAnswer> {
  try {
    const path = `/switchyard/v1/xds/config?node=${encodeURIComponent(node)}`;
    return (await clientFor(command).request('GET', path)) as unknown as ProxyConfigAnswer;
  } catch (error) {
    if (!(error instanceof ApiClientError) || error.status !== 404) throw error;
    throw new CliError(error.message.slice(error.type.length + 2), {
      hint: 'switchyard proxy-status lists the connected proxies',
    });
  }
}

export function proxyConfigCommand(): Command {
  return new Command('proxy-config')
    .description(
      "print a connected proxy's configuration as the control plane serves it (listeners, routes, clusters, endpoints)",
    )
    .argument(
      '<node>',
      'node id: mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the ARN',
    )
    .addArgument(
      new Argument('[section]', 'which part to print (default: all)').choices([
        ...proxyConfigSections,
        'all',
      ]),
    )
    .addOption(new Option('-o, --output <format>', 'table, json or yaml').default('table'))
    .action(
      runAction(
        async (node: string, section: string | undefined, options: { output: string }, command: Command) => {
          const format = parseOutputFormat(options.output);
          const sections =
            section === undefined || section === 'all'
              ? proxyConfigSections
              : [section as ProxyConfigSection];
          const answer = await fetchProxyConfig(command, node);
          process.stdout.write(
            format === 'table'
              ? renderProxyConfig(answer, sections)
              : formatDocument(proxyConfigDocument(answer, sections), format),
          );
        },
      ),
    );
}
