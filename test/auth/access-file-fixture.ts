// Test support for authenticated control planes: an access file with the usual keys, written mode 0600.

import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export interface TestKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userName?: string;
  readonly policy: unknown;
}

export const adminKey: TestKey = {
  accessKeyId: 'AKIASWITCHYARDADMIN',
  secretAccessKey: 'admin-secret-0123456789abcdefghijklmnopq',
  userName: 'admin',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'appmesh:*', Resource: '*' }] },
};

export const readerKey: TestKey = {
  accessKeyId: 'AKIASWITCHYARDREAD',
  secretAccessKey: 'reader-secret-0123456789abcdefghijklmnop',
  userName: 'reader',
  policy: { Statement: [{ Effect: 'Allow', Action: ['appmesh:Describe*', 'appmesh:List*'], Resource: '*' }] },
};

export const registrarKey: TestKey = {
  accessKeyId: 'AKIASWITCHYARDREGISTRAR',
  secretAccessKey: 'registrar-secret-0123456789abcdefghijkl',
  policy: {
    Statement: [
      { Effect: 'Allow', Action: 'servicediscovery:*', Resource: '*' },
      { Effect: 'Deny', Action: 'servicediscovery:Deregister*', Resource: '*' },
    ],
  },
};

/** Writes `keys` as YAML to `dir/access.yaml` with mode 0600 and returns the path. */
export async function writeAccessFile(
  dir: string,
  keys: readonly TestKey[],
  name = 'access.yaml',
): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, stringify({ keys }), { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
