// `switchyard ca show|rotate|export`: the control plane's built-in certificate authority, through its API.

import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { CliError, runAction } from './cli-error.ts';
import { clientFor } from './endpoint-option.ts';
import { formatDocument, parseOutputFormat } from './output/print-document.ts';
import { renderTable } from './output/table.ts';

interface AuthorityRow {
  readonly arn: string;
  readonly source: string;
  readonly state: string;
  readonly subject: string;
  readonly fingerprintSha256: string;
  readonly notAfter: string;
  readonly signsFrom: string;
}

export interface CaAnswer {
  readonly trustDomain: string;
  readonly certTtlSeconds: number;
  readonly authorities: readonly AuthorityRow[];
  readonly trustBundlePem: string;
}

const caPath = '/switchyard/v1/ca';

interface IssuedCertificate {
  readonly spiffeId: string;
  readonly notAfter: string;
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
  readonly trustBundlePem: string;
}

/** `ca show` as a table: one row per root, newest last, then the trust domain and certificate life. */
export function caTable(answer: CaAnswer): string {
  const rows = answer.authorities.map((a) => [
    a.arn,
    a.state.toUpperCase(),
    a.source,
    a.subject,
    a.notAfter,
    a.fingerprintSha256,
  ]);
  return (
    renderTable(['ARN', 'STATE', 'SOURCE', 'SUBJECT', 'NOT AFTER', 'SHA-256 FINGERPRINT'], rows) +
    `\ntrust domain ${answer.trustDomain}; workload certificates live ${formatSeconds(answer.certTtlSeconds)}, renewed at two thirds\n`
  );
}

function formatSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

export function caCommand(): Command {
  const ca = new Command('ca').description("the control plane's built-in certificate authority");
  ca.command('show')
    .description('list the CA roots: ARN, state, subject, expiry and fingerprint')
    .addOption(new Option('-o, --output <format>', 'table, json or yaml').default('table'))
    .addOption(
      new Option(
        '--identity <mesh/M/virtualNode/N>',
        'instead, the names a spec uses for that workload: SPIFFE ID (sds) and certificate ARN (acm)',
      ),
    )
    .action(
      runAction(async (options: { output: string; identity?: string }, command: Command) => {
        const format = parseOutputFormat(options.output);
        if (options.identity !== undefined) {
          const match = /^mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(options.identity);
          if (!match)
            throw new CliError(
              `--identity must be mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name>`,
            );
          const path = match.slice(1).map(encodeURIComponent).join('/');
          const names = await clientFor(command).request('GET', `${caPath}/identities/${path}`);
          process.stdout.write(
            format === 'table'
              ? renderTable(
                  ['NAME', 'VALUE'],
                  Object.entries(names).map(([key, value]) => [key, String(value)]),
                )
              : formatDocument(names, format),
          );
          return;
        }
        const answer = (await clientFor(command).request('GET', caPath)) as unknown as CaAnswer;
        if (format === 'table') process.stdout.write(caTable(answer));
        else {
          const { trustBundlePem: _bundle, ...rest } = answer;
          process.stdout.write(formatDocument(rest, format));
        }
      }),
    );
  ca.command('rotate')
    .description(
      'make a new root: trusted at once, signing shortly after, the old root trusted until its certificates expire',
    )
    .action(
      runAction(async (_options: unknown, command: Command) => {
        const answer = (await clientFor(command).request('POST', `${caPath}/rotate`)) as unknown as CaAnswer;
        const next = answer.authorities.at(-1);
        if (!next) throw new CliError('the control plane answered with no CA root');
        const retiresAt = new Date(Date.parse(next.signsFrom) + answer.certTtlSeconds * 1000).toISOString();
        process.stdout.write(
          `new root ${next.arn} is trusted now and signs from ${next.signsFrom}; the previous root stays in the trust bundle until ${retiresAt}\n`,
        );
      }),
    );
  ca.command('issue')
    .description(
      'issue a client certificate for a proxy (its SPIFFE ID names the node) to present to an --xds-tls control plane; writes cert.pem, key.pem (0600) and ca.pem',
    )
    .requiredOption(
      '--node <id>',
      'mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the ARN',
    )
    .requiredOption('--out-dir <dir>', 'where to write the files (created if missing)')
    .action(
      runAction(async (options: { node: string; outDir: string }, command: Command) => {
        const answer = (await clientFor(command).request('POST', `${caPath}/certificates`, {
          node: options.node,
        })) as unknown as IssuedCertificate;
        await mkdir(options.outDir, { recursive: true, mode: 0o700 });
        const file = (name: string) => path.join(options.outDir, name);
        // An existing key file is narrowed before the new key goes in; a new one is created 0600.
        await chmod(file('key.pem'), 0o600).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        await writeFile(file('key.pem'), answer.privateKeyPem, { mode: 0o600 });
        await writeFile(file('cert.pem'), answer.certificateChainPem);
        await writeFile(file('ca.pem'), answer.trustBundlePem);
        process.stdout.write(
          `${answer.spiffeId} until ${answer.notAfter}: ${file('cert.pem')}, ${file('key.pem')} (0600), ${file('ca.pem')}\n`,
        );
      }),
    );
  ca.command('export')
    .description('print the trust bundle (PEM of every trusted root) for clients outside the mesh')
    .addOption(new Option('--out <file>', 'write it to a file instead of standard output'))
    .action(
      runAction(async (options: { out?: string }, command: Command) => {
        const answer = (await clientFor(command).request('GET', caPath)) as unknown as CaAnswer;
        if (options.out === undefined) process.stdout.write(answer.trustBundlePem);
        else await writeFile(options.out, answer.trustBundlePem);
      }),
    );
  return ca;
}
