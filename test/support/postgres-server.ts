// Starts a throwaway PostgreSQL server (initdb + postgres in a temp dir, loopback, free port) for tests.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** initdb and postgres from PATH, else the newest /usr/lib/postgresql/<major>/bin; undefined when absent. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  const versioned = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((major) => /^\d+$/.test(major))
        .sort((a, b) => Number(b) - Number(a))
        .map((major) => `/usr/lib/postgresql/${major}/bin`)
    : [];
  for (const dir of [...dirs, ...versioned]) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  return undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. Under CI a missing server is a failure. */
export function postgresSkipReason(): string | undefined {
  if (findPostgresBinaries()) return undefined;
  const reason = 'PostgreSQL binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin';
  if (process.env['CI']) throw new Error(`${reason}; CI must install the postgresql package`);
  return reason;
}

export interface PostgresServer {
  readonly port: number;
  /** A connection URL for `database` (default: postgres) as the superuser `switchyard`, no password. */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server: 'fast' rolls back sessions cleanly, 'immediate' is a crash (WAL recovery at start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and removes every file it had. */
  cleanup(): Promise<void>;
}

const superuser = 'switchyard';
const readyTimeoutMs = 60_000;
const stopTimeoutMs = 30_000;

/** The uid/gid to run as: PostgreSQL refuses to run as root, so root runs it as the `postgres` user. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (error) {
    throw new Error('running as root and there is no `postgres` user to run PostgreSQL as', { cause: error });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface PostgresServerOptions {
  /**
   * Keep PostgreSQL's own durability (fsync, full-page writes), as a production server has it: for measuring
   * writes. By default both are off, which the tests' crash checks do not need (WAL recovery still runs).
   */
  readonly durable?: boolean;
}

/** Runs initdb in a fresh temp dir and starts a server on a free loopback port; call cleanup() when done. */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binaries = findPostgresBinaries();
  if (!binaries) throw new Error(postgresSkipReason() ?? 'PostgreSQL binaries not found');
  const identity = serverIdentity();
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-pg-'));
  const dataDir = join(dir, 'data');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  let port = 0;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = (database = 'postgres'): string => `postgres://${superuser}@127.0.0.1:${port}/${database}`;

  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const timer = setTimeout(() => running.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  async function start(): Promise<void> {
    log = '';
    const args = ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    // Durability against an OS crash is not what the tests check; a killed server still recovers from WAL.
    if (!options.durable) args.push('-c', 'fsync=off', '-c', 'full_page_writes=off');
    args.push('-c', 'max_connections=200');
    const started = spawn(binaries!.postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], ...identity });
    child = started;
    started.stderr!.setEncoding('utf8').on('data', (text: string) => {
      log = (log + text).slice(-8000);
    });
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await canConnect(url()))) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`postgres exited during start-up:\n${log}`);
      }
      if (Date.now() > deadline) {
        await stop('immediate');
        throw new Error(`postgres was not ready within ${readyTimeoutMs} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

  try {
    if (identity) await chown(dir, identity.uid, identity.gid);
    await run(
      binaries.initdb,
      ['-D', dataDir, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { ...identity, env: { ...process.env, LC_ALL: 'C' } },
    );
    // A port another process grabs between our probe and the server's bind fails the start: try again.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3 || !/could not (bind|create listen)/i.test(log)) throw error;
      }
    }
  } catch (error) {
    await stop('immediate');
    process.removeListener('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    get port() {
      return port;
    },
    url,
    async createDatabase(name) {
      await admin(`CREATE DATABASE ${quoted(name)}`);
      return url(name);
    },
    async dropDatabase(name) {
      await admin(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
    },
    stop,
    start,
    async cleanup() {
      await stop('fast');
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
