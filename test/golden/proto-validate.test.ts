// Every resource of every golden translation satisfies the protoc-gen-validate rules of Envoy's protos, so a
// stock Envoy would not reject what we send (issue 4: generic validation over all golden outputs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageNameOf, packAny } from '../../src/xds/protos/index.ts';
import { decodePlain, validateMessage } from './proto-validate.ts';
import { allTranslations, typedResources } from './translations.ts';

function violations(typeUrl: string, message: object, label: string): string[] {
  const name = messageNameOf(typeUrl);
  return validateMessage(name, decodePlain(name, packAny(typeUrl, message).value), label);
}

for (const { label, resources } of allTranslations()) {
  test(`protoc-gen-validate rules hold: ${label}`, () => {
    const problems = typedResources(resources).flatMap(({ typeUrl, name, message }) =>
      violations(typeUrl, message, `${messageNameOf(typeUrl)} ${name}`),
    );
    assert.deepEqual(problems, []);
  });
}

test('the validator reports broken rules', () => {
  const cluster = {
    name: '',
    type: 'EDS',
    connect_timeout: { seconds: 0 },
    eds_cluster_config: { eds_config: { ads: {} } },
    outlier_detection: { max_ejection_percent: { value: 101 } },
    health_checks: [{ timeout: { seconds: 1 }, interval: { seconds: 1 } }],
  };
  const problems = violations('type.googleapis.com/envoy.config.cluster.v3.Cluster', cluster, 'c');
  assert.ok(problems.includes('c.name: shorter than 1'), problems.join('\n'));
  assert.ok(problems.includes('c.connect_timeout: must be > 0, is 0'), problems.join('\n'));
  assert.ok(
    problems.includes('c.outlier_detection.max_ejection_percent: must be <= 100, is 101'),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('c.health_checks[0]: one of http_health_check')),
    problems.join('\n'),
  );
  assert.ok(problems.includes('c.health_checks[0].unhealthy_threshold: required'), problems.join('\n'));
  const route = {
    name: 'r',
    virtual_hosts: [{ name: 'v', domains: [], routes: [{ match: { prefix: '/' } }] }],
  };
  const routeProblems = violations(
    'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
    route,
    'r',
  );
  assert.ok(
    routeProblems.includes('r.virtual_hosts[0].domains: fewer than 1 items'),
    routeProblems.join('\n'),
  );
  assert.ok(
    routeProblems.some((p) => p.includes('one of route, redirect, direct_response')),
    routeProblems.join('\n'),
  );
});

test('the validator reaches into TLS transport sockets', () => {
  const context = packAny(
    'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
    {
      common_tls_context: {
        tls_certificate_sds_secret_configs: [{ name: '' }],
        validation_context: { match_typed_subject_alt_names: [{ san_type: 'SAN_TYPE_UNSPECIFIED' }] },
      },
    },
  );
  const listener = {
    name: 'l',
    address: { socket_address: { address: '127.0.0.1', port_value: 1 } },
    filter_chains: [{ transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: context } }],
  };
  const problems = violations('type.googleapis.com/envoy.config.listener.v3.Listener', listener, 'l');
  const tls =
    'l.filter_chains[0].transport_socket.typed_config<envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext>.common_tls_context';
  assert.ok(
    problems.includes(`${tls}.tls_certificate_sds_secret_configs[0].name: shorter than 1`),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith(`${tls}.validation_context.match_typed_subject_alt_names[0].san_type`)),
    problems.join('\n'),
  );
  assert.ok(
    problems.includes(`${tls}.validation_context.match_typed_subject_alt_names[0].matcher: required`),
    problems.join('\n'),
  );
});
