// Hostile requests against `control-plane --access-file` (issue 16 review): a key whose policy denies a
// /switchyard/v1/ action must not reach that route by spelling its path differently (percent-encoding, a
// fragment) than the policy check reads it, nor by asking with HEAD, which fastify serves from every GET route.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '../../src/util/sigv4-signer.ts';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { writeAccessFile, type TestKey } from '../auth/access-file-fixture.ts';

const region = 'us-east-1';

/** Everything but the CA rotation and the xDS views. */
const limitedKey: TestKey = {
  accessKeyId: 'AKIASWITCHYARDLIMITED',
  secretAccessKey: 'limited-secret-0123456789abcdefghijk',
  userName: 'limited',
  policy: {
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: ['switchyard:PostCaRotate', 'switchyard:GetXdsClients', 'switchyard:GetCa'],
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'appmesh:CreateMesh',
        Resource: 'arn:aws:appmesh:us-east-1:111122223333:mesh/prod',
      },
    ],
  },
};

/** One App Mesh read on one mesh and nothing else. */
const narrowKey: TestKey = {
  accessKeyId: 'AKIASWITCHYARDNARROW',
  secretAccessKey: 'narrow-secret-0123456789abcdefghijklm',
  policy: {
    Statement: [
      {
        Effect: 'Allow',
        Action: 'appmesh:DescribeMesh',
        Resource: 'arn:aws:appmesh:us-east-1:111122223333:mesh/one',
      },
    ],
  },
};

interface Answer {
  readonly status: number;
  readonly errorType: string;
}

let dir: string;
let cp: ControlPlaneProcess;

/** Signs `method rawPath` with `key` (the signer normalises as the SDKs do) and sends the raw path as written. */
function send(key: TestKey, method: string, rawPath: string, body?: string): Promise<Answer> {
  const endpoint = new URL(cp.endpoint);
  const headers = signRequest(
    { method, url: `${cp.endpoint}${rawPath.replace('#', '%23')}`, ...(body === undefined ? {} : { body }) },
    key,
    { region, service: 'appmesh' },
    Date.now(),
  );
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: endpoint.hostname, port: endpoint.port, method, path: rawPath, headers },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            errorType: String(response.headers['x-amzn-errortype'] ?? '').split(':')[0]!,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function rootCount(): Promise<number> {
  const response = await fetch(`${cp.endpoint}/switchyard/v1/ca`, {
    headers: signRequest(
      { method: 'GET', url: `${cp.endpoint}/switchyard/v1/ca` },
      { accessKeyId: 'AKIASWITCHYARDADMIN2', secretAccessKey: 'admin2-secret-0123456789abcdefghijklm' },
      { region, service: 'appmesh' },
      Date.now(),
    ),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { authorities: unknown[] }).authorities.length;
}

before(async () => {
  dir = await makeTempDir('auth-attacks');
  const admin: TestKey = {
    accessKeyId: 'AKIASWITCHYARDADMIN2',
    secretAccessKey: 'admin2-secret-0123456789abcdefghijklm',
    policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  };
  const file = await writeAccessFile(dir, [admin, limitedKey, narrowKey]);
  cp = await startControlPlaneProcess({
    args: ['--access-file', file, '--account-id', '111122223333'],
    authenticated: true,
  });
});

after(async () => {
  await cp?.stop();
  if (dir) await removeDir(dir);
});

describe('policy checks see the route the router picks', () => {
  it('refuses the plain path (the baseline the variants must equal)', async () => {
    assert.deepEqual(await send(limitedKey, 'POST', '/switchyard/v1/ca/rotate'), {
      status: 403,
      errorType: 'AccessDeniedException',
    });
  });

  for (const path of [
    '/switchyard/v1/%63a/rotate',
    '/switchyard/v1/ca/rot%61te',
    '/switchyard/v1/%63%61/rotate',
  ]) {
    it(`does not rotate the CA for a denied key through ${path}`, async () => {
      const before = await rootCount();
      assert.deepEqual(await send(limitedKey, 'POST', path), {
        status: 403,
        errorType: 'AccessDeniedException',
      });
      assert.equal(await rootCount(), before, 'the CA was rotated');
    });
  }

  it('does not serve a denied GET route through percent-encoding', async () => {
    assert.deepEqual(await send(limitedKey, 'GET', '/switchyard/v1/xds/client%73'), {
      status: 403,
      errorType: 'AccessDeniedException',
    });
  });

  it('does not serve a denied route through a fragment the router cuts off', async () => {
    const before = await rootCount();
    const answer = await send(limitedKey, 'POST', '/switchyard/v1/ca/rotate#x');
    assert.notEqual(answer.status, 200);
    assert.equal(await rootCount(), before, 'the CA was rotated');
  });

  for (const path of ['/switchyard/v1/xds/clients', '/switchyard/v1/ca', '/switchyard/v1/ca/bundle.pem']) {
    it(`needs the GET permission for HEAD ${path}`, async () => {
      assert.deepEqual(await send(narrowKey, 'HEAD', path), {
        status: 403,
        errorType: 'AccessDeniedException',
      });
      assert.deepEqual(
        await send(limitedKey, 'HEAD', path).then((a) => a.status === 200),
        path.endsWith('.pem'),
      );
    });
  }
});

describe('policy checks read the body as the handler does', () => {
  it('does not create a denied mesh whose body starts with a byte order mark', async () => {
    const body = JSON.stringify({ meshName: 'prod', spec: {} });
    assert.deepEqual(await send(limitedKey, 'PUT', '/v20190125/meshes', body), {
      status: 403,
      errorType: 'AccessDeniedException',
    });
    assert.deepEqual(await send(limitedKey, 'PUT', '/v20190125/meshes', `\uFEFF${body}`), {
      status: 403,
      errorType: 'AccessDeniedException',
    });
    assert.equal(
      (await send(limitedKey, 'GET', '/v20190125/meshes/prod')).status,
      404,
      'the mesh was created',
    );
  });
});
