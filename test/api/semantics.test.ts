// App Mesh semantics behind the API: versions, idempotency, conflicts, references, deletes, quotas, paging, tags.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';

let cp: TestControlPlane;
before(async () => {
  cp = await startTestControlPlane(['meshesPerAccount=6']);
});
after(async () => cp.close());

const api = (method: string, path: string, body?: unknown) =>
  call(cp.endpoint, method, `/v20190125${path}`, body);
const httpListener = (port: number) => ({ portMapping: { port, protocol: 'http' } });
const nodeSpec = (port = 8080) => ({
  listeners: [httpListener(port)],
  serviceDiscovery: { dns: { hostname: 'svc.local' } },
});
const routeSpec = (
  targets: { virtualNode: string; weight: number; port?: number }[],
  extra: object = {},
) => ({
  httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets } },
  ...extra,
});

async function ok(method: string, path: string, body?: unknown) {
  const res = await api(method, path, body);
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.json)}`);
  return res.json;
}

async function fails(method: string, path: string, body: unknown, type: string, fragment: string) {
  const res = await api(method, path, body);
  assert.equal(res.headers.get('x-amzn-errortype')?.split(':')[0], type, JSON.stringify(res.json));
  assert.ok(
    (res.json.message as string).includes(fragment),
    `"${res.json.message as string}" should include "${fragment}"`,
  );
  return res;
}

describe('versions and updates', () => {
  test('update bumps version, keeps uid and createdAt, replaces the whole spec', async () => {
    const created = await ok('PUT', '/meshes', {
      meshName: 'v',
      spec: { egressFilter: { type: 'ALLOW_ALL' } },
    });
    const first = created.metadata as Record<string, number | string>;
    const updated = await ok('PUT', '/meshes/v', {
      spec: { serviceDiscovery: { ipPreference: 'IPv4_ONLY' } },
    });
    const second = updated.metadata as Record<string, number | string>;
    assert.equal(second.version, 2);
    assert.equal(second.uid, first.uid);
    assert.equal(second.createdAt, first.createdAt);
    assert.ok((second.lastUpdatedAt as number) >= (first.lastUpdatedAt as number));
    assert.deepEqual(updated.spec, { serviceDiscovery: { ipPreference: 'IPv4_ONLY' } });
    const deleted = await ok('DELETE', '/meshes/v');
    assert.deepEqual(deleted.status, { status: 'DELETED' });
    assert.equal((deleted.metadata as Record<string, number>).version, 2);
    await fails('GET', '/meshes/v', undefined, 'NotFoundException', 'Mesh with name v is not present');
    const recreated = await ok('PUT', '/meshes', { meshName: 'v' });
    assert.notEqual((recreated.metadata as Record<string, string>).uid, first.uid);
    await ok('DELETE', '/meshes/v');
  });
});

describe('clientToken idempotency', () => {
  test('same token and request: same answer, one write; different request: ConflictException', async () => {
    const body = { meshName: 'idem', clientToken: 'token-1' };
    const first = await ok('PUT', '/meshes', body);
    const replay = await ok('PUT', '/meshes', body);
    assert.deepEqual(replay, first);
    await fails(
      'PUT',
      '/meshes',
      { meshName: 'idem', clientToken: 'token-1', spec: { egressFilter: { type: 'ALLOW_ALL' } } },
      'ConflictException',
      'token-1',
    );
    const update = { clientToken: 'token-2', spec: { egressFilter: { type: 'ALLOW_ALL' } } };
    await ok('PUT', '/meshes/idem', update);
    const again = await ok('PUT', '/meshes/idem', update);
    assert.equal((again.metadata as Record<string, number>).version, 2);
    const described = await ok('GET', '/meshes/idem');
    assert.equal((described.metadata as Record<string, number>).version, 2);
    await fails('PUT', '/meshes', { meshName: 'idem' }, 'ConflictException', 'already exists');
    await ok('DELETE', '/meshes/idem');
  });
});

describe('references and deletes', () => {
  before(async () => {
    await ok('PUT', '/meshes', { meshName: 'shop' });
    await ok('PUT', '/meshes/shop/virtualNodes', { virtualNodeName: 'cart-v1', spec: nodeSpec() });
    await ok('PUT', '/meshes/shop/virtualNodes', { virtualNodeName: 'cart-v2', spec: nodeSpec() });
    await ok('PUT', '/meshes/shop/virtualRouters', {
      virtualRouterName: 'cart',
      spec: { listeners: [httpListener(8080)] },
    });
  });

  test('missing parents and targets are NotFoundException', async () => {
    await fails(
      'PUT',
      '/meshes/nowhere/virtualNodes',
      { virtualNodeName: 'n', spec: {} },
      'NotFoundException',
      'Mesh with name nowhere',
    );
    await fails(
      'PUT',
      '/meshes/shop/virtualRouter/none/routes',
      { routeName: 'r', spec: routeSpec([{ virtualNode: 'cart-v1', weight: 1 }]) },
      'NotFoundException',
      'VirtualRouter with name none',
    );
    await fails(
      'PUT',
      '/meshes/shop/virtualRouter/cart/routes',
      { routeName: 'r', spec: routeSpec([{ virtualNode: 'ghost', weight: 1 }]) },
      'NotFoundException',
      'VirtualNode with name ghost is missing',
    );
    await fails(
      'PUT',
      '/meshes/shop/virtualServices',
      {
        virtualServiceName: 'cart.shop.local',
        spec: { provider: { virtualRouter: { virtualRouterName: 'ghost' } } },
      },
      'NotFoundException',
      'VirtualRouter with name ghost is missing',
    );
    await fails(
      'GET',
      '/meshes/shop/virtualNodes/ghost',
      undefined,
      'NotFoundException',
      'VirtualNode with name ghost is not present under mesh shop',
    );
  });

  test('deletes blocked by dependents say why', async () => {
    await ok('PUT', '/meshes/shop/virtualRouter/cart/routes', {
      routeName: 'split',
      spec: routeSpec([
        { virtualNode: 'cart-v1', weight: 80 },
        { virtualNode: 'cart-v2', weight: 20 },
      ]),
    });
    await ok('PUT', '/meshes/shop/virtualServices', {
      virtualServiceName: 'cart.shop.local',
      spec: { provider: { virtualRouter: { virtualRouterName: 'cart' } } },
    });
    await ok('PUT', '/meshes/shop/virtualServices', {
      virtualServiceName: 'direct.shop.local',
      spec: { provider: { virtualNode: { virtualNodeName: 'cart-v2' } } },
    });
    await ok('PUT', '/meshes/shop/virtualGateways', {
      virtualGatewayName: 'edge',
      spec: { listeners: [httpListener(9000)] },
    });
    await ok('PUT', '/meshes/shop/virtualGateway/edge/gatewayRoutes', {
      gatewayRouteName: 'to-cart',
      spec: {
        httpRoute: {
          match: { prefix: '/cart' },
          action: { target: { virtualService: { virtualServiceName: 'cart.shop.local' } } },
        },
      },
    });

    await fails('DELETE', '/meshes/shop', undefined, 'ResourceInUseException', 'cannot be deleted');
    await fails(
      'DELETE',
      '/meshes/shop/virtualNodes/cart-v1',
      undefined,
      'ResourceInUseException',
      'VirtualNode with name cart-v1 cannot be deleted because it is the target of one or more routes.',
    );
    await ok('PUT', '/meshes/shop/virtualRouter/cart/routes/split', {
      spec: routeSpec([{ virtualNode: 'cart-v1', weight: 1 }]),
    });
    await fails(
      'DELETE',
      '/meshes/shop/virtualNodes/cart-v2',
      undefined,
      'ResourceInUseException',
      'VirtualNode with name cart-v2 cannot be deleted because it is a VirtualService provider',
    );
    await fails(
      'DELETE',
      '/meshes/shop/virtualRouters/cart',
      undefined,
      'ResourceInUseException',
      'VirtualRouter with name cart cannot be deleted because it has one or more routes',
    );
    await fails(
      'DELETE',
      '/meshes/shop/virtualGateways/edge',
      undefined,
      'ResourceInUseException',
      'VirtualGateway with name edge cannot be deleted',
    );
    await fails(
      'DELETE',
      '/meshes/shop/virtualServices/cart.shop.local',
      undefined,
      'ResourceInUseException',
      'VirtualService cart.shop.local is being referenced in the following: GATEWAY_ROUTE',
    );

    await ok('DELETE', '/meshes/shop/virtualGateway/edge/gatewayRoutes/to-cart');
    await ok('DELETE', '/meshes/shop/virtualGateways/edge');
    await ok('DELETE', '/meshes/shop/virtualRouter/cart/routes/split');
    await fails(
      'DELETE',
      '/meshes/shop/virtualRouters/cart',
      undefined,
      'ResourceInUseException',
      'VirtualRouter with name cart cannot be deleted because it is a VirtualService provider',
    );
    await ok('DELETE', '/meshes/shop/virtualServices/cart.shop.local');
    await ok('DELETE', '/meshes/shop/virtualRouters/cart');
    await ok('DELETE', '/meshes/shop/virtualServices/direct.shop.local');
    await ok('DELETE', '/meshes/shop/virtualNodes/cart-v2');
    await ok('DELETE', '/meshes/shop/virtualNodes/cart-v1');
    await ok('DELETE', '/meshes/shop');
  });
});

describe('multiple listeners', () => {
  test('routes need a port match when the router has several listeners', async () => {
    await ok('PUT', '/meshes', { meshName: 'multi' });
    await ok('PUT', '/meshes/multi/virtualNodes', { virtualNodeName: 'n', spec: nodeSpec() });
    await ok('PUT', '/meshes/multi/virtualRouters', {
      virtualRouterName: 'r',
      spec: { listeners: [httpListener(80), httpListener(81)] },
    });
    await fails(
      'PUT',
      '/meshes/multi/virtualRouter/r/routes',
      { routeName: 'a', spec: routeSpec([{ virtualNode: 'n', weight: 1 }]) },
      'BadRequestException',
      'Route must define a port match criteria if the Virtual Router has multiple listeners',
    );
    await ok('PUT', '/meshes/multi/virtualRouter/r/routes', {
      routeName: 'a',
      spec: {
        httpRoute: {
          match: { prefix: '/', port: 81 },
          action: { weightedTargets: [{ virtualNode: 'n', weight: 1 }] },
        },
      },
    });
  });
});

describe('quotas', () => {
  test('a configured quota is enforced with LimitExceededException', async () => {
    const listed = await ok('GET', '/meshes');
    const existing = (listed.meshes as unknown[]).length;
    for (let i = existing; i < 6; i += 1) await ok('PUT', '/meshes', { meshName: `quota-${i}` });
    await fails('PUT', '/meshes', { meshName: 'one-too-many' }, 'LimitExceededException', 'meshesPerAccount');
    for (let i = existing; i < 6; i += 1) await ok('DELETE', `/meshes/quota-${i}`);
  });
});

describe('pagination', () => {
  test('limit and nextToken walk every item exactly once', async () => {
    await ok('PUT', '/meshes', { meshName: 'paged' });
    for (let i = 0; i < 7; i += 1)
      await ok('PUT', '/meshes/paged/virtualNodes', { virtualNodeName: `n${i}`, spec: {} });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `limit=3${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`;
      const page = await ok('GET', `/meshes/paged/virtualNodes?${query}`);
      seen.push(...(page.virtualNodes as { virtualNodeName: string }[]).map((n) => n.virtualNodeName));
      token = page.nextToken as string | undefined;
      pages += 1;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    await fails('GET', '/meshes/paged/virtualNodes?limit=0', undefined, 'BadRequestException', 'limit');
    await fails('GET', '/meshes/paged/virtualNodes?limit=101', undefined, 'BadRequestException', 'limit');
    await fails(
      'GET',
      '/meshes/paged/virtualNodes?nextToken=garbage',
      undefined,
      'BadRequestException',
      'nextToken',
    );
  });
});

describe('tags', () => {
  const arn = 'arn:aws:appmesh:us-east-1:111122223333:mesh/tagged';
  const q = `?resourceArn=${encodeURIComponent(arn)}`;

  test('create, merge, untag, page and cap tags', async () => {
    await ok('PUT', '/meshes', { meshName: 'tagged', tags: [{ key: 'a', value: '1' }] });
    await ok('PUT', `/tag${q}`, {
      tags: [
        { key: 'a', value: '2' },
        { key: 'b', value: '' },
      ],
    });
    assert.deepEqual((await ok('GET', `/tags${q}`)).tags, [
      { key: 'a', value: '2' },
      { key: 'b', value: '' },
    ]);
    await ok('PUT', `/untag${q}`, { tagKeys: ['a'] });
    assert.deepEqual((await ok('GET', `/tags${q}`)).tags, [{ key: 'b', value: '' }]);
    const many = Array.from({ length: 49 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await ok('PUT', `/tag${q}`, { tags: many });
    await fails(
      'PUT',
      `/tag${q}`,
      { tags: [{ key: 'extra', value: 'v' }] },
      'TooManyTagsException',
      '51 tags',
    );
    const first = await ok('GET', `/tags${q}&limit=30`);
    assert.equal((first.tags as unknown[]).length, 30);
    const second = await ok(
      'GET',
      `/tags${q}&limit=30&nextToken=${encodeURIComponent(first.nextToken as string)}`,
    );
    assert.equal((second.tags as unknown[]).length, 20);
    assert.equal(second.nextToken, undefined);
    await fails('GET', `/tags${q}&limit=51`, undefined, 'BadRequestException', 'limit');
    await fails(
      'PUT',
      '/meshes',
      { meshName: 'too-many', tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })) },
      'BadRequestException',
      'tags',
    );
    await fails(
      'GET',
      `/tags?resourceArn=${encodeURIComponent('arn:aws:appmesh:eu-west-1:111122223333:mesh/tagged')}`,
      undefined,
      'NotFoundException',
      'not present',
    );
    await fails('GET', '/tags?resourceArn=nonsense', undefined, 'BadRequestException', 'resourceArn');
    await ok('DELETE', '/meshes/tagged');
  });

  test('meshOwner selects only this account', async () => {
    await ok('PUT', '/meshes', { meshName: 'owned' });
    await ok('GET', '/meshes/owned?meshOwner=111122223333');
    await fails('GET', '/meshes/owned?meshOwner=999999999999', undefined, 'NotFoundException', 'owned');
    await fails(
      'GET',
      '/meshes/owned/virtualNodes?meshOwner=12',
      undefined,
      'BadRequestException',
      'meshOwner',
    );
    await ok('DELETE', '/meshes/owned');
  });
});
