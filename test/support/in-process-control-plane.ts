// Runs a real control plane (SQLite file, API on a loopback socket) inside the test process.

import { pino, type Logger } from 'pino';
import { parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { startControlPlane, type RunningControlPlane } from '../../src/controlplane/control-plane.ts';
import type { ProxyAuthenticator } from '../../src/api/auth/proxy-authenticator.ts';
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
  /** --access-file: requests must then be SigV4-signed by a listed key. */
  readonly accessFile?: string;
  /** --store: a postgres:// URL for the shared store; default the embedded SQLite store. */
  readonly store?: string;
  /** Authenticates proxies on the xDS port (see proxy-authority-fixture.ts). */
  readonly proxyAuth?: ProxyAuthenticator;
  /** `--xds-tls` (the certificate names 127.0.0.1) and further `--xds-tls-san` names. */
  readonly xdsTls?: boolean;
  readonly xdsTlsSan?: readonly string[];
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
    ...(options.accessFile === undefined ? {} : { accessFile: options.accessFile }),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.xdsTls ? { xdsTls: true, xdsTlsSan: options.xdsTlsSan ?? [] } : {}),
  });
  const running = await startControlPlane(
    config,
    options.logger ?? pino({ level: 'silent' }),
    options.proxyAuth ? { proxyAuth: options.proxyAuth } : {},
  );
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
