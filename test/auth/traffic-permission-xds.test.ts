// A permission written through the API reaches the serving node's proxy over ADS: its inbound listener gains
// the RBAC filter before the router (decoded from the wire), loses it when the permission is deleted, and a
// node that does not serve the service is left alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { unpackAny } from '../../src/xds/protos/any.ts';
import type { DiscoveryResponse__Output } from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { call, startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { MeshApiClient } from '../support/mesh-api-client.ts';
import { AdsTestClient, testNode, type SotwStream } from '../xds/ads-test-client.ts';

const mesh = 'm';
const service = 'color.m.local';
const permissionUrl = `/switchyard/v1/meshes/${mesh}/trafficPermissions/front-to-color`;

let cp: TestControlPlane;
let api: MeshApiClient;
let ads: AdsTestClient;

interface AnyMessage {
  readonly type_url: string;
  readonly value: Buffer;
}
interface ListenerView {
  readonly name: string;
  readonly traffic_direction: string;
  readonly filter_chains: { filters: { typed_config: AnyMessage }[] }[];
}
interface RbacView {
  readonly rules: { action: string; policies: Record<string, { principals: unknown[] }> };
}

before(async () => {
  cp = await startTestControlPlane([], { mtls: 'strict' });
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh(mesh);
  const httpNode = (name: string) => ({
    listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }],
    serviceDiscovery: { dns: { hostname: `${name}.m.local` } },
  });
  await api.createNode(mesh, 'color', httpNode('color'));
  await api.createNode(mesh, 'front', httpNode('front'));
  await api.createService(mesh, service, { provider: { virtualNode: { virtualNodeName: 'color' } } });
  ads = new AdsTestClient(cp.running.xdsAddress.port);
});

after(async () => {
  ads?.close();
  api?.close();
  await cp?.close();
});

/** The HTTP filter names of each inbound chain, and the RBAC config when there is one. */
function inboundFilters(res: DiscoveryResponse__Output): { names: string[][]; rbac: RbacView | undefined } {
  const listeners = res.resources.map((r) => unpackAny(r) as unknown as ListenerView);
  const inbound = listeners.find((l) => l.traffic_direction === 'INBOUND');
  assert.ok(inbound, 'an inbound listener');
  let rbac: RbacView | undefined;
  const names = inbound.filter_chains.map((chain) => {
    const hcm = unpackAny(chain.filters[0]!.typed_config) as unknown as {
      http_filters: { name: string; typed_config: AnyMessage }[];
    };
    for (const filter of hcm.http_filters)
      if (filter.name === 'envoy.filters.http.rbac')
        rbac = unpackAny(filter.typed_config) as unknown as RbacView;
    return hcm.http_filters.map((f) => f.name);
  });
  return { names, rbac };
}

async function subscribe(node: string): Promise<{ stream: SotwStream; first: DiscoveryResponse__Output }> {
  const stream = ads.sotw();
  stream.send({
    node: testNode(`mesh/${mesh}/virtualNode/${node}`),
    type_url: typeUrls.listener,
    resource_names: [],
  });
  const first = await stream.inbox.next('listeners');
  stream.send({
    type_url: typeUrls.listener,
    resource_names: [],
    response_nonce: first.nonce,
    version_info: first.version_info,
  });
  return { stream, first };
}

async function nextListeners(stream: SotwStream): Promise<DiscoveryResponse__Output> {
  const res = await stream.inbox.next('a listener update');
  stream.send({
    type_url: typeUrls.listener,
    resource_names: [],
    response_nonce: res.nonce,
    version_info: res.version_info,
  });
  return res;
}

test('writing and deleting a permission adds and removes the RBAC filter on the serving node only', async () => {
  const color = await subscribe('color');
  const front = await subscribe('front');
  assert.deepEqual(inboundFilters(color.first).names, [['envoy.filters.http.router']]);

  const created = await call(cp.endpoint, 'PUT', permissionUrl, {
    spec: {
      virtualServiceName: service,
      allow: [{ from: [{ virtualNodeName: 'front' }], methods: ['GET'] }],
    },
  });
  assert.equal(created.status, 201);
  const withRbac = inboundFilters(await nextListeners(color.stream));
  assert.deepEqual(withRbac.names, [['envoy.filters.http.rbac', 'envoy.filters.http.router']]);
  assert.equal(withRbac.rbac?.rules.action, 'ALLOW');
  // color serves no other service, so nothing but the permission admits a request.
  assert.deepEqual(Object.keys(withRbac.rbac?.rules.policies ?? {}).sort(), [
    `mesh/${mesh}/trafficPermission/front-to-color[0]`,
  ]);
  const principals = withRbac.rbac?.rules.policies[`mesh/${mesh}/trafficPermission/front-to-color[0]`]
    ?.principals as { authenticated: { principal_name: { exact: string } } }[];
  assert.deepEqual(
    principals.map((p) => p.authenticated.principal_name.exact),
    [`spiffe://switchyard.local/mesh/${mesh}/virtualNode/front`],
  );

  assert.equal((await call(cp.endpoint, 'DELETE', permissionUrl)).status, 200);
  assert.deepEqual(inboundFilters(await nextListeners(color.stream)).names, [['envoy.filters.http.router']]);

  // The node that only calls the service got nothing new in all that time (its listeners did not change).
  await assert.rejects(front.stream.inbox.next('no update for front', 500));
});
