// The restJson1 wire format, checked with raw HTTP: what the SDKs and CLI rely on byte for byte.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';

let cp: TestControlPlane;
before(async () => {
  cp = await startTestControlPlane();
});
after(async () => cp.close());

function assertError(
  res: { status: number; headers: Headers; json: Record<string, unknown> },
  type: string,
  status: number,
  fragment?: string,
) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.match(res.headers.get('x-amzn-errortype') ?? '', new RegExp(`^${type}(:|$)`));
  assert.equal(typeof res.json.message, 'string');
  if (fragment)
    assert.ok(
      (res.json.message as string).includes(fragment),
      `${res.json.message as string} lacks ${fragment}`,
    );
  assert.ok(res.headers.get('x-amzn-requestid'));
}

describe('success answers', () => {
  test('CreateMesh returns the bare MeshData with epoch-second timestamps and a request id', async () => {
    const before = Date.now() / 1000;
    const res = await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'wire', spec: {} });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-amzn-requestid'));
    assert.equal(res.json.meshName, 'wire');
    assert.deepEqual(res.json.spec, {});
    assert.deepEqual(res.json.status, { status: 'ACTIVE' });
    const metadata = res.json.metadata as Record<string, unknown>;
    assert.equal(metadata.arn, 'arn:aws:appmesh:us-east-1:111122223333:mesh/wire');
    assert.equal(metadata.version, 1);
    assert.equal(metadata.meshOwner, '111122223333');
    assert.equal(metadata.resourceOwner, '111122223333');
    assert.equal(typeof metadata.uid, 'string');
    assert.equal(typeof metadata.createdAt, 'number');
    assert.ok(
      (metadata.createdAt as number) >= before - 1 && (metadata.createdAt as number) <= Date.now() / 1000 + 1,
    );
    assert.equal(metadata.lastUpdatedAt, metadata.createdAt);
  });

  test('path labels are percent-decoded after splitting, so %2F-free names with odd characters work', async () => {
    const name = "odd name!*'()";
    const created = await call(cp.endpoint, 'PUT', '/v20190125/meshes/wire/virtualNodes', {
      virtualNodeName: name,
      spec: {},
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const described = await call(
      cp.endpoint,
      'GET',
      `/v20190125/meshes/wire/virtualNodes/${encodeURIComponent(name).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
    assert.equal(described.status, 200);
    assert.equal(described.json.virtualNodeName, name);
  });

  test('list answers carry Ref items without spec or status', async () => {
    const res = await call(cp.endpoint, 'GET', '/v20190125/meshes/wire/virtualNodes');
    assert.equal(res.status, 200);
    const items = res.json.virtualNodes as Record<string, unknown>[];
    assert.equal(items.length, 1);
    assert.equal(items[0]!.spec, undefined);
    assert.equal(items[0]!.status, undefined);
    assert.equal(items[0]!.meshName, 'wire');
    assert.equal(typeof items[0]!.arn, 'string');
    assert.equal(res.json.nextToken, undefined);
  });

  test('tag operations answer an empty object', async () => {
    const arn = 'arn:aws:appmesh:us-east-1:111122223333:mesh/wire';
    const res = await call(cp.endpoint, 'PUT', `/v20190125/tag?resourceArn=${encodeURIComponent(arn)}`, {
      tags: [{ key: 'team', value: 'a' }],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, {});
  });
});

describe('bad input answers an App Mesh error and changes nothing', () => {
  test('malformed JSON', async () => {
    assertError(
      await call(cp.endpoint, 'PUT', '/v20190125/meshes', '{"meshName": '),
      'BadRequestException',
      400,
      'not valid JSON',
    );
  });

  test('invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"meshName":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    assertError(
      await call(cp.endpoint, 'PUT', '/v20190125/meshes', bytes),
      'BadRequestException',
      400,
      'UTF-8',
    );
  });

  test('a body that is not an object', async () => {
    assertError(
      await call(cp.endpoint, 'PUT', '/v20190125/meshes', '[1,2]'),
      'BadRequestException',
      400,
      'JSON object',
    );
  });

  test('missing required member, wrong type and unknown member are all named', async () => {
    const res = await call(cp.endpoint, 'PUT', '/v20190125/meshes/wire/virtualRouters', {
      spec: { listeners: [{ portMapping: { port: '80', protocol: 'http' } }] },
      colour: 'blue',
    });
    assertError(res, 'BadRequestException', 400);
    const message = res.json.message as string;
    assert.match(message, /virtualRouterName is required/);
    assert.match(message, /spec\.listeners\[0\]\.portMapping\.port must be a whole number/);
    assert.match(message, /colour is not a known member/);
  });

  test('empty and over-long names', async () => {
    assertError(
      await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: '' }),
      'BadRequestException',
      400,
      'meshName',
    );
    assertError(
      await call(cp.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'x'.repeat(256) }),
      'BadRequestException',
      400,
      'at most 255',
    );
    assertError(
      await call(cp.endpoint, 'GET', '/v20190125/meshes/'),
      'BadRequestException',
      400,
      'meshName must not be empty',
    );
  });

  test('a body over 1 MiB', async () => {
    const res = await call(cp.endpoint, 'PUT', '/v20190125/meshes', {
      meshName: 'big',
      spec: {},
      pad: 'x'.repeat(1024 * 1024),
    });
    assertError(res, 'BadRequestException', 400, 'exceeds');
  });

  test('unknown paths and methods', async () => {
    assertError(
      await call(cp.endpoint, 'GET', '/v20190125/nothing'),
      'NotFoundException',
      404,
      'No App Mesh operation',
    );
    assertError(await call(cp.endpoint, 'GET', '/'), 'NotFoundException', 404);
    assertError(await call(cp.endpoint, 'POST', '/v20190125/meshes'), 'NotFoundException', 404, 'POST');
    assertError(await call(cp.endpoint, 'DELETE', '/v20190125/meshes'), 'NotFoundException', 404);
  });

  test('malformed percent-encoding in a label', async () => {
    assertError(await call(cp.endpoint, 'GET', '/v20190125/meshes/%E0%A4%A'), 'BadRequestException', 400);
  });

  test('an unsupported HTTP method still gets an App Mesh error', async () => {
    const status = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const req = request(`${cp.endpoint}/v20190125/meshes`, { method: 'PROPFIND' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, type: res.headers['x-amzn-errortype'] as string | undefined });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status.status, 404);
    assert.match(status.type ?? '', /^NotFoundException/);
  });

  test('none of the rejected requests created anything', async () => {
    const res = await call(cp.endpoint, 'GET', '/v20190125/meshes');
    assert.deepEqual(
      (res.json.meshes as { meshName: string }[]).map((m) => m.meshName),
      ['wire'],
    );
  });
});
