// Checks for the external tools some scenarios need; nothing is ever installed, only reported with a hint.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './bench-options.ts';
import { findPostgresBinaries } from '../../test/support/postgres-server.ts';

export interface ToolCheck {
  readonly name: string;
  readonly available: boolean;
  /** First line the tool printed about its version, when available. */
  readonly version?: string;
  /** How to get it, printed when it is missing. */
  readonly installHint: string;
}

interface ToolProbe {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Whether the probe's outcome means the tool is there (some tools exit non-zero on --version). */
  readonly present: (status: number | null, output: string) => boolean;
  readonly installHint: string;
}

const probes: readonly ToolProbe[] = [
  {
    name: 'wrk',
    command: 'wrk',
    args: ['--version'],
    // `wrk 4.2.0 [epoll] ...` upstream, `wrk debian/4.1.0-3+b2 [epoll] ...` from Debian (which exits 1).
    present: (_status, output) => /^wrk \S*\d\S* \[/m.test(output),
    installHint: 'sudo apt-get install wrk',
  },
  {
    name: 'haproxy',
    command: 'haproxy',
    args: ['-v'],
    present: (status, output) => status === 0 && /HAProxy|HA-Proxy/i.test(output),
    installHint: 'sudo apt-get install haproxy',
  },
  {
    name: 'openssl',
    command: 'openssl',
    args: ['version'],
    present: (status, output) => status === 0 && /OpenSSL/i.test(output),
    installHint: 'sudo apt-get install openssl',
  },
  {
    name: 'postgresql',
    command: findPostgresBinaries()?.initdb ?? 'initdb',
    args: ['--version'],
    present: (status, output) => status === 0 && /PostgreSQL/.test(output),
    installHint: 'sudo apt-get install postgresql',
  },
  {
    name: 'switchyard-proxy',
    command: path.join(repoRoot, 'bin/switchyard'),
    args: ['proxy', '--help'],
    // An unknown command makes commander print the top-level help, also with status 0.
    present: (status, output) => status === 0 && /Usage: switchyard proxy\b/.test(output),
    installHint: 'a build with the `switchyard proxy` command',
  },
];

function probe(tool: ToolProbe): ToolCheck {
  const result = spawnSync(tool.command, [...tool.args], { encoding: 'utf8', timeout: 15_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error !== undefined || !tool.present(result.status, output))
    return { name: tool.name, available: false, installHint: tool.installHint };
  const version = output.split('\n').find((line) => line.trim() !== '');
  return { name: tool.name, available: true, version: version?.trim(), installHint: tool.installHint };
}

export function checkTools(): ToolCheck[] {
  return probes.map(probe);
}
