// Starts `bin/switchyard proxy` as a child process on free loopback ports and reads its JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { switchyardBin, waitForExit } from '../../support/control-plane-process.ts';
import { freePorts } from './free-port.ts';
import { waitFor } from './wait-for.ts';

export interface SidecarProcess {
  readonly child: ChildProcess;
  readonly node: string;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly adminPort: number;
  readonly logs: Record<string, unknown>[];
  /** `http://127.0.0.1:<admin port>` */
  readonly admin: string;
  stderr(): string;
  /** Waits for a log line matching `pred`. */
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
  /** Default: wait for the "proxy ready" line. */
  readonly waitReady?: boolean;
}

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
  const sidecar: SidecarProcess = {
    child,
    node: options.node,
    inboundPort,
    outboundPort,
    adminPort,
    logs,
    admin,
    stderr: () => stderr,
    waitForLog: (what, pred, timeoutMs = 20_000) =>
      waitFor(
        `${options.node} to log ${what}`,
        () => {
          if (child.exitCode !== null) throw new Error(`sidecar exited ${child.exitCode}: ${stderr}`);
          return logs.find(pred);
        },
        { timeoutMs },
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
  if (options.waitReady !== false) await sidecar.waitForLog('"proxy ready"', (e) => e.msg === 'proxy ready');
  return sidecar;
}
