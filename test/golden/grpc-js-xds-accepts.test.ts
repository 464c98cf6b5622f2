// The proxyless gRPC form of every example passes grpc-js-xds's own resource validation (the code that decides
// ACK or NACK in a real client), not just our reading of it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { packAny } from '../../src/xds/protos/index.ts';
import { allTranslations, typedResources } from './translations.ts';

interface DecodeResult {
  readonly name: string;
  readonly error?: string;
}
interface ResourceType {
  decode(context: object, resource: { type_url: string; value: Buffer }): DecodeResult;
}
type ResourceTypeClass = { get(): ResourceType };

const require = createRequire(import.meta.url);
const build = '@grpc/grpc-js-xds/build/src/';
// Registers the xDS resolver and the HTTP filters (router) the listener validation looks up.
(require('@grpc/grpc-js-xds') as { register(): void }).register();
const { validateBootstrapConfig } = require(`${build}xds-bootstrap.js`) as {
  validateBootstrapConfig(config: object): { xdsServers: object[] };
};
const resourceTypes: Record<string, ResourceType> = Object.fromEntries(
  (
    [
      ['listener-resource-type.js', 'ListenerResourceType'],
      ['route-config-resource-type.js', 'RouteConfigurationResourceType'],
      ['cluster-resource-type.js', 'ClusterResourceType'],
      ['endpoint-resource-type.js', 'EndpointResourceType'],
    ] as const
  ).map(([file, exported]) => {
    const type = (require(`${build}xds-resource-type/${file}`) as Record<string, ResourceTypeClass>)[
      exported
    ]!.get();
    return [(type as unknown as { getFullTypeUrl(): string }).getFullTypeUrl(), type];
  }),
);

const bootstrap = validateBootstrapConfig({
  xds_servers: [{ server_uri: '127.0.0.1:1', channel_creds: [{ type: 'insecure' }] }],
  node: { id: 'test', locality: {} },
});
const context = { server: bootstrap.xdsServers[0], bootstrap };

for (const { label, resources } of allTranslations().filter((t) => t.label.includes('gRPC client'))) {
  test(`grpc-js-xds accepts: ${label}`, () => {
    const rows = typedResources(resources);
    const errors = rows.flatMap(({ typeUrl, name, message }) => {
      const type = resourceTypes[typeUrl];
      if (!type) return [`${name}: ${typeUrl} is not a type gRPC clients subscribe to`];
      const result = type.decode(context, packAny(typeUrl, message));
      return result.error ? [`${name}: ${result.error}`] : [];
    });
    assert.deepEqual(errors, []);
  });
}

test('the same check rejects what grpc-js-xds NACKs (a STATIC cluster, a locality without weight)', () => {
  const cluster = resourceTypes['type.googleapis.com/envoy.config.cluster.v3.Cluster']!.decode(
    context,
    packAny('type.googleapis.com/envoy.config.cluster.v3.Cluster', { name: 'c', type: 'STATIC' }),
  );
  assert.match(cluster.error ?? '', /validation failed/);
  const cla = resourceTypes['type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment']!.decode(
    context,
    packAny('type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', {
      cluster_name: 'c',
      endpoints: [
        { lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'host', port_value: 1 } } } }] },
      ],
    }),
  );
  assert.ok(cla.error, 'a CLA without locality and with a hostname must be rejected');
});
