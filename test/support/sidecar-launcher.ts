// Starts `bin/switchyard proxy` as a child process on free loopback ports; ready once its admin `/ready` says so.
import { freePorts } from './free-ports.ts';
import { spawnSwitchyard, type SwitchyardProcess } from './switchyard-process.ts';
import { waitFor } from './wait-for.ts';

export interface SidecarProcess extends SwitchyardProcess {
  readonly node: string;
  readonly inboundPort: number;
  readonly outboundPort: number;
  readonly adminPort: number;
  /** `http://127.0.0.1:<admin port>` */
  readonly admin: string;
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
}

export interface SidecarOptions {
  readonly node: string;
  readonly xdsPort: number;
  /** `--xds` as given (e.g. several replicas, `127.0.0.1:A,127.0.0.1:B`) instead of 127.0.0.1:`xdsPort`. */
  readonly xdsAddr?: string;
  /** The control plane's API for registration; absent: the sidecar learns it from the xDS responses. */
  readonly apiEndpoint?: string;
  readonly args?: readonly string[];
  /** Default true: resolve only once the sidecar is ready. */
  readonly waitReady?: boolean;
}

class SidecarExited extends Error {}

export async function startSidecar(options: SidecarOptions): Promise<SidecarProcess> {
  const [inboundPort, outboundPort, adminPort] = (await freePorts(3)) as [number, number, number];
  const proc = spawnSwitchyard([
    'proxy',
    '--node',
    options.node,
    '--xds',
    options.xdsAddr ?? `127.0.0.1:${options.xdsPort}`,
    ...(options.apiEndpoint === undefined ? [] : ['--api', options.apiEndpoint]),
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
  ]);
  const admin = `http://127.0.0.1:${adminPort}`;
  const alive = (): void => {
    const ended = proc.ended();
    if (ended !== undefined)
      throw new SidecarExited(`sidecar ${options.node} ended (${ended}): ${proc.stderr()}`);
  };
  const logs = proc.logs;
  const sidecar: SidecarProcess = {
    ...proc,
    node: options.node,
    inboundPort,
    outboundPort,
    adminPort,
    admin,
    async waitReady(timeoutMs = 30_000) {
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
