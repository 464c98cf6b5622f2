// `switchyard envoy-bootstrap` for authenticated xDS: the token as the ADS stream's initial metadata, TLS to the
// xDS cluster, and the same token-file checks as the sidecar.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { envoyBootstrap } from '../../src/cli/envoy-bootstrap-command.ts';
import { formatDocument } from '../../src/cli/output/print-document.ts';
import { runCli } from '../cli/cli-harness.ts';
import { makeTempDir, removeDir } from '../support/control-plane-launcher.ts';
import { freePort } from '../support/free-ports.ts';

const golden = path.join(import.meta.dirname, 'golden/envoy-bootstrap-authn.txt');
let dir: string;

before(async () => {
  dir = await makeTempDir('bootstrap-authn');
});
after(async () => {
  await removeDir(dir);
});

test('the bootstrap carries the token as initial metadata and TLS to the xDS cluster (golden)', async () => {
  const bootstrap = envoyBootstrap({
    node: 'mesh/shop/virtualNode/cart',
    xdsAddr: 'cp.internal:15010',
    adminAddr: '127.0.0.1:9901',
    accessToken: 'syt1.eyJ0ZXN0Ijp0cnVlfQ.c2lnbmF0dXJl',
    xdsTls: {
      caFile: '/etc/switchyard/ca.pem',
      certFile: '/etc/switchyard/cart.pem',
      keyFile: '/etc/switchyard/cart.key',
    },
  });
  const text = formatDocument(bootstrap, 'yaml');
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(golden, text);
  assert.equal(text, await readFile(golden, 'utf8'));
});

test('an IP xDS address is checked as an IP SAN, without SNI; no token means no metadata', () => {
  const bootstrap = envoyBootstrap({
    node: 'mesh/shop/virtualNode/cart',
    xdsAddr: '10.1.2.3:15010',
    adminAddr: '127.0.0.1:9901',
    xdsTls: { caFile: '/ca.pem' },
  }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(bootstrap.dynamic_resources.ads_config.grpc_services[0].initial_metadata, undefined);
  const tls = bootstrap.static_resources.clusters[0].transport_socket.typed_config;
  assert.equal(tls.sni, undefined);
  assert.equal(tls.common_tls_context.tls_certificates, undefined);
  assert.deepEqual(tls.common_tls_context.validation_context.match_typed_subject_alt_names, [
    { san_type: 'IP_ADDRESS', matcher: { exact: '10.1.2.3' } },
  ]);
});

test('the CLI reads --token-file (0600 only) and never prints a refused token', async () => {
  const offline = `http://127.0.0.1:${await freePort()}`;
  const token = 'syt1.eyJ0ZXN0Ijp0cnVlfQ.c2VjcmV0';
  const file = path.join(dir, 'cart.token');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  const ok = await runCli(offline, [
    'envoy-bootstrap',
    '--node',
    'mesh/shop/virtualNode/cart',
    '--token-file',
    file,
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`value: Bearer ${token.replaceAll('.', '\\.')}`));
  const loose = path.join(dir, 'loose.token');
  await writeFile(loose, token, { mode: 0o640 });
  const refused = await runCli(offline, [
    'envoy-bootstrap',
    '--node',
    'mesh/shop/virtualNode/cart',
    '--token-file',
    loose,
  ]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /readable or writable by group or others \(mode 0640\); run chmod 600/);
  assert.ok(!refused.stderr.includes(token) && !refused.stdout.includes(token));
  const half = await runCli(offline, [
    'envoy-bootstrap',
    '--node',
    'mesh/shop/virtualNode/cart',
    '--xds-cert',
    file,
  ]);
  assert.notEqual(half.code, 0);
  assert.match(half.stderr, /--xds-cert and --xds-key go together/);
});
