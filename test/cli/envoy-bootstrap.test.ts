// `switchyard envoy-bootstrap`: a bootstrap a stock Envoy accepts, pointing at the control plane over ADS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envoyBootstrap } from '../../src/cli/envoy-bootstrap-command.ts';
import { freePort } from '../support/free-ports.ts';
import { call, startTestControlPlane } from '../support/in-process-control-plane.ts';
import { runCli } from './cli-harness.ts';

test('the bootstrap names the node, uses ADS for CDS and LDS, and reaches the xDS address over HTTP/2', () => {
  const bootstrap = envoyBootstrap({
    node: 'arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualNode/cart',
    xdsAddr: '10.1.2.3:15010',
    adminAddr: '127.0.0.1:9901',
    inboundPort: '16000',
  }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(bootstrap.node.id, 'arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualNode/cart');
  assert.deepEqual(bootstrap.node.metadata, { 'switchyard.inbound_port': 16000 });
  assert.deepEqual(bootstrap.dynamic_resources.cds_config, { ads: {}, resource_api_version: 'V3' });
  assert.deepEqual(bootstrap.dynamic_resources.lds_config, { ads: {}, resource_api_version: 'V3' });
  const cluster = bootstrap.static_resources.clusters[0];
  assert.equal(cluster.type, 'STATIC');
  assert.deepEqual(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address, {
    socket_address: { address: '10.1.2.3', port_value: 15010 },
  });
  assert.ok(
    cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']
      .explicit_http_config.http2_protocol_options,
  );
});

test('a hostname xDS address uses DNS and a bad node id is refused', () => {
  const bootstrap = envoyBootstrap({
    node: 'mesh/shop/virtualGateway/edge',
    xdsAddr: 'cp.internal:15010',
    adminAddr: '127.0.0.1:9901',
  }) as {
    static_resources: { clusters: { type: string }[] };
  };
  assert.equal(bootstrap.static_resources.clusters[0]!.type, 'STRICT_DNS');
  assert.throws(
    () => envoyBootstrap({ node: 'shop/cart', xdsAddr: '127.0.0.1:15010', adminAddr: '127.0.0.1:9901' }),
    /names no virtual node/,
  );
});

test('the CLI warns, in one line, about a node the control plane does not know, and still prints it', async () => {
  const plane = await startTestControlPlane();
  try {
    assert.equal((await call(plane.endpoint, 'PUT', '/v20190125/meshes', { meshName: 'shop' })).status, 200);
    const node = { virtualNodeName: 'cart', spec: {} };
    assert.equal(
      (await call(plane.endpoint, 'PUT', '/v20190125/meshes/shop/virtualNodes', node)).status,
      200,
    );

    const known = await runCli(plane.endpoint, ['envoy-bootstrap', '--node', 'mesh/shop/virtualNode/cart']);
    assert.equal(known.code, 0, known.stderr);
    assert.equal(known.stderr, '');
    assert.match(known.stdout, /id: mesh\/shop\/virtualNode\/cart/);

    const unknown = await runCli(plane.endpoint, ['envoy-bootstrap', '--node', 'mesh/shop/virtualNode/kart']);
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.equal(
      unknown.stderr,
      `warning: virtual-node kart in mesh shop does not exist at ${plane.endpoint}; ` +
        'an Envoy with this bootstrap gets no configuration until it is created\n',
    );
    assert.match(unknown.stdout, /id: mesh\/shop\/virtualNode\/kart/);
  } finally {
    await plane.close();
  }
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const offline = await runCli(nowhere, ['envoy-bootstrap', '--node', 'mesh/shop/virtualGateway/edge']);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(
    offline.stderr,
    /^warning: could not check that virtual-gateway edge in mesh shop exists: cannot reach/,
  );
  assert.equal(offline.stderr.split('\n').length, 2, 'one line');
  assert.match(offline.stdout, /virtualGateway\/edge/);
});
