// Every request maps to the action and resource AWS would check: App Mesh operations, registry calls, the rest.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestAction } from './request-action.ts';

const scope = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };
const arn = (path: string) => `arn:aws:appmesh:eu-west-1:111122223333:${path}`;
const sd = (path: string) => `arn:aws:servicediscovery:eu-west-1:111122223333:${path}`;

const table: readonly [method: string, url: string, action: string, resource: string][] = [
  ['GET', '/v20190125/meshes', 'appmesh:ListMeshes', '*'],
  ['PUT', '/v20190125/meshes', 'appmesh:CreateMesh', arn('mesh/*')],
  ['GET', '/v20190125/meshes/shop', 'appmesh:DescribeMesh', arn('mesh/shop')],
  ['PUT', '/v20190125/meshes/shop', 'appmesh:UpdateMesh', arn('mesh/shop')],
  ['DELETE', '/v20190125/meshes/shop', 'appmesh:DeleteMesh', arn('mesh/shop')],
  ['GET', '/v20190125/meshes/shop/virtualNodes', 'appmesh:ListVirtualNodes', arn('mesh/shop')],
  ['PUT', '/v20190125/meshes/shop/virtualNodes', 'appmesh:CreateVirtualNode', arn('mesh/shop/virtualNode/*')],
  [
    'GET',
    '/v20190125/meshes/shop/virtualNodes/cart',
    'appmesh:DescribeVirtualNode',
    arn('mesh/shop/virtualNode/cart'),
  ],
  [
    'GET',
    '/v20190125/meshes/shop/virtualServices/a.b%2Fc',
    'appmesh:DescribeVirtualService',
    arn('mesh/shop/virtualService/a.b/c'),
  ],
  [
    'DELETE',
    '/v20190125/meshes/shop/virtualRouters/r',
    'appmesh:DeleteVirtualRouter',
    arn('mesh/shop/virtualRouter/r'),
  ],
  [
    'GET',
    '/v20190125/meshes/shop/virtualRouter/r/routes',
    'appmesh:ListRoutes',
    arn('mesh/shop/virtualRouter/r'),
  ],
  [
    'PUT',
    '/v20190125/meshes/shop/virtualRouter/r/routes/x',
    'appmesh:UpdateRoute',
    arn('mesh/shop/virtualRouter/r/route/x'),
  ],
  [
    'GET',
    '/v20190125/meshes/shop/virtualGateway/g/gatewayRoutes',
    'appmesh:ListGatewayRoutes',
    arn('mesh/shop/virtualGateway/g'),
  ],
  [
    'DELETE',
    '/v20190125/meshes/shop/virtualGateway/g/gatewayRoutes/x',
    'appmesh:DeleteGatewayRoute',
    arn('mesh/shop/virtualGateway/g/gatewayRoute/x'),
  ],
  [
    'GET',
    '/v20190125/meshes/shop/virtualGateways?meshOwner=444455556666',
    'appmesh:ListVirtualGateways',
    'arn:aws:appmesh:eu-west-1:444455556666:mesh/shop',
  ],
  [
    'PUT',
    `/v20190125/tag?resourceArn=${encodeURIComponent(arn('mesh/shop'))}`,
    'appmesh:TagResource',
    arn('mesh/shop'),
  ],
  [
    'GET',
    `/v20190125/tags?resourceArn=${encodeURIComponent(arn('mesh/shop'))}`,
    'appmesh:ListTagsForResource',
    arn('mesh/shop'),
  ],
  ['GET', '/switchyard/v1/registry/namespaces', 'servicediscovery:ListNamespaces', '*'],
  [
    'PUT',
    '/switchyard/v1/registry/namespaces/ns',
    'servicediscovery:CreateHttpNamespace',
    sd('namespace/ns'),
  ],
  [
    'GET',
    '/switchyard/v1/registry/namespaces/ns/services/cart/instances',
    'servicediscovery:DiscoverInstances',
    sd('service/ns/cart'),
  ],
  [
    'PUT',
    '/switchyard/v1/registry/namespaces/ns/services/cart/instances/i1',
    'servicediscovery:RegisterInstance',
    sd('service/ns/cart'),
  ],
  [
    'DELETE',
    '/switchyard/v1/registry/namespaces/ns/services/cart/instances/i1',
    'servicediscovery:DeregisterInstance',
    sd('service/ns/cart'),
  ],
  [
    'PUT',
    '/switchyard/v1/registry/namespaces/ns/services/cart/instances/i1/health',
    'servicediscovery:UpdateInstanceCustomHealthStatus',
    sd('service/ns/cart'),
  ],
  [
    'PUT',
    '/switchyard/v1/registry/meshes/shop/virtualNodes/cart/instances/i1',
    'servicediscovery:RegisterInstance',
    arn('mesh/shop/virtualNode/cart'),
  ],
  ['GET', '/switchyard/v1/xds/clients', 'switchyard:GetXdsClients', '*'],
];

describe('request actions', () => {
  for (const [method, url, action, resource] of table) {
    it(`${method} ${url} → ${action} on ${resource}`, () => {
      assert.deepEqual(requestAction(method, url, scope), { action, resource });
    });
  }

  it('takes the name of a created resource from the body', () => {
    const body = (value: unknown) => Buffer.from(JSON.stringify(value));
    assert.deepEqual(requestAction('PUT', '/v20190125/meshes', scope, body({ meshName: 'shop', spec: {} })), {
      action: 'appmesh:CreateMesh',
      resource: arn('mesh/shop'),
    });
    assert.deepEqual(
      requestAction('PUT', '/v20190125/meshes/shop/virtualRouter/r/routes', scope, body({ routeName: 'x' })),
      { action: 'appmesh:CreateRoute', resource: arn('mesh/shop/virtualRouter/r/route/x') },
    );
    assert.equal(
      requestAction('PUT', '/v20190125/meshes', scope, Buffer.from('{oops'))?.resource,
      arn('mesh/*'),
    );
    // The handler's decoder skips a byte order mark; the name checked must be the name it creates.
    assert.equal(
      requestAction('PUT', '/v20190125/meshes', scope, Buffer.from('\uFEFF{"meshName":"prod","spec":{}}'))
        ?.resource,
      arn('mesh/prod'),
    );
  });

  it('has no action for paths no operation serves', () => {
    assert.equal(requestAction('GET', '/v20190125/nothing', scope), undefined);
    assert.equal(requestAction('POST', '/v20190125/meshes/shop', scope), undefined);
    assert.equal(requestAction('GET', '/switchyard/v1/registry/what', scope), undefined);
  });

  it('names a /switchyard/v1/ action from the route the router picked, and HEAD as GET', () => {
    assert.deepEqual(
      requestAction('POST', '/switchyard/v1/%63a/rot%61te', scope, undefined, '/switchyard/v1/ca/rotate'),
      {
        action: 'switchyard:PostCaRotate',
        resource: '*',
      },
    );
    assert.equal(
      requestAction(
        'GET',
        '/switchyard/v1/ca/identities/m/virtualNode/n',
        scope,
        undefined,
        '/switchyard/v1/ca/identities/:mesh/:kind/:name',
      )?.action,
      'switchyard:GetCaIdentities',
    );
    assert.equal(
      requestAction('HEAD', '/switchyard/v1/xds/clients', scope)?.action,
      'switchyard:GetXdsClients',
    );
    // A route parameter is no collection: the token routes are all `switchyard:*Tokens*`.
    assert.equal(
      requestAction('DELETE', '/switchyard/v1/tokens/abc-1', scope, undefined, '/switchyard/v1/tokens/:id')
        ?.action,
      'switchyard:DeleteTokens',
    );
    assert.equal(
      requestAction('POST', '/switchyard/v1/tokens', scope, undefined, '/switchyard/v1/tokens')?.action,
      'switchyard:PostTokens',
    );
  });
});
