// API authentication end to end: the real AWS CLI and SDK against `control-plane --access-file`, AWS's errors.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AppMeshClient,
  CreateMeshCommand,
  DescribeMeshCommand,
  ListMeshesCommand,
} from '@aws-sdk/client-app-mesh';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { writeFile } from 'node:fs/promises';
import {
  makeTempDir,
  removeDir,
  startControlPlaneProcess,
  type ControlPlaneProcess,
} from '../support/control-plane-launcher.ts';
import { spawnSwitchyard, waitForExit } from '../support/switchyard-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { awsCli, cliV2SkipReason } from '../conformance/aws-cli-runner.ts';
import { adminKey, readerKey, registrarKey, writeAccessFile, type TestKey } from './access-file-fixture.ts';

const accountId = '111122223333';
const region = 'us-east-1';
const allSecrets = [adminKey, readerKey, registrarKey].map((key) => key.secretAccessKey);

function client(
  endpoint: string,
  key: Pick<TestKey, 'accessKeyId' | 'secretAccessKey'>,
  systemClockOffset = 0,
) {
  const sdk = new AppMeshClient({
    endpoint,
    region,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts: 1,
  });
  // The SDK corrects its clock from a skew error's Date header; pinning the offset keeps the skew in place.
  sdk.config.systemClockOffset = systemClockOffset;
  return sdk;
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  assert.fail('the request must be refused');
}

const dir = await makeTempDir('auth');
const cliHome = await makeTempDir('auth-cli');
const cliSkip = await cliV2SkipReason(cliHome);
let accessFile: string;
let cp: ControlPlaneProcess;

before(async () => {
  accessFile = await writeAccessFile(dir, [adminKey, readerKey, registrarKey]);
  cp = await startControlPlaneProcess({
    args: ['--access-file', accessFile, '--account-id', accountId],
    authenticated: true,
  });
});

after(async () => {
  await cp?.stop();
  // Whatever happened, no secret reached the logs or stderr.
  const output = JSON.stringify(cp?.logs ?? []) + (cp?.stderr() ?? '');
  for (const secret of allSecrets) assert.ok(!output.includes(secret), 'a secret key appeared in the output');
  await removeDir(dir);
  await removeDir(cliHome);
});

describe('SigV4 on the App Mesh API', () => {
  it('serves the SDK with a listed key', async () => {
    const admin = client(cp.endpoint, adminKey);
    await admin.send(new CreateMeshCommand({ meshName: 'shop', spec: {} }));
    const described = await admin.send(new DescribeMeshCommand({ meshName: 'shop' }));
    assert.equal(described.mesh?.metadata?.arn, `arn:aws:appmesh:${region}:${accountId}:mesh/shop`);
    const listed = await client(cp.endpoint, readerKey).send(new ListMeshesCommand({}));
    assert.deepEqual(
      listed.meshes?.map((mesh) => mesh.meshName),
      ['shop'],
    );
  });

  it('refuses an unsigned request with MissingAuthenticationTokenException, as AWS does', async () => {
    const response = await fetch(`${cp.endpoint}/v20190125/meshes`);
    assert.equal(response.status, 403);
    assert.match(response.headers.get('x-amzn-errortype') ?? '', /^MissingAuthenticationTokenException(:|$)/);
    assert.ok(response.headers.get('x-amzn-requestid'));
    assert.deepEqual(await response.json(), { message: 'Missing Authentication Token' });
    const write = await fetch(`${cp.endpoint}/v20190125/meshes/shop`, { method: 'DELETE' });
    assert.equal(write.status, 403);
  });

  it('refuses an unknown key, a wrong secret and a skewed clock with the exact AWS error types', async () => {
    const unknown = await refusal(
      client(cp.endpoint, { accessKeyId: 'AKIANOTLISTED0000000', secretAccessKey: 'x'.repeat(40) }).send(
        new ListMeshesCommand({}),
      ),
    );
    assert.deepEqual(unknown, {
      name: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    const wrongSecret = await refusal(
      client(cp.endpoint, { ...adminKey, secretAccessKey: `${adminKey.secretAccessKey}x` }).send(
        new ListMeshesCommand({}),
      ),
    );
    assert.equal(wrongSecret.name, 'InvalidSignatureException');
    assert.equal(wrongSecret.status, 403);
    assert.match(wrongSecret.message, /^The request signature we calculated does not match/);
    const skewed = await refusal(client(cp.endpoint, adminKey, -10 * 60_000).send(new ListMeshesCommand({})));
    assert.equal(skewed.name, 'InvalidSignatureException');
    assert.match(skewed.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const ahead = await refusal(client(cp.endpoint, adminKey, 10 * 60_000).send(new ListMeshesCommand({})));
    assert.match(ahead.message, /^Signature not yet current/);
    // Four minutes off is inside AWS's five-minute window.
    await client(cp.endpoint, adminKey, -4 * 60_000).send(new ListMeshesCommand({}));
  });

  it("refuses a read-only key's write with AccessDeniedException naming the action and resource", async () => {
    const denied = await refusal(
      client(cp.endpoint, readerKey).send(new CreateMeshCommand({ meshName: 'other', spec: {} })),
    );
    assert.deepEqual(denied, {
      name: 'AccessDeniedException',
      status: 403,
      message: `User: arn:aws:iam::${accountId}:user/reader is not authorized to perform: appmesh:CreateMesh on resource: arn:aws:appmesh:${region}:${accountId}:mesh/other because no identity-based policy allows the appmesh:CreateMesh action`,
    });
    // Nothing changed.
    const listed = await client(cp.endpoint, adminKey).send(new ListMeshesCommand({}));
    assert.deepEqual(
      listed.meshes?.map((mesh) => mesh.meshName),
      ['shop'],
    );
  });

  it('accepts a presigned URL until it expires', async () => {
    const { port } = new URL(cp.endpoint);
    const presign = (expiresIn: number, signingDate = new Date()) =>
      new SignatureV4({ credentials: adminKey, region, service: 'appmesh', sha256: Sha256 }).presign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: '127.0.0.1',
          port: Number(port),
          path: '/v20190125/meshes',
          query: {},
          headers: { host: `127.0.0.1:${port}` },
        },
        { expiresIn, signingDate },
      );
    const url = (signed: Awaited<ReturnType<typeof presign>>) =>
      `${cp.endpoint}${signed.path}?${new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20')}`;
    const fresh = await fetch(url(await presign(60)));
    assert.equal(fresh.status, 200);
    assert.deepEqual(
      ((await fresh.json()) as { meshes: { meshName: string }[] }).meshes.map((m) => m.meshName),
      ['shop'],
    );
    const stale = await fetch(url(await presign(60, new Date(Date.now() - 120_000))));
    assert.equal(stale.status, 403);
    assert.match(stale.headers.get('x-amzn-errortype') ?? '', /^InvalidSignatureException/);
  });

  it('keeps /healthz and /readyz open, and guards /switchyard/v1/', async () => {
    assert.equal((await fetch(`${cp.endpoint}/healthz`)).status, 200);
    assert.equal((await fetch(`${cp.endpoint}/readyz`)).status, 200);
    const clients = await fetch(`${cp.endpoint}/switchyard/v1/xds/clients`);
    assert.equal(clients.status, 403);
    assert.match(clients.headers.get('x-amzn-errortype') ?? '', /^MissingAuthenticationTokenException/);
  });
});

describe('SigV4 on the registry', () => {
  const signedFetch = async (key: TestKey, method: string, path: string, body?: unknown) => {
    const { port } = new URL(cp.endpoint);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = await new SignatureV4({
      credentials: key,
      region,
      service: 'appmesh',
      sha256: Sha256,
    }).sign({
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: Number(port),
      path,
      query: {},
      headers: { host: `127.0.0.1:${port}`, ...(text ? { 'content-type': 'application/json' } : {}) },
      ...(text ? { body: text } : {}),
    });
    return fetch(`${cp.endpoint}${path}`, {
      method,
      headers: signed.headers,
      ...(text ? { body: text } : {}),
    });
  };
  const instance = '/switchyard/v1/registry/namespaces/ns/services/cart/instances/i1';

  it('refuses an instance planted without a signature or without servicediscovery permissions', async () => {
    const unsigned = await fetch(`${cp.endpoint}${instance}`, {
      method: 'PUT',
      body: JSON.stringify({ address: '127.0.0.1', port: 8080 }),
    });
    assert.equal(unsigned.status, 403);
    const byAdmin = await signedFetch(adminKey, 'PUT', instance, { address: '127.0.0.1', port: 8080 });
    assert.equal(byAdmin.status, 403);
    assert.equal(byAdmin.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.match(
      ((await byAdmin.json()) as { message: string }).message,
      /servicediscovery:RegisterInstance on resource: arn:aws:servicediscovery:us-east-1:111122223333:service\/ns\/cart/,
    );
  });

  it('lets a key with servicediscovery actions register, and its explicit deny stop deregistering', async () => {
    assert.equal(
      (await signedFetch(registrarKey, 'PUT', '/switchyard/v1/registry/namespaces/ns')).status,
      201,
    );
    assert.equal(
      (await signedFetch(registrarKey, 'PUT', '/switchyard/v1/registry/namespaces/ns/services/cart')).status,
      201,
    );
    const put = await signedFetch(registrarKey, 'PUT', instance, { address: '127.0.0.1', port: 8080 });
    assert.equal(put.status, 201, await put.text());
    const removal = await signedFetch(registrarKey, 'DELETE', instance);
    assert.equal(removal.status, 403);
    assert.equal((await signedFetch(registrarKey, 'GET', instance)).status, 200);
  });
});

describe('the AWS CLI', { skip: cliSkip }, () => {
  const cliAs = (key: Pick<TestKey, 'accessKeyId' | 'secretAccessKey'>) =>
    awsCli(cp.endpoint, cliHome, {
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    });

  it('works with a listed key', async () => {
    const listed = await cliAs(adminKey).appmeshJson('list-meshes');
    assert.deepEqual(
      (listed.meshes as { meshName: string }[]).map((mesh) => mesh.meshName),
      ['shop'],
    );
    await cliAs(adminKey).appmeshJson('create-mesh', '--mesh-name', 'from-cli');
    await cliAs(adminKey).appmeshJson('delete-mesh', '--mesh-name', 'from-cli');
  });

  it('prints the errors as it does against AWS', async () => {
    const cases: [Pick<TestKey, 'accessKeyId' | 'secretAccessKey'>, string[], string][] = [
      [
        readerKey,
        ['create-mesh', '--mesh-name', 'nope'],
        `An error occurred (AccessDeniedException) when calling the CreateMesh operation: User: arn:aws:iam::${accountId}:user/reader is not authorized to perform: appmesh:CreateMesh on resource: arn:aws:appmesh:${region}:${accountId}:mesh/nope because no identity-based policy allows the appmesh:CreateMesh action`,
      ],
      [
        { accessKeyId: 'AKIANOTLISTED0000000', secretAccessKey: 'y'.repeat(40) },
        ['list-meshes'],
        'An error occurred (UnrecognizedClientException) when calling the ListMeshes operation: The security token included in the request is invalid.',
      ],
      [
        { ...adminKey, secretAccessKey: 'z'.repeat(40) },
        ['list-meshes'],
        'An error occurred (InvalidSignatureException) when calling the ListMeshes operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      ],
    ];
    for (const [key, args, printed] of cases) {
      const result = await cliAs(key).appmesh(...args);
      assert.equal(result.code, 254, result.stderr);
      assert.equal(result.stderr.trim(), printed);
    }
  });
});

describe("switchyard's own CLI", () => {
  const run = async (env: Record<string, string>) => {
    const cli = spawnSwitchyard(['get', 'meshes', '--endpoint', cp.endpoint, '-o', 'json'], env);
    const code = await waitForExit(cli.child);
    return { code, stderr: cli.stderr() };
  };

  it('signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, and reports the refusal without them', async () => {
    const signed = await run({
      AWS_ACCESS_KEY_ID: readerKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: readerKey.secretAccessKey,
    });
    assert.equal(signed.code, 0, signed.stderr);
    const unsigned = await run({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    assert.notEqual(unsigned.code, 0);
    assert.match(unsigned.stderr, /MissingAuthenticationTokenException: Missing Authentication Token/);
  });
});

describe('reloading the access file', () => {
  const newKey: TestKey = {
    accessKeyId: 'AKIASWITCHYARDLATER',
    secretAccessKey: 'later-secret-0123456789abcdefghijklmnopq',
    policy: { Statement: [{ Effect: 'Allow', Action: 'appmesh:List*', Resource: '*' }] },
  };
  const works = (key: TestKey) =>
    client(cp.endpoint, key)
      .send(new ListMeshesCommand({}))
      .then(
        () => true,
        () => false,
      );

  it('takes a new key on SIGHUP, and keeps the old keys when the new file is bad', async () => {
    assert.equal(await works(newKey), false);
    await writeAccessFile(dir, [adminKey, newKey]);
    cp.child.kill('SIGHUP');
    await waitFor('the new key to be accepted', () => works(newKey));
    assert.equal(await works(readerKey), false, 'a key removed from the file is refused');

    const reloadsBefore = cp.logs.filter(
      (line) => line.msg === 'access file not reloaded; the previous keys stay in force',
    ).length;
    await writeFile(
      accessFile,
      `keys:\n  - accessKeyId: AKIASWITCHYARDBROKEN\n    secretAccessKey: "${'s'.repeat(30)}\n`,
    );
    cp.child.kill('SIGHUP');
    const refusedLine = await waitFor(
      'the bad file to be refused',
      () =>
        cp.logs.filter((line) => line.msg === 'access file not reloaded; the previous keys stay in force')[
          reloadsBefore
        ],
    );
    assert.match(String(refusedLine.reason), /access file .* is not valid YAML or JSON/);
    assert.ok(!JSON.stringify(refusedLine).includes('s'.repeat(30)), 'the refusal must not quote the file');
    assert.equal(await works(newKey), true);
    assert.equal(await works(adminKey), true);
  });
});
