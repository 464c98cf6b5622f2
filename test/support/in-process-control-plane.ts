// Runs a real control plane (SQLite file, API on a loopback socket) inside the test process.

import { pino, type Logger } from 'pino';
import { parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { startControlPlane, type RunningControlPlane } from '../../src/controlplane/control-plane.ts';
import { makeTempDir, removeDir } from './control-plane-launcher.ts';

export interface TestControlPlane {
  readonly endpoint: string;
  readonly running: RunningControlPlane;
  close(): Promise<void>;
}

/** Control plane settings a test may change besides quotas (flag values as text, as the CLI passes them). */
export interface TestControlPlaneOptions {
  readonly mtls?: string;
  readonly trustDomain?: string;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Turns authentication on (`--access-file`). */
  readonly accessFile?: string;
}

export async function startTestControlPlane(
  quota: string[] = [],
  options: TestControlPlaneOptions = {},
): Promise<TestControlPlane> {
  const dataDir = await makeTempDir('api');
  const config = parseControlPlaneConfig({
    apiAddr: '127.0.0.1:0',
    xdsAddr: '127.0.0.1:0',
    dataDir,
    region: 'us-east-1',
    accountId: '111122223333',
    quota,
    mtls: options.mtls,
    trustDomain: options.trustDomain,
    accessFile: options.accessFile,
  });
  const running = await startControlPlane(config, options.logger ?? pino({ level: 'silent' }));
  return {
    endpoint: `http://127.0.0.1:${running.apiAddress.port}`,
    running,
    async close() {
      await running.close();
      await removeDir(dataDir);
    },
  };
}

/** Raw HTTP against the API, returning status, headers and parsed JSON body. */
export async function call(
  endpoint: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined)
    init.body =
      typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
  const response = await fetch(`${endpoint}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
