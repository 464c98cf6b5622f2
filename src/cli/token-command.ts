// `switchyard token issue|revoke|list-revoked`: proxy access tokens, through the control plane's API.

import { chmod, open } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { CliError, runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import { renderTable } from './output/table.ts';

const tokensPath = '/switchyard/v1/tokens';

interface IssuedAnswer {
  readonly token: string;
  readonly id: string;
  readonly node: string;
  readonly expiresAt: string;
}

interface RevocationRow {
  readonly id: string;
  readonly revokedAt: string;
  readonly expiresAt: string;
}

const unitSeconds: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--ttl`: a whole number with a unit (s, m, h, d); the control plane checks the range. */
export function parseTtlSeconds(text: string): number {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!match)
    throw new CliError(
      `--ttl must be a duration such as 24h, 90m, 30d or 3600s, got ${JSON.stringify(text)}`,
    );
  return Number(match[1]) * unitSeconds[match[2]!]!;
}

/** Writes the token alone to `file`, readable by its owner only (also when the file existed before). */
async function writeSecretFile(file: string, token: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'w', 0o600);
    await handle.chmod(0o600);
    await handle.writeFile(`${token}\n`);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle?.close();
  }
  await chmod(file, 0o600);
}

export function tokenCommand(): Command {
  const token = new Command('token').description(
    'proxy access tokens: what a sidecar or Envoy presents to a control plane started with --access-file',
  );
  token
    .command('issue')
    .description('mint a token for one virtual node or gateway; prints the token alone unless -o is given')
    .requiredOption(
      '--node <mesh/M/virtualNode/N>',
      'the node (or mesh/M/virtualGateway/G, or an App Mesh ARN)',
    )
    .addOption(new Option('--ttl <duration>', 'how long the token is valid (1m to 366d)').default('24h'))
    .addOption(
      new Option('-o, --output <format>', 'json or yaml: the whole answer (id, node, expiry, token)'),
    )
    .addOption(
      new Option(
        '--output-file <file>',
        'write the token to FILE (mode 0600) and print only its id and expiry',
      ),
    )
    .action(
      runAction(
        async (
          options: { node: string; ttl: string; output?: string; outputFile?: string },
          command: Command,
        ) => {
          const format = options.output === undefined ? undefined : parseOutputFormat(options.output);
          if (format === 'table') throw new CliError('-o must be json or yaml for token issue');
          const ttlSeconds = parseTtlSeconds(options.ttl);
          const answer = (await clientFor(command).request('POST', tokensPath, {
            node: options.node,
            ttlSeconds,
          })) as unknown as IssuedAnswer;
          if (options.outputFile !== undefined) {
            await writeSecretFile(options.outputFile, answer.token);
            const { token: _token, ...rest } = answer;
            process.stdout.write(
              format === undefined
                ? `token ${answer.id} for ${answer.node} written to ${options.outputFile}; valid until ${answer.expiresAt}\n`
                : formatDocument({ ...rest, file: options.outputFile }, format),
            );
            return;
          }
          process.stdout.write(format === undefined ? `${answer.token}\n` : formatDocument(answer, format));
        },
      ),
    );
  token
    .command('revoke')
    .description('revoke a token by its id: every control plane replica refuses it within seconds')
    .argument('<id>', 'the token id that `token issue` printed')
    .action(
      runAction(async (id: string, _options: unknown, command: Command) => {
        const answer = (await clientFor(command).request(
          'DELETE',
          `${tokensPath}/${encodeURIComponent(id)}`,
        )) as unknown as RevocationRow;
        process.stdout.write(
          `token ${answer.id} revoked at ${answer.revokedAt} (it would have expired ${answer.expiresAt})\n`,
        );
      }),
    );
  token
    .command('list-revoked')
    .description('list revoked tokens that have not expired yet')
    .addOption(new Option('-o, --output <format>', 'table, json or yaml').default('table'))
    .action(
      runAction(async (options: { output: string }, command: Command) => {
        const format = parseOutputFormat(options.output);
        const answer = (await clientFor(command).request('GET', `${tokensPath}/revocations`)) as unknown as {
          revocations: RevocationRow[];
        };
        process.stdout.write(
          format === 'table'
            ? renderTable(
                ['ID', 'REVOKED AT', 'EXPIRES AT'],
                answer.revocations.map((row) => [row.id, row.revokedAt, row.expiresAt]),
              )
            : formatDocument(answer, format),
        );
      }),
    );
  return token;
}
