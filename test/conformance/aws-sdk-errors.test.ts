// Conformance: each error the server produces arrives as the SDK's typed exception, and clientToken idempotency.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AppMeshServiceException,
  BadRequestException,
  ConflictException,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  DeleteMeshCommand,
  DeleteVirtualNodeCommand,
  DescribeMeshCommand,
  DescribeVirtualNodeCommand,
  LimitExceededException,
  NotFoundException,
  ResourceInUseException,
  TagResourceCommand,
  TooManyTagsException,
  UpdateMeshCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { arnOf, nodeSpec, routerSpec, sdkClient, weightedRouteSpec } from './sdk-client.ts';

let cp: TestControlPlane;
let client: AppMeshClient;
/** JSON bodies the SDK put on the wire, in order: shows what it generated on our behalf. */
const sentBodies: Record<string, unknown>[] = [];

before(async () => {
  cp = await startTestControlPlane();
  client = sdkClient(cp.endpoint);
  client.middlewareStack.add(
    (next) => (args) => {
      const body = (args.request as { body?: unknown }).body;
      // Recent SDKs hand over the JSON as bytes; older ones as a string.
      const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : body;
      if (typeof text === 'string' && text !== '')
        sentBodies.push(JSON.parse(text) as Record<string, unknown>);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequestBody' },
  );
});
after(async () => {
  client?.destroy();
  await cp?.close();
});

type ErrorClass = abstract new (...args: never[]) => AppMeshServiceException;

/**
 * Asserts the SDK call fails with `type`, the HTTP status and request id are in $metadata, and the message is
 * exactly what the server put on the wire for the same request (sent raw, it changes nothing since it fails).
 */
async function assertTypedError(
  attempt: Promise<unknown>,
  type: ErrorClass,
  status: number,
  raw: { method: string; path: string; body?: unknown },
): Promise<AppMeshServiceException> {
  const error = await attempt.then(
    () => assert.fail(`expected ${type.name}, but the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  assert.ok(error instanceof AppMeshServiceException);
  assert.equal(error.name, type.name);
  assert.equal(error.$fault, 'client');
  assert.equal(error.$metadata.httpStatusCode, status);
  assert.match(error.$metadata.requestId ?? '', /^[\w-]{8,}$/, 'requestId from x-amzn-RequestId');

  const wire = await call(cp.endpoint, raw.method, `/v20190125${raw.path}`, raw.body);
  assert.equal(wire.status, status);
  assert.equal(typeof wire.json.message, 'string');
  assert.equal(error.message, wire.json.message, 'the message must pass through unchanged');
  return error;
}

describe('typed exceptions', () => {
  before(async () => {
    await client.send(new CreateMeshCommand({ meshName: 'errs' }));
    for (const name of ['a', 'b']) {
      await client.send(
        new CreateVirtualNodeCommand({
          meshName: 'errs',
          virtualNodeName: name,
          spec: nodeSpec(`${name}.local`),
        }),
      );
    }
    await client.send(
      new CreateVirtualRouterCommand({ meshName: 'errs', virtualRouterName: 'r', spec: routerSpec }),
    );
    await client.send(
      new CreateRouteCommand({
        meshName: 'errs',
        virtualRouterName: 'r',
        routeName: 'to-a',
        spec: weightedRouteSpec([{ node: 'a', weight: 1 }]),
      }),
    );
  });

  test('NotFoundException for a missing virtual node', async () => {
    const error = await assertTypedError(
      client.send(new DescribeVirtualNodeCommand({ meshName: 'errs', virtualNodeName: 'ghost' })),
      NotFoundException,
      404,
      { method: 'GET', path: '/meshes/errs/virtualNodes/ghost' },
    );
    assert.match(error.message, /VirtualNode with name ghost is not present under mesh errs/);
  });

  test('BadRequestException for an out-of-range port names the field', async () => {
    const spec = nodeSpec('c.local', 70000);
    const error = await assertTypedError(
      client.send(new CreateVirtualNodeCommand({ meshName: 'errs', virtualNodeName: 'c', spec })),
      BadRequestException,
      400,
      { method: 'PUT', path: '/meshes/errs/virtualNodes', body: { virtualNodeName: 'c', spec } },
    );
    assert.match(error.message, /port/);
  });

  test('ConflictException for a duplicate name', async () => {
    await assertTypedError(
      client.send(new CreateVirtualNodeCommand({ meshName: 'errs', virtualNodeName: 'a', spec: {} })),
      ConflictException,
      409,
      { method: 'PUT', path: '/meshes/errs/virtualNodes', body: { virtualNodeName: 'a', spec: {} } },
    );
  });

  test('ResourceInUseException for deleting a route target', async () => {
    const error = await assertTypedError(
      client.send(new DeleteVirtualNodeCommand({ meshName: 'errs', virtualNodeName: 'a' })),
      ResourceInUseException,
      409,
      { method: 'DELETE', path: '/meshes/errs/virtualNodes/a' },
    );
    assert.match(error.message, /VirtualNode with name a cannot be deleted because it is the target of one/);
  });

  test('ResourceInUseException for deleting a mesh that has resources', async () => {
    await assertTypedError(
      client.send(new DeleteMeshCommand({ meshName: 'errs' })),
      ResourceInUseException,
      409,
      { method: 'DELETE', path: '/meshes/errs' },
    );
  });

  test('TooManyTagsException for a 51st tag', async () => {
    const resourceArn = arnOf('mesh/errs/virtualNode/b');
    const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await client.send(new TagResourceCommand({ resourceArn, tags: fifty }));
    const extra = [{ key: 'one-more', value: 'x' }];
    await assertTypedError(
      client.send(new TagResourceCommand({ resourceArn, tags: extra })),
      TooManyTagsException,
      400,
      { method: 'PUT', path: `/tag?resourceArn=${encodeURIComponent(resourceArn)}`, body: { tags: extra } },
    );
  });
});

describe('LimitExceededException', () => {
  let small: TestControlPlane;
  let smallClient: AppMeshClient;
  before(async () => {
    small = await startTestControlPlane(['meshesPerAccount=1']);
    smallClient = sdkClient(small.endpoint);
  });
  after(async () => {
    smallClient?.destroy();
    await small?.close();
  });

  test('a second mesh over a quota of one', async () => {
    await smallClient.send(new CreateMeshCommand({ meshName: 'only' }));
    const error = await smallClient.send(new CreateMeshCommand({ meshName: 'second' })).then(
      () => assert.fail('expected LimitExceededException'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof LimitExceededException, String(error));
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.ok(error.$metadata.requestId);
    const wire = await call(small.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'second' });
    assert.equal(wire.status, 400);
    assert.equal(error.message, wire.json.message);
    assert.match(error.message, /meshesPerAccount/);
  });
});

describe('clientToken through the SDK', () => {
  test('the same explicit clientToken twice returns the same mesh; a changed request conflicts', async () => {
    const input = {
      meshName: 'idem',
      clientToken: 'sdk-token-0001',
      spec: { egressFilter: { type: 'ALLOW_ALL' as const } },
    };
    const first = await client.send(new CreateMeshCommand(input));
    const second = await client.send(new CreateMeshCommand(input));
    assert.ok(first.mesh?.metadata?.uid);
    assert.equal(second.mesh?.metadata?.uid, first.mesh?.metadata?.uid);
    assert.deepEqual(second.mesh, first.mesh);
    await assert.rejects(
      client.send(new CreateMeshCommand({ meshName: 'idem', clientToken: 'sdk-token-0001' })),
      ConflictException,
    );
  });

  test('an UpdateMesh replayed with the same clientToken writes once', async () => {
    await client.send(new CreateMeshCommand({ meshName: 'idem-update' }));
    const input = {
      meshName: 'idem-update',
      clientToken: 'sdk-token-0002',
      spec: { egressFilter: { type: 'ALLOW_ALL' as const } },
    };
    const first = await client.send(new UpdateMeshCommand(input));
    const replay = await client.send(new UpdateMeshCommand(input));
    assert.equal(first.mesh?.metadata?.version, 2);
    assert.deepEqual(replay.mesh, first.mesh);
    const described = await client.send(new DescribeMeshCommand({ meshName: 'idem-update' }));
    assert.equal(described.mesh?.metadata?.version, 2);
  });

  test('without a clientToken the SDK generates a fresh one, so a duplicate name is a ConflictException', async () => {
    await client.send(new CreateMeshCommand({ meshName: 'twice' }));
    const error = await client.send(new CreateMeshCommand({ meshName: 'twice' })).then(
      () => assert.fail('expected ConflictException'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConflictException, String(error));
    assert.equal(error.$metadata.httpStatusCode, 409);
    const tokens = sentBodies.filter((b) => b.meshName === 'twice').map((b) => b.clientToken);
    assert.equal(tokens.length, 2);
    for (const token of tokens) assert.match(String(token), /^[0-9a-f-]{36}$/);
    assert.notEqual(tokens[0], tokens[1]);
  });
});
