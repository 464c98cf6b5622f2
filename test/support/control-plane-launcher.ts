// Starts the real `bin/switchyard control-plane` as a child process on free ports; ready once both ports answer.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts } from './free-ports.ts';
import { spawnSwitchyard, type SwitchyardProcess } from './switchyard-process.ts';
import { waitFor } from './wait-for.ts';

export interface ControlPlaneProcess extends SwitchyardProcess {
  /** `http://127.0.0.1:<api port>` */
  readonly endpoint: string;
  readonly apiPort: number;
  readonly xdsPort: number;
  readonly dataDir: string;
}

export interface ControlPlaneOptions {
  readonly dataDir?: string;
  /** Fixed ports (a restart on the same addresses); free ones are picked when omitted. */
  readonly apiPort?: number;
  readonly xdsPort?: number;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
  /** Started with --access-file: ready once an unsigned ListMeshes is refused as AWS refuses it. */
  readonly authenticated?: boolean;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `switchyard-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** True once something accepts a TCP connection on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a control plane; resolves once its API answers and its xDS port accepts connections. Rejects (with its
 * stderr) if it exits first or is not ready within the timeout, and then leaves no process behind.
 */
export async function startControlPlaneProcess(
  options: ControlPlaneOptions = {},
): Promise<ControlPlaneProcess> {
  const dataDir = options.dataDir ?? (await makeTempDir('cp'));
  const picked = await freePorts(2);
  const apiPort = options.apiPort ?? (picked[0] as number);
  const xdsPort = options.xdsPort ?? (picked[1] as number);
  const args = [
    'control-plane',
    '--api-addr',
    `127.0.0.1:${apiPort}`,
    '--xds-addr',
    `127.0.0.1:${xdsPort}`,
    '--data-dir',
    dataDir,
    ...(options.args ?? []),
  ];
  const proc = spawnSwitchyard(args, options.env);
  const endpoint = `http://127.0.0.1:${apiPort}`;
  const cp: ControlPlaneProcess = { ...proc, endpoint, apiPort, xdsPort, dataDir };
  try {
    await waitFor(
      'the control plane to answer on its API and xDS ports',
      async () => {
        const ended = proc.ended();
        if (ended !== undefined) throw new ExitedEarly(`control plane ended (${ended}): ${proc.stderr()}`);
        // The API listens first and the xDS server second (see control-plane.ts): both must answer.
        // The answer must be App Mesh's ListMeshes (a request id and a mesh list), not whatever else listens there.
        const api = await fetch(`${endpoint}/v20190125/meshes`).then(
          async (r) => {
            const body = await r.text();
            if (options.authenticated) {
              const type = r.headers.get('x-amzn-errortype') ?? '';
              return r.status === 403 && type.startsWith('MissingAuthenticationTokenException');
            }
            return r.status === 200 && r.headers.has('x-amzn-requestid') && body.includes('"meshes"');
          },
          () => false,
        );
        return api && (await accepts(xdsPort));
      },
      { timeoutMs: options.timeoutMs ?? 30_000, bail: (e) => e instanceof ExitedEarly },
    );
  } catch (error) {
    await cp.stop('SIGKILL');
    throw new Error(`${(error as Error).message}; stderr: ${proc.stderr()}`, { cause: error });
  }
  return cp;
}

class ExitedEarly extends Error {}
