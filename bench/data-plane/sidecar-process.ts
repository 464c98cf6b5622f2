// Runs `bin/switchyard proxy` for one virtual node on free loopback ports, pinned, and waits for its ready line.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../harness/bench-options.ts';
import { reapOnExit, stopChild } from '../harness/child-reaper.ts';
import { pinned } from './cpu-pinning.ts';
import { freePorts } from '../../test/support/free-ports.ts';

/** The V8 settings `bin/switchyard` gives the sidecar (a reference run with them is comparable with it). */
export const sidecarNodeFlags: readonly string[] = ['--max-semi-space-size=2', '--no-memory-reducer'];

export interface SidecarOptions {
  /** `mesh/<mesh>/virtualNode/<name>` */
  readonly node: string;
  readonly xds: { host: string; port: number };
  readonly api: { host: string; port: number };
  readonly cpu: number | undefined;
  /** When set, the proxy runs under --cpu-prof and writes `<profileName>.cpuprofile` here on exit. */
  readonly cpuProfDir?: string;
  readonly profileName?: string;
  /** More `switchyard proxy` flags (a scenario's own settings, e.g. tracing). */
  readonly extraArgs?: readonly string[];
}

export class SidecarProcess {
  readonly child: ChildProcess;
  readonly node: string;
  readonly inboundPort: number;
  readonly outboundPort: number;
  #stderr = '';

  private constructor(child: ChildProcess, node: string, inboundPort: number, outboundPort: number) {
    this.child = child;
    this.node = node;
    this.inboundPort = inboundPort;
    this.outboundPort = outboundPort;
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: SidecarOptions): Promise<SidecarProcess> {
    const [inbound, outbound, admin] = (await freePorts(3)) as [number, number, number];
    const proxyArgs = [
      'proxy',
      '--node', options.node,
      '--xds', `${options.xds.host}:${options.xds.port}`,
      '--api', `http://${options.api.host}:${options.api.port}`,
      '--admin-addr', `127.0.0.1:${admin}`,
      '--inbound-port', String(inbound),
      '--outbound-port', String(outbound),
      '--listen-host', '127.0.0.1',
      '--drain-ms', '500',
      ...(options.extraArgs ?? []),
    ]; // prettier-ignore
    const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_LOG_LEVEL: 'info' };
    if (options.cpuProfDir !== undefined)
      env.NODE_OPTIONS = [
        process.env.NODE_OPTIONS ?? '',
        '--cpu-prof',
        `--cpu-prof-dir=${options.cpuProfDir}`,
        `--cpu-prof-name=${options.profileName ?? 'switchyard-proxy'}-\${pid}.cpuprofile`,
      ]
        .join(' ')
        .trim();
    const { command, args } = pinned(options.cpu, path.join(repoRoot, 'bin/switchyard'), proxyArgs);
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    reapOnExit(child);
    const sidecar = new SidecarProcess(child, options.node, inbound, outbound);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.node}: proxy not ready in 30 s; stderr: ${sidecar.#stderr}`));
      }, 30_000);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.includes('"proxy ready"')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.node}: proxy exited (${code ?? signal}); stderr: ${sidecar.#stderr}`));
      });
    });
    return sidecar;
  }

  /**
   * Fills Node's compile cache for the sidecar: `proxy --help` loads every module a running sidecar does, and its
   * normal exit writes the cache. On a machine where no sidecar has run yet, the measured ones would otherwise each
   * load the TypeScript stripper (about 17 MB more RSS than a sidecar has in use).
   */
  static primeCompileCache(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(path.join(repoRoot, 'bin/switchyard'), ['proxy', '--help'], { env }, (error) =>
        error ? reject(new Error('priming the sidecar compile cache failed', { cause: error })) : resolve(),
      );
    });
  }

  /** SIGTERM (the proxy deregisters, drains and exits 0, writing its CPU profile), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    await stopChild(this.child, graceMs);
  }
}
