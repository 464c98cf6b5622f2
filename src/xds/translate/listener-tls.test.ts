// Listener TLS in translation: STRICT / PERMISSIVE / DISABLED filter chains on node inbound and gateway listeners,
// each certificate and trust source, SAN rules, ALPN per protocol, XFCC, and the mesh-wide mTLS switch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionTypeUrls } from '../protos/index.ts';
import type { Listener } from './envoy-types.ts';
import type { MeshSecurity } from './mesh-security.ts';
import { decodeAny, meshState, record } from './test-fixtures.ts';
import { translateGateway } from './translate-gateway.ts';
import { translateSidecar } from './translate-sidecar.ts';

const fileCert = { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } };
const permissive: MeshSecurity = { mtls: 'permissive', trustDomain: 'example.org' };
const strict: MeshSecurity = { mtls: 'strict', trustDomain: 'example.org' };

const node = (listeners: object[]) =>
  record('virtualNode', 'app', { listeners, serviceDiscovery: { dns: { hostname: 'app.local' } } });
const listener = (port: number, protocol: string, tls?: object) => ({
  portMapping: { port, protocol },
  ...(tls ? { tls } : {}),
});

function inbound(listeners: object[], security?: MeshSecurity, portPerListener = false): Listener[] {
  return translateSidecar(meshState({}, node(listeners)), 'app', new Map(), {
    security,
    inboundPortPerListener: portPerListener,
  }).listeners.filter((l) => l.traffic_direction === 'INBOUND');
}

function tlsContextOf(chain: NonNullable<Listener['filter_chains']>[number]) {
  assert.equal(chain.transport_socket?.name, 'envoy.transport_sockets.tls');
  return decodeAny(chain.transport_socket?.typed_config, extensionTypeUrls.downstreamTlsContext);
}

function hcmOf(chain: NonNullable<Listener['filter_chains']>[number]) {
  return decodeAny(chain.filters?.[0]?.typed_config, extensionTypeUrls.httpConnectionManager);
}

const inspector = [
  {
    name: 'envoy.filters.listener.tls_inspector',
    typed_config: { type_url: extensionTypeUrls.tlsInspector, value: Buffer.alloc(0) },
  },
];

test('STRICT with file certificates: one TLS chain behind the TLS inspector, both ALPNs, XFCC sanitised', () => {
  const [l] = inbound([listener(8080, 'http', { mode: 'STRICT', certificate: fileCert })]);
  assert.deepEqual(l!.listener_filters, inspector);
  assert.equal(l!.filter_chains!.length, 1);
  const chain = l!.filter_chains![0]!;
  assert.deepEqual(chain.filter_chain_match, { transport_protocol: 'tls' });
  const context = tlsContextOf(chain);
  const common = context.common_tls_context!;
  assert.equal(common.tls_certificates[0]?.certificate_chain?.filename, '/certs/chain.pem');
  assert.equal(common.tls_certificates[0]?.private_key?.filename, '/certs/key.pem');
  assert.deepEqual(common.alpn_protocols, ['h2', 'http/1.1']);
  assert.equal(common.validation_context ?? null, null);
  assert.equal(context.require_client_certificate ?? null, null);
  const hcm = hcmOf(chain);
  assert.equal(hcm.forward_client_cert_details, 'SANITIZE_SET');
  assert.equal(hcm.set_current_client_cert_details?.uri, true);
  assert.equal(hcm.set_current_client_cert_details?.subject?.value, true);
});

test('PERMISSIVE with SDS certificate and SDS trust plus SANs: a TLS chain and a plaintext one, mTLS required', () => {
  const [l] = inbound([
    listener(8080, 'http2', {
      mode: 'PERMISSIVE',
      certificate: { sds: { secretName: 'spiffe://td/app' } },
      validation: {
        trust: { sds: { secretName: 'spiffe://td' } },
        subjectAlternativeNames: { match: { exact: ['spiffe://td/web', 'web.local'] } },
      },
    }),
  ]);
  const [tls, plain, ...rest] = l!.filter_chains!;
  assert.equal(rest.length, 0);
  assert.deepEqual(tls!.filter_chain_match, { transport_protocol: 'tls' });
  assert.deepEqual(plain!.filter_chain_match, { transport_protocol: 'raw_buffer' });
  assert.equal(plain!.name, 'ingress_http2_8080_plaintext');
  assert.equal(plain!.transport_socket, undefined);
  assert.deepEqual(plain!.filters, tls!.filters);
  const context = tlsContextOf(tls!);
  assert.equal(context.require_client_certificate?.value, true);
  const common = context.common_tls_context!;
  assert.deepEqual(
    common.tls_certificate_sds_secret_configs.map((s) => [s.name, s.sds_config?.ads != null]),
    [['spiffe://td/app', true]],
  );
  assert.deepEqual(common.alpn_protocols, ['h2']);
  const combined = common.combined_validation_context!;
  assert.equal(combined.validation_context_sds_secret_config?.name, 'spiffe://td');
  assert.deepEqual(
    combined.default_validation_context?.match_typed_subject_alt_names.map((m) => [
      m.san_type,
      m.matcher?.exact,
    ]),
    [
      ['DNS', 'spiffe://td/web'],
      ['URI', 'spiffe://td/web'],
      ['DNS', 'web.local'],
      ['URI', 'web.local'],
    ],
  );
});

test('ACM certificate is the SDS secret named by its ARN; file trust without SANs is a plain validation context', () => {
  const arn = 'arn:aws:acm:us-east-1:111122223333:certificate/abc';
  const [l] = inbound([
    listener(8080, 'grpc', {
      mode: 'STRICT',
      certificate: { acm: { certificateArn: arn } },
      validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } },
    }),
  ]);
  const common = tlsContextOf(l!.filter_chains![0]!).common_tls_context!;
  assert.equal(common.tls_certificate_sds_secret_configs[0]?.name, arn);
  assert.equal(common.validation_context?.trusted_ca?.filename, '/certs/ca.pem');
  assert.deepEqual(common.validation_context?.match_typed_subject_alt_names, []);
  assert.deepEqual(common.alpn_protocols, ['h2']);
});

test('DISABLED and absent TLS stay plaintext: no inspector, no transport socket, no XFCC', () => {
  for (const tls of [{ mode: 'DISABLED', certificate: fileCert }, undefined]) {
    const [l] = inbound([listener(8080, 'http', tls)]);
    assert.equal(l!.listener_filters, undefined);
    assert.equal(l!.filter_chains!.length, 1);
    assert.equal(l!.filter_chains![0]!.transport_socket, undefined);
    assert.equal(l!.filter_chains![0]!.filter_chain_match, undefined);
    assert.equal(hcmOf(l!.filter_chains![0]!).forward_client_cert_details, 'SANITIZE');
  }
});

test('a TCP listener terminates TLS around its TCP proxy and offers no ALPN', () => {
  const [l] = inbound([listener(5432, 'tcp', { mode: 'STRICT', certificate: fileCert })]);
  const chain = l!.filter_chains![0]!;
  assert.equal(chain.filters?.[0]?.name, 'envoy.filters.network.tcp_proxy');
  assert.deepEqual(tlsContextOf(chain).common_tls_context?.alpn_protocols, []);
});

test('several listeners on one Envoy listener: chains match destination port and transport protocol', () => {
  const [l] = inbound([
    listener(8080, 'http', { mode: 'PERMISSIVE', certificate: fileCert }),
    listener(9090, 'tcp'),
  ]);
  assert.deepEqual(l!.listener_filters, inspector);
  assert.deepEqual(
    l!.filter_chains!.map((c) => [c.name, c.filter_chain_match]),
    [
      ['ingress_http_8080', { destination_port: { value: 8080 }, transport_protocol: 'tls' }],
      [
        'ingress_http_8080_plaintext',
        { destination_port: { value: 8080 }, transport_protocol: 'raw_buffer' },
      ],
      ['ingress_tcp_9090', { destination_port: { value: 9090 } }],
    ],
  );
});

test('one listener per node listener: each gets its own TLS', () => {
  const listeners = inbound(
    [listener(8080, 'http', { mode: 'STRICT', certificate: fileCert }), listener(9090, 'http')],
    undefined,
    true,
  );
  assert.deepEqual(
    listeners.map((l) => [
      l.listener_filters?.length ?? 0,
      l.filter_chains!.map((c) => c.filter_chain_match),
    ]),
    [
      [1, [{ transport_protocol: 'tls' }]],
      [0, [undefined]],
    ],
  );
});

test('mesh mTLS: listeners without TLS get the built-in identity, bundle and mesh SAN prefix; own TLS wins', () => {
  for (const [security, mode] of [
    [permissive, 'PERMISSIVE'],
    [strict, 'STRICT'],
  ] as const) {
    const [l] = inbound(
      [
        listener(8080, 'http'),
        listener(9090, 'http', { mode: 'DISABLED', certificate: fileCert }),
        listener(7070, 'http', { mode: 'STRICT', certificate: fileCert }),
      ],
      security,
    );
    const chains = l!.filter_chains!;
    const of = (port: number) => chains.filter((c) => c.filter_chain_match?.destination_port?.value === port);
    assert.equal(of(8080).length, mode === 'PERMISSIVE' ? 2 : 1, mode);
    const context = tlsContextOf(of(8080)[0]!);
    assert.equal(context.require_client_certificate?.value, true);
    const common = context.common_tls_context!;
    assert.equal(
      common.tls_certificate_sds_secret_configs[0]?.name,
      'spiffe://example.org/mesh/m/virtualNode/app',
    );
    const combined = common.combined_validation_context!;
    assert.equal(combined.validation_context_sds_secret_config?.name, 'spiffe://example.org');
    assert.deepEqual(
      combined.default_validation_context?.match_typed_subject_alt_names.map((m) => m.matcher?.prefix),
      ['spiffe://example.org/mesh/m/', 'spiffe://example.org/mesh/m/'],
    );
    assert.equal(of(9090).length, 1);
    assert.equal(of(9090)[0]!.transport_socket, undefined);
    assert.equal(of(7070).length, 1);
    assert.equal(
      tlsContextOf(of(7070)[0]!).common_tls_context?.tls_certificates[0]?.certificate_chain?.filename,
      '/certs/chain.pem',
    );
  }
});

test('gateway listeners: their own TLS becomes TLS chains (not metadata); mesh mTLS leaves them alone', () => {
  const gateway = record('virtualGateway', 'gw', {
    listeners: [
      {
        portMapping: { port: 443, protocol: 'http' },
        tls: { mode: 'STRICT', certificate: fileCert },
      },
      { portMapping: { port: 80, protocol: 'http' } },
    ],
  });
  const out = translateGateway(meshState({}, gateway), 'gw', new Map(), { security: strict });
  const byPort = (port: number) => out.listeners.find((l) => l.address?.socket_address?.port_value === port)!;
  const secure = byPort(443);
  assert.deepEqual(secure.listener_filters, inspector);
  assert.equal(secure.metadata, undefined);
  const chain = secure.filter_chains![0]!;
  assert.deepEqual(chain.filter_chain_match, { transport_protocol: 'tls' });
  assert.equal(
    tlsContextOf(chain).common_tls_context?.tls_certificates[0]?.private_key?.filename,
    '/certs/key.pem',
  );
  // A gateway has no local app: no client certificate details to forward.
  assert.equal(hcmOf(chain).forward_client_cert_details, 'SANITIZE');
  const plain = byPort(80);
  assert.equal(plain.listener_filters, undefined);
  assert.equal(plain.filter_chains![0]!.transport_socket, undefined);
});
