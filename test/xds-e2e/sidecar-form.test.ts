// The sidecar form over ADS, as Envoy would fetch it: inbound listener 15000, outbound 15001, egress clusters and
// endpoints for the node's backends; a registry write reaches the ClusterLoadAssignment on the same stream.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { unpackAny } from '../../src/xds/protos/any.ts';
import type { DiscoveryResponse__Output, Node } from '../../src/xds/protos/message-types.ts';
import { typeUrls } from '../../src/xds/protos/type-urls.ts';
import { startTestControlPlane, type TestControlPlane } from '../support/in-process-control-plane.ts';
import { AdsTestClient, testNode, type SotwStream } from '../xds/ads-test-client.ts';
import { MeshApiClient } from '../support/mesh-api-client.ts';

const mesh = 'm';
const egressCluster = 'cds_egress_m_b_http_8080';

let cp: TestControlPlane;
let api: MeshApiClient;
let ads: AdsTestClient;

const envoyNode: Node = {
  ...testNode(`mesh/${mesh}/virtualNode/n`),
  user_agent_name: 'envoy',
  user_agent_version: '1.34.1',
};

before(async () => {
  cp = await startTestControlPlane();
  api = new MeshApiClient(cp.endpoint);
  await api.createMesh(mesh);
  const httpNode = (name: string) => ({
    listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }],
    serviceDiscovery: { awsCloudMap: { namespaceName: 'm.local', serviceName: name } },
  });
  await api.createNode(mesh, 'b', httpNode('b'));
  await api.registerInstance(mesh, 'b', 'b-1', 9001);
  await api.createService(mesh, 'b.m.local', { provider: { virtualNode: { virtualNodeName: 'b' } } });
  await api.createNode(mesh, 'n', {
    ...httpNode('n'),
    backends: [{ virtualService: { virtualServiceName: 'b.m.local' } }],
  });
  ads = new AdsTestClient(cp.running.xdsAddress.port);
});

after(async () => {
  ads?.close();
  api?.close();
  await cp?.close();
});

async function registry(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${cp.endpoint}/switchyard/v1/registry${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(response.status, 200, `${method} ${path}: ${await response.text()}`);
}

type Named = { name?: string; cluster_name?: string } & Record<string, unknown>;

const messages = (res: DiscoveryResponse__Output): Named[] => res.resources.map((r) => unpackAny(r) as Named);
const nameOf = (m: Named): string => m.cluster_name ?? m.name ?? '';

/** Requests `names` of a type (empty: wildcard), ACKs the answer and returns its resources. */
async function fetchAndAck(s: SotwStream, typeUrl: string, names: string[], first = false): Promise<Named[]> {
  s.send({ ...(first ? { node: envoyNode } : {}), type_url: typeUrl, resource_names: names });
  const res = await s.inbox.next(typeUrl);
  assert.equal(res.type_url, typeUrl);
  s.send({
    type_url: typeUrl,
    resource_names: names,
    response_nonce: res.nonce,
    version_info: res.version_info,
  });
  return messages(res);
}

/** `address:port` of each endpoint; with `healthyOnly`, of those a proxy would send traffic to. */
function endpointsOf(assignment: Named, healthyOnly = false): string[] {
  const localities = assignment.endpoints as {
    lb_endpoints: {
      endpoint: { address: { socket_address: { address: string; port_value: number } } };
      health_status: string;
    }[];
  }[];
  return localities
    .flatMap((l) => l.lb_endpoints)
    .filter((e) => !healthyOnly || e.health_status === 'HEALTHY' || e.health_status === 'UNKNOWN')
    .map(
      (e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`,
    )
    .sort();
}

test('an Envoy node gets listeners 15000/15001, egress clusters and endpoints; registry writes update EDS in place', async () => {
  const s = ads.sotw();
  const clusters = await fetchAndAck(s, typeUrls.cluster, [], true);
  assert.deepEqual(clusters.map(nameOf).sort(), [egressCluster, 'cds_ingress_m_n_http_8080']);
  const egress = clusters.find((c) => nameOf(c) === egressCluster)!;
  assert.equal(egress.type, 'EDS');

  const [assignment] = await fetchAndAck(s, typeUrls.clusterLoadAssignment, [egressCluster]);
  assert.equal(nameOf(assignment!), egressCluster);
  assert.deepEqual(endpointsOf(assignment!), ['127.0.0.1:9001']);

  const listeners = await fetchAndAck(s, typeUrls.listener, []);
  const ports = Object.fromEntries(
    listeners.map((l) => [
      nameOf(l),
      (l.address as { socket_address: { port_value: number } }).socket_address.port_value,
    ]),
  );
  assert.deepEqual(ports, { 'lds_ingress_0.0.0.0_15000': 15000, 'lds_egress_0.0.0.0_15001': 15001 });
  const routes = await fetchAndAck(s, typeUrls.routeConfiguration, [
    'rds_egress_http_15001',
    'rds_ingress_http_8080',
  ]);
  assert.deepEqual(routes.map(nameOf).sort(), ['rds_egress_http_15001', 'rds_ingress_http_8080']);
  const streamId = (await api.xdsClients()).find((c) => c.nodeId === envoyNode.id)?.streamId;
  assert.ok(streamId !== undefined);

  await api.registerInstance(mesh, 'b', 'b-2', 9002);
  const update = await s.inbox.next('the endpoint update');
  assert.equal(update.type_url, typeUrls.clusterLoadAssignment, 'only the endpoints changed');
  assert.deepEqual(endpointsOf(messages(update)[0]!), ['127.0.0.1:9001', '127.0.0.1:9002']);
  const clients = await api.xdsClients();
  assert.deepEqual(
    clients.filter((c) => c.nodeId === envoyNode.id).map((c) => [c.streamId, c.userAgentName]),
    [[streamId, 'envoy']],
    'the same stream, never reconnected',
  );
  s.send({
    type_url: typeUrls.clusterLoadAssignment,
    resource_names: [egressCluster],
    response_nonce: update.nonce,
    version_info: update.version_info,
  });

  // Health and deregistration through the registry API reach the same stream.
  await registry('PUT', '/namespaces/m.local/services/b/instances/b-1/health', { health: 'UNHEALTHY' });
  const unhealthy = await s.inbox.next('the update after b-1 turned unhealthy');
  assert.deepEqual(endpointsOf(messages(unhealthy)[0]!, true), ['127.0.0.1:9002']);
  s.send({
    type_url: typeUrls.clusterLoadAssignment,
    resource_names: [egressCluster],
    response_nonce: unhealthy.nonce,
    version_info: unhealthy.version_info,
  });
  await registry('DELETE', '/namespaces/m.local/services/b/instances/b-2');
  const deregistered = await s.inbox.next('the update after b-2 left');
  assert.deepEqual(endpointsOf(messages(deregistered)[0]!, true), []);
  s.call.cancel();
});
