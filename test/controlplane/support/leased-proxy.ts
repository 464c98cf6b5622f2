// Child process of instance-lifetime.test.ts: an xDS client that presents a proxy token, as a sidecar will,
// prints "connected" once the control plane answers, then holds its stream until it is killed.

import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition } from '../../../src/xds/protos/ads-service.ts';
import type { Node } from '../../../src/xds/protos/index.ts';
import { typeUrls } from '../../../src/xds/protos/type-urls.ts';

const [port, nodeId, token] = process.argv.slice(2);
if (!port || !nodeId || !token) throw new Error('usage: leased-proxy.ts <xdsPort> <nodeId> <token>');

const node: Node = {
  id: nodeId,
  cluster: nodeId.split('/').at(-1) ?? nodeId,
  user_agent_name: 'switchyard-proxy',
  user_agent_version: 'test',
  metadata: { fields: { 'switchyard.proxy_token': { stringValue: token } } } as unknown as Node['metadata'],
};
const definition = adsServiceDefinition().StreamAggregatedResources;
const Client = grpc.makeGenericClientConstructor(
  adsServiceDefinition() as unknown as grpc.ServiceDefinition,
  'AggregatedDiscoveryService',
);
const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const call = client.makeBidiStreamRequest(
  definition.path,
  definition.requestSerialize,
  definition.responseDeserialize,
);
let announced = false;
call.on('data', () => {
  if (announced) return;
  announced = true;
  process.stdout.write('connected\n');
});
call.on('error', (error: Error) => {
  process.stderr.write(`stream failed: ${error.message}\n`);
  process.exit(1);
});
call.write({ node, type_url: typeUrls.cluster, resource_names: [] });
