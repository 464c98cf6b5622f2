// The real @grpc/grpc-js-xds client resolves xds:///echo-svc through our ADS server and completes an RPC.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { packAny } from '../../src/xds/protos/any.ts';
import { createResource } from '../../src/xds/protos/resource.ts';
import { extensionTypeUrls, typeUrls } from '../../src/xds/protos/type-urls.ts';
import { Snapshot } from '../../src/xds/server/snapshot.ts';
import type { ClientInfo } from '../../src/xds/server/client-status.ts';
import { startServer } from './fixtures.ts';
import { waitFor } from '../support/wait-for.ts';
import type { RunningServer } from './fixtures.ts';

// A unary method with raw bytes in and out, so the test service needs no proto of its own.
const echoService: grpc.ServiceDefinition = {
  Echo: {
    path: '/switchyard.test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

let xds: RunningServer;
let backend: grpc.Server;
let backendPort: number;
const connected: ClientInfo[] = [];

before(async () => {
  grpcXds.register();
  backend = new grpc.Server();
  backend.addService(echoService, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) =>
      done(null, Buffer.concat([Buffer.from('echo:'), call.request])),
  });
  backendPort = await new Promise<number>((resolve, reject) =>
    backend.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  xds = await startServer({ callbacks: { onConnect: (c) => connected.push(c) } });
});
after(async () => {
  await xds.close();
  backend.forceShutdown();
});

function minimalGrpcSnapshot(port: number): Snapshot {
  const hcm = packAny(extensionTypeUrls.httpConnectionManager, {
    rds: { route_config_name: 'echo-route', config_source: { ads: {}, resource_api_version: 'V3' } },
    http_filters: [
      { name: 'envoy.filters.http.router', typed_config: packAny(extensionTypeUrls.router, {}) },
    ],
  });
  return new Snapshot([
    createResource(typeUrls.listener, { name: 'echo-svc', api_listener: { api_listener: hcm } }),
    createResource(typeUrls.routeConfiguration, {
      name: 'echo-route',
      virtual_hosts: [
        { name: 'vh', domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: 'c-a' } }] },
      ],
    }),
    createResource(typeUrls.cluster, {
      name: 'c-a',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {} }, service_name: 'c-a-eds' },
      lb_policy: 'ROUND_ROBIN',
    }),
    createResource(typeUrls.clusterLoadAssignment, {
      cluster_name: 'c-a-eds',
      endpoints: [
        {
          locality: { region: 'local', zone: 'a' },
          load_balancing_weight: { value: 1 },
          lb_endpoints: [
            {
              endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } },
              health_status: 'HEALTHY',
            },
          ],
        },
      ],
    }),
  ]);
}

test('grpc-js-xds resolves xds:///echo-svc from our snapshot and the RPC reaches the backend', async () => {
  xds.cache.setSnapshot('smoke-node', minimalGrpcSnapshot(backendPort));
  const bootstrap = {
    xds_servers: [{ server_uri: `127.0.0.1:${xds.port}`, channel_creds: [{ type: 'insecure' }] }],
    node: { id: 'smoke-node', locality: {} },
  };
  const Echo = grpc.makeGenericClientConstructor(echoService, 'Echo');
  const client = new Echo('xds:///echo-svc', grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
  });
  try {
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        echoService.Echo!.path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from('hi'),
        new grpc.Metadata(),
        { deadline: Date.now() + 10000 },
        (err, res) => (err || res === undefined ? reject(err ?? new Error('no response')) : resolve(res)),
      ),
    );
    assert.equal(reply.toString(), 'echo:hi');
    const smoke = () => xds.server.clients().find((c) => c.nodeId === 'smoke-node');
    // The client ACKs each type (LDS, RDS, CDS, EDS) at the version we sent, and NACKs nothing.
    await waitFor('grpc-js-xds to ACK every type', () => {
      const types = smoke()?.types ?? [];
      return types.length === 4 && types.every((t) => t.lastAckedVersion === t.lastSentVersion);
    });
    for (const t of smoke()!.types)
      assert.equal(t.lastNack, undefined, `${t.typeUrl} NACKed: ${t.lastNack?.message}`);
    assert.equal(smoke()?.userAgentName, 'gRPC Node Pure JS');
    assert.ok(connected.some((c) => c.nodeId === 'smoke-node'));
  } finally {
    client.close();
  }
});
