// `switchyard top`: the mesh's golden metrics per service pair as a refreshing terminal table (or one frame).

import { Command, Option } from 'commander';
import type { AppMeshClient } from './api-client.ts';
import { CliError, runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import { renderTable } from './output/table.ts';

/** One edge of the metrics JSON (the shape s7-design.md fixes). */
export interface TopEdge {
  readonly source: { readonly kind: string; readonly name: string };
  readonly destination: {
    readonly virtualServiceName?: string;
    readonly virtualRouterName?: string;
    readonly routeName?: string;
    readonly virtualNodeName?: string;
  };
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly successRate: number | null;
  readonly errors: number;
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p90: number | null;
    readonly p99: number | null;
  };
}

export interface TopFrame {
  readonly meshName: string;
  readonly windowSeconds: number;
  readonly generatedAt: string;
  readonly edges: readonly TopEdge[];
}

const refreshMs = 2_000;

function ms(value: number | null): string {
  if (value === null) return '-';
  return value >= 100 ? `${Math.round(value)}ms` : `${value.toFixed(value >= 10 ? 1 : 2)}ms`;
}

function sourceName(edge: TopEdge): string {
  return edge.source.kind === 'virtualGateway' ? `gateway/${edge.source.name}` : edge.source.name;
}

function destinationName(edge: TopEdge): string {
  const d = edge.destination;
  return d.virtualServiceName ?? (d.virtualNodeName ? `node/${d.virtualNodeName}` : '(passthrough)');
}

/** The table of one frame per mesh, busiest pairs first. */
export function renderTop(frames: readonly TopFrame[]): string {
  const rows: string[][] = [];
  for (const frame of frames) {
    const edges = [...frame.edges].sort(
      (a, b) => b.requests - a.requests || sourceName(a).localeCompare(sourceName(b)),
    );
    for (const edge of edges) {
      rows.push([
        frame.meshName,
        sourceName(edge),
        destinationName(edge),
        edge.destination.routeName ?? '-',
        edge.destination.virtualNodeName ?? '-',
        edge.requestsPerSecond.toFixed(2),
        edge.successRate === null ? '-' : `${(edge.successRate * 100).toFixed(2)}%`,
        ms(edge.latencyMs.p50),
        ms(edge.latencyMs.p99),
        String(edge.requests),
      ]);
    }
  }
  const window = frames[0]?.windowSeconds ?? 0;
  const title = `switchyard top: ${frames.map((f) => f.meshName).join(', ') || 'no meshes'} - last ${window}s`;
  if (rows.length === 0) return `${title}\nno traffic reported in this window\n`;
  return `${title}\n${renderTable(
    ['MESH', 'SOURCE', 'DESTINATION', 'ROUTE', 'TARGET', 'RPS', 'SUCCESS', 'P50', 'P99', 'REQUESTS'],
    rows,
  )}`;
}

async function meshNames(client: AppMeshClient, mesh: string | undefined): Promise<string[]> {
  if (mesh !== undefined) return [mesh];
  const answer = await client.request('GET', '/v20190125/meshes');
  return ((answer.meshes ?? []) as { meshName: string }[]).map((m) => m.meshName).sort();
}

async function frames(client: AppMeshClient, mesh: string | undefined, window: number): Promise<TopFrame[]> {
  const names = await meshNames(client, mesh);
  return Promise.all(
    names.map(
      async (name) =>
        (await client.request(
          'GET',
          `/switchyard/v1/metrics/meshes/${encodeURIComponent(name)}/edges?windowSeconds=${window}`,
        )) as unknown as TopFrame,
    ),
  );
}

function parseWindow(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 10 || value > 3600)
    throw new CliError(
      `--window must be a whole number of seconds from 10 to 3600, got ${JSON.stringify(raw)}`,
    );
  return value;
}

export function topCommand(): Command {
  return new Command('top')
    .description('show requests/s, success rate and latency per service pair, refreshing (golden metrics)')
    .addOption(new Option('--mesh <name>', 'only this mesh (default: every mesh)'))
    .addOption(new Option('--window <seconds>', 'how far back the figures reach, 10 to 3600').default('60'))
    .addOption(new Option('--once', 'print one frame and exit'))
    .addOption(
      new Option('-o, --output <format>', 'table, json or yaml (json and yaml imply --once)').default(
        'table',
      ),
    )
    .action(
      runAction(
        async (
          options: { mesh?: string; window: string; once?: boolean; output: string },
          command: Command,
        ) => {
          const format = parseOutputFormat(options.output);
          const window = parseWindow(options.window);
          const client = clientFor(command);
          if (format !== 'table') {
            const answer = await frames(client, options.mesh, window);
            process.stdout.write(formatDocument(options.mesh ? answer[0] : { meshes: answer }, format));
            return;
          }
          if (options.once || !process.stdout.isTTY) {
            process.stdout.write(renderTop(await frames(client, options.mesh, window)));
            return;
          }
          // Refresh until interrupted: clear the screen and draw the frame again, as top does.
          for (;;) {
            const text = renderTop(await frames(client, options.mesh, window));
            process.stdout.write(
              `\x1b[H\x1b[2J${text}\n(refreshing every ${refreshMs / 1000}s; Ctrl-C quits)\n`,
            );
            await new Promise((resolve) => setTimeout(resolve, refreshMs));
          }
        },
      ),
    );
}
