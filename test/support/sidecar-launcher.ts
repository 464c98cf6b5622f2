// Starts `bin/switchyard proxy` as a child process on free loopback ports; ready once its admin `/ready` says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { switchyardBin, waitForExit } from './control-plane-launcher.ts';
import { freePorts } from './free-ports.ts';
import { waitFor } from './wait-for.ts';

export interface SidecarProcess {
  readonly child: ChildProcess;
  readonly node: string;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly adminPort: number;
  /** Every JSON log line seen so far. */
  readonly logs: Record<string, unknown>[];
  /** `http://127.0.0.1:<admin port>` */
  readonly admin: string;
  stderr(): string;
  /** Resolves once the admin `/ready` answers 200 (the first configuration is applied); rejects if it exits. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Waits for a log line matching `pred` (for tests of what the sidecar logs, not for readiness). */
  waitForLog(
    what: string,
    pred: (entry: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sum of a Prometheus metric over the samples whose labels contain `labelPart` (all samples when omitted). */
  stat(metric: string, labelPart?: string): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SidecarOptions {
  readonly node: string;
  readonly xdsPort: number;
  readonly apiEndpoint: string;
  readonly args?: readonly string[];
  /** Default true: resolve only once the sidecar is ready. */
  readonly waitReady?: boolean;
}

class SidecarExited extends Error {}

export async function startSidecar(options: SidecarOptions): Promise<SidecarProcess> {
  const [inboundPort, outboundPort, adminPort] = (await freePorts(3)) as [number, number, number];
  const child = spawn(
    switchyardBin,
    [
      'proxy',
      '--node',
      options.node,
      '--xds',
      `127.0.0.1:${options.xdsPort}`,
      '--api',
      options.apiEndpoint,
      '--admin-addr',
      `127.0.0.1:${adminPort}`,
      '--inbound-port',
      String(inboundPort),
      '--outbound-port',
      String(outboundPort),
      '--listen-host',
      '127.0.0.1',
      '--drain-ms',
      '1000',
      ...(options.args ?? []),
    ],
    { env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Access log lines and other plain output are not structured logs.
    }
  });
  const admin = `http://127.0.0.1:${adminPort}`;
  const alive = (): void => {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new SidecarExited(
        `sidecar ${options.node} exited ${child.exitCode ?? child.signalCode}: ${stderr}`,
      );
  };
  const sidecar: SidecarProcess = {
    child,
    node: options.node,
    inboundPort,
    outboundPort,
    adminPort,
    logs,
    admin,
    stderr: () => stderr,
    async waitReady(timeoutMs = 20_000) {
      await waitFor(
        `${options.node} to be ready (admin /ready)`,
        async () => {
          alive();
          const response = await fetch(`${admin}/ready`);
          await response.arrayBuffer();
          return response.status === 200;
        },
        { timeoutMs, bail: (e) => e instanceof SidecarExited },
      );
    },
    waitForLog: (what, pred, timeoutMs = 20_000) =>
      waitFor(
        `${options.node} to log ${what}`,
        () => {
          const found = logs.find(pred);
          if (found === undefined) alive();
          return found;
        },
        { timeoutMs, bail: (e) => e instanceof SidecarExited },
      ),
    async stat(metric, labelPart = '') {
      const text = await (await fetch(`${admin}/stats/prometheus`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(metric) || !/^[{ ]/.test(line.slice(metric.length))) continue;
        const labels = line.startsWith(`${metric}{`)
          ? line.slice(metric.length, line.lastIndexOf('}') + 1)
          : '';
        if (labels.includes(labelPart)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const exited = waitForExit(child);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (options.waitReady !== false) {
    try {
      await sidecar.waitReady();
    } catch (error) {
      await sidecar.stop('SIGKILL');
      throw error;
    }
  }
  return sidecar;
}
