// Client-policy TLS in translation: which egress clusters originate TLS (enforce, ports, per-backend over
// defaults, gateway defaults, the mesh mTLS switch) and with what (SNI, ALPN, certificate, trust, SAN rules).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionTypeUrls } from '../protos/index.ts';
import type { EnvoyResources } from './envoy-resources.ts';
import type { MeshSecurity } from './mesh-security.ts';
import { decodeAny, meshState, record, route, router, routerService } from './test-fixtures.ts';
import { translateGateway } from './translate-gateway.ts';
import { translateGrpcNode } from './translate-grpc-node.ts';
import { translateSidecar } from './translate-sidecar.ts';

const fileTrust = { trust: { file: { certificateChain: '/certs/ca.pem' } } };
const sdsTrust = { trust: { sds: { secretName: 'bundle' } } };
const permissive: MeshSecurity = { mtls: 'permissive', trustDomain: 'example.org' };

/** Services `a.local` (node a, http 8080) and `b.local` (node b, grpc 9090 and http 8080). */
const providers = [
  record('virtualNode', 'a', {
    listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    serviceDiscovery: { dns: { hostname: 'a.internal' } },
  }),
  record('virtualNode', 'b', {
    listeners: [
      { portMapping: { port: 9090, protocol: 'grpc' } },
      { portMapping: { port: 8080, protocol: 'http' } },
    ],
    serviceDiscovery: { dns: { hostname: 'b.internal' } },
  }),
  record('virtualService', 'a.local', { provider: { virtualNode: { virtualNodeName: 'a' } } }),
  record('virtualService', 'b.local', { provider: { virtualNode: { virtualNodeName: 'b' } } }),
];

function client(spec: object, security?: MeshSecurity): EnvoyResources {
  return translateSidecar(meshState({}, record('virtualNode', 'web', spec), ...providers), 'web', new Map(), {
    security,
  });
}

const backends = (...names: string[]) =>
  names.map((virtualServiceName) => ({ virtualService: { virtualServiceName } }));

function upstream(out: EnvoyResources, cluster: string) {
  const found = out.clusters.find((c) => c.name === cluster);
  assert.ok(found, `no cluster ${cluster}`);
  if (!found.transport_socket) return undefined;
  assert.equal(found.transport_socket.name, 'envoy.transport_sockets.tls');
  return decodeAny(found.transport_socket.typed_config, extensionTypeUrls.upstreamTlsContext);
}

const clusterA = 'cds_egress_m_a_http_8080';
const clusterBGrpc = 'cds_egress_m_b_grpc_9090';
const clusterBHttp = 'cds_egress_m_b_http_8080';

test('no client policy and mesh mTLS off: plaintext everywhere', () => {
  const out = client({ backends: backends('a.local', 'b.local') });
  for (const name of [clusterA, clusterBGrpc, clusterBHttp]) assert.equal(upstream(out, name), undefined);
  assert.equal(out.warnings, undefined);
});

test('backend defaults: SNI is the virtual service, ALPN per target protocol, file trust and SANs', () => {
  const out = client({
    backends: backends('a.local', 'b.local'),
    backendDefaults: {
      clientPolicy: {
        tls: { validation: { ...fileTrust, subjectAlternativeNames: { match: { exact: ['a.internal'] } } } },
      },
    },
  });
  const a = upstream(out, clusterA)!;
  assert.equal(a.sni, 'a.local');
  const common = a.common_tls_context!;
  assert.deepEqual(common.alpn_protocols, ['http/1.1']);
  assert.equal(common.validation_context?.trusted_ca?.filename, '/certs/ca.pem');
  assert.deepEqual(
    common.validation_context?.match_typed_subject_alt_names.map((m) => [m.san_type, m.matcher?.exact]),
    [
      ['DNS', 'a.internal'],
      ['URI', 'a.internal'],
    ],
  );
  assert.deepEqual(common.tls_certificates, []);
  assert.deepEqual(common.tls_certificate_sds_secret_configs, []);
  const grpc = upstream(out, clusterBGrpc)!;
  assert.equal(grpc.sni, 'b.local');
  assert.deepEqual(grpc.common_tls_context?.alpn_protocols, ['h2']);
});

test('enforce: false means plaintext; ports limit TLS to the listed target listener ports', () => {
  const off = client({
    backends: backends('a.local'),
    backendDefaults: { clientPolicy: { tls: { enforce: false, validation: fileTrust } } },
  });
  assert.equal(upstream(off, clusterA), undefined);
  const ports = client({
    backends: backends('b.local'),
    backendDefaults: { clientPolicy: { tls: { ports: [9090], validation: fileTrust } } },
  });
  assert.ok(upstream(ports, clusterBGrpc));
  assert.equal(upstream(ports, clusterBHttp), undefined);
});

test('a per-backend policy wins over the defaults, in both directions', () => {
  const out = client({
    backends: [
      {
        virtualService: {
          virtualServiceName: 'a.local',
          clientPolicy: {
            tls: {
              certificate: { sds: { secretName: 'web-cert' } },
              validation: { ...sdsTrust, subjectAlternativeNames: { match: { exact: ['spiffe://x/a'] } } },
            },
          },
        },
      },
      {
        virtualService: {
          virtualServiceName: 'b.local',
          clientPolicy: { tls: { enforce: false, validation: fileTrust } },
        },
      },
    ],
    backendDefaults: {
      clientPolicy: {
        tls: {
          certificate: { file: { certificateChain: '/c.pem', privateKey: '/k.pem' } },
          validation: fileTrust,
        },
      },
    },
  });
  const common = upstream(out, clusterA)!.common_tls_context!;
  assert.equal(common.tls_certificate_sds_secret_configs[0]?.name, 'web-cert');
  assert.deepEqual(common.tls_certificates, []);
  const combined = common.combined_validation_context!;
  assert.equal(combined.validation_context_sds_secret_config?.name, 'bundle');
  assert.equal(
    combined.default_validation_context?.match_typed_subject_alt_names[1]?.matcher?.exact,
    'spiffe://x/a',
  );
  assert.equal(upstream(out, clusterBGrpc), undefined);
  assert.equal(upstream(out, clusterBHttp), undefined);
});

test('a file client certificate for mTLS; SDS trust without SANs is the plain SDS validation secret', () => {
  const out = client({
    backends: backends('a.local'),
    backendDefaults: {
      clientPolicy: {
        tls: {
          certificate: { file: { certificateChain: '/c.pem', privateKey: '/k.pem' } },
          validation: sdsTrust,
        },
      },
    },
  });
  const common = upstream(out, clusterA)!.common_tls_context!;
  assert.equal(common.tls_certificates[0]?.certificate_chain?.filename, '/c.pem');
  assert.equal(common.tls_certificates[0]?.private_key?.filename, '/k.pem');
  assert.equal(common.validation_context_sds_secret_config?.name, 'bundle');
});

test('ACM trust: the CA ARN names the SDS validation secret; beyond the first CA a warning, never open trust', () => {
  const arns = [
    'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/one',
    'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/two',
  ];
  const one = client({
    backends: backends('a.local'),
    backendDefaults: {
      clientPolicy: { tls: { validation: { trust: { acm: { certificateAuthorityArns: [arns[0]] } } } } },
    },
  });
  assert.equal(
    upstream(one, clusterA)!.common_tls_context?.validation_context_sds_secret_config?.name,
    arns[0],
  );
  assert.equal(one.warnings, undefined);
  const two = client({
    backends: backends('a.local'),
    backendDefaults: {
      clientPolicy: { tls: { validation: { trust: { acm: { certificateAuthorityArns: arns } } } } },
    },
  });
  assert.equal(
    upstream(two, clusterA)!.common_tls_context?.validation_context_sds_secret_config?.name,
    arns[0],
  );
  assert.equal(two.warnings?.length, 1);
  assert.match(
    two.warnings![0]!,
    /^spec\.backendDefaults\.clientPolicy\.tls\.validation\.trust\.acm\.certificateAuthorityArns: only the first of 2/,
  );
});

test('mesh mTLS: backends without a policy get the built-in identity, the bundle and the mesh prefix', () => {
  const out = client(
    {
      backends: [
        { virtualService: { virtualServiceName: 'a.local' } },
        {
          virtualService: {
            virtualServiceName: 'b.local',
            clientPolicy: { tls: { enforce: false, validation: fileTrust } },
          },
        },
      ],
    },
    permissive,
  );
  const context = upstream(out, clusterA)!;
  assert.equal(context.sni, 'a.local');
  const common = context.common_tls_context!;
  assert.equal(
    common.tls_certificate_sds_secret_configs[0]?.name,
    'spiffe://example.org/mesh/m/virtualNode/web',
  );
  const combined = common.combined_validation_context!;
  assert.equal(combined.validation_context_sds_secret_config?.name, 'spiffe://example.org');
  assert.deepEqual(
    combined.default_validation_context?.match_typed_subject_alt_names.map((m) => [
      m.san_type,
      m.matcher?.prefix,
    ]),
    [
      ['DNS', 'spiffe://example.org/mesh/m/'],
      ['URI', 'spiffe://example.org/mesh/m/'],
    ],
  );
  // Its own policy (here: no TLS) wins over the switch.
  assert.equal(upstream(out, clusterBGrpc), undefined);
});

test('gateway backend defaults: TLS to every target, SNI the target service behind the router', () => {
  const state = meshState(
    {},
    ...providers,
    routerService('shop.local', 'r'),
    router('r', [8080, 'http']),
    route('r', 'to-a', {
      httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } },
    }),
    record('virtualGateway', 'gw', {
      listeners: [{ portMapping: { port: 80, protocol: 'http' } }],
      backendDefaults: { clientPolicy: { tls: { validation: fileTrust } } },
    }),
    record(
      'gatewayRoute',
      'shop',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 'shop.local' } } },
        },
      },
      'gw',
    ),
  );
  const out = translateGateway(state, 'gw', new Map());
  const context = upstream(out, clusterA)!;
  assert.equal(context.sni, 'shop.local');
  assert.equal(context.common_tls_context?.validation_context?.trusted_ca?.filename, '/certs/ca.pem');
  const meshWide = translateGateway(
    meshState(
      {},
      ...providers,
      record('virtualGateway', 'gw', { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] }),
      record(
        'gatewayRoute',
        'a',
        {
          httpRoute: {
            match: { prefix: '/' },
            action: { target: { virtualService: { virtualServiceName: 'a.local' } } },
          },
        },
        'gw',
      ),
    ),
    'gw',
    new Map(),
    { security: permissive },
  );
  assert.equal(
    upstream(meshWide, clusterA)!.common_tls_context?.tls_certificate_sds_secret_configs[0]?.name,
    'spiffe://example.org/mesh/m/virtualGateway/gw',
  );
});

test('proxyless gRPC nodes get no TLS, and every TLS their spec or the mesh asks for is a warning', () => {
  const spec = {
    backends: [
      { virtualService: { virtualServiceName: 'a.local' } },
      {
        virtualService: {
          virtualServiceName: 'b.local',
          clientPolicy: { tls: { enforce: false, validation: fileTrust } },
        },
      },
    ],
    backendDefaults: { clientPolicy: { tls: { validation: fileTrust } } },
  };
  const state = meshState({}, record('virtualNode', 'web', spec), ...providers);
  const out = translateGrpcNode(state, 'web', new Map(), permissive);
  assert.ok(out.clusters.length > 0);
  assert.ok(out.clusters.every((c) => c.transport_socket == null));
  assert.deepEqual(
    out.warnings?.map((w) => w.split(':')[0]),
    ['spec.backendDefaults.clientPolicy.tls', 'mesh mTLS (permissive) does not cover this node'],
  );
  assert.equal(
    translateGrpcNode(
      meshState({}, record('virtualNode', 'web', { backends: backends('a.local') }), ...providers),
      'web',
      new Map(),
    ).warnings,
    undefined,
  );
});

test('two backends reaching one target listener: the first decides its TLS, other TLS is a warning', () => {
  const alias = [
    routerService('alias.local', 'r'),
    router('r', [8080, 'http']),
    route('r', 'to-a', {
      httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } },
    }),
  ];
  const spec = (aliasPolicy: object) =>
    record('virtualNode', 'web', {
      backends: [
        { virtualService: { virtualServiceName: 'a.local' } },
        { virtualService: { virtualServiceName: 'alias.local', clientPolicy: aliasPolicy } },
      ],
      backendDefaults: { clientPolicy: { tls: { validation: fileTrust } } },
    });
  const same = translateSidecar(meshState({}, spec({}), ...providers, ...alias), 'web', new Map());
  assert.equal(upstream(same, clusterA)?.sni, 'a.local');
  assert.equal(same.warnings, undefined);
  const other = translateSidecar(
    meshState({}, spec({ tls: { enforce: false, validation: fileTrust } }), ...providers, ...alias),
    'web',
    new Map(),
  );
  assert.equal(upstream(other, clusterA)?.sni, 'a.local');
  assert.deepEqual(other.warnings, [
    'spec.backends[1].virtualService.clientPolicy.tls: a port 8080 is also reached through a.local, whose TLS applies (one cluster per target listener)',
  ]);
});

test('secret references name each SDS secret with the field that asked for it, --mtls for the switch', () => {
  const out = client(
    {
      listeners: [
        {
          portMapping: { port: 7000, protocol: 'http' },
          tls: { mode: 'STRICT', certificate: { sds: { secretName: 'own-cert' } } },
        },
      ],
      serviceDiscovery: { dns: { hostname: 'web.internal' } },
      backends: [
        { virtualService: { virtualServiceName: 'a.local' } },
        {
          virtualService: {
            virtualServiceName: 'b.local',
            clientPolicy: { tls: { validation: sdsTrust } },
          },
        },
      ],
    },
    permissive,
  );
  assert.deepEqual(out.secretReferences, [
    { name: 'bundle', field: 'spec.backends[1].virtualService.clientPolicy.tls' },
    { name: 'own-cert', field: 'spec.listeners[0].tls' },
    { name: 'spiffe://example.org', field: '--mtls' },
    { name: 'spiffe://example.org/mesh/m/virtualNode/web', field: '--mtls' },
  ]);
  assert.equal(client({ backends: backends('a.local') }).secretReferences, undefined);
});
