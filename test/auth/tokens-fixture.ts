// Test support for proxy tokens: an authenticated in-process control plane, a signed raw client, token calls.

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AppMeshClient } from '../../src/cli/api-client.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { adminKey, writeAccessFile, type TestKey } from './access-file-fixture.ts';

/** May do everything: the mesh, the registry and the token routes. */
export const operatorKey: TestKey = {
  accessKeyId: 'AKIASWITCHYARDOPERATOR',
  secretAccessKey: 'operator-secret-0123456789abcdefghijklm',
  userName: 'operator',
  policy: {
    Statement: [
      { Effect: 'Allow', Action: ['appmesh:*', 'servicediscovery:*', 'switchyard:*Tokens*'], Resource: '*' },
    ],
  },
};

/** `adminKey` (appmesh:* only) cannot issue tokens. */
export const meshOnlyKey = adminKey;

export interface AuthenticatedControlPlane {
  readonly cp: TestControlPlane;
  /** Signs with `operatorKey`. */
  readonly operator: AppMeshClient;
  client(key: TestKey): AppMeshClient;
  /** Everything the control plane logged (debug and up), one JSON line each. */
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startAuthenticatedControlPlane(
  options: { readonly databaseUrl?: string } = {},
): Promise<AuthenticatedControlPlane> {
  const dir = await makeTempDir('tokens');
  const accessFile = await writeAccessFile(dir, [operatorKey, meshOnlyKey]);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const cp = await startTestControlPlane([], {
    accessFile,
    logger: pino({ level: 'debug' }, sink),
    ...(options.databaseUrl === undefined ? {} : { store: options.databaseUrl }),
  });
  const client = (key: TestKey) =>
    new AppMeshClient(cp.endpoint, {
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      region: 'us-east-1',
    });
  return {
    cp,
    operator: client(operatorKey),
    client,
    logs,
    async close() {
      await cp.close();
      await removeDir(dir);
    },
  };
}

export interface IssuedToken {
  readonly token: string;
  readonly id: string;
  readonly node: string;
  readonly expiresAt: string;
}

export async function issueToken(
  client: AppMeshClient,
  node: string,
  ttlSeconds?: number,
): Promise<IssuedToken> {
  return (await client.request('POST', '/switchyard/v1/tokens', {
    node,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  })) as unknown as IssuedToken;
}

export interface RawAnswer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly json: Record<string, unknown>;
}

/** One registry call as a proxy makes it: `Authorization: Bearer <token>` when a token is given, else unsigned. */
export async function proxyCall(
  endpoint: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<RawAnswer> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${endpoint}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype')?.split(':')[0],
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
