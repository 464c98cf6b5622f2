// `--xds-tls` / `--xds-tls-san` parsing, and the server certificate's renewal and re-issue on CA rotation.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseControlPlaneConfig } from '../../src/controlplane/control-plane-config.ts';
import { XdsServerTls } from '../../src/controlplane/xds/xds-tls.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshCa } from '../../src/ca/mesh-ca.ts';
import { ManualClock } from '../../src/proxy/clock.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const raw = {
  apiAddr: '127.0.0.1:0',
  xdsAddr: '127.0.0.1:0',
  dataDir: '/tmp/switchyard-unused',
  region: 'us-east-1',
  accountId: '111122223333',
};

test('--xds-tls names the --xds-addr host plus every --xds-tls-san; off by default', () => {
  assert.equal(parseControlPlaneConfig(raw).xdsTls, undefined);
  assert.equal(parseControlPlaneConfig({ ...raw, xdsTls: 'false' }).xdsTls, undefined);
  assert.deepEqual(parseControlPlaneConfig({ ...raw, xdsTls: true }).xdsTls, { names: ['127.0.0.1'] });
  assert.deepEqual(
    parseControlPlaneConfig({
      ...raw,
      xdsAddr: '0.0.0.0:15010',
      insecureNoAuth: true,
      xdsTls: '1',
      xdsTlsSan: ['cp.internal,10.0.0.5', '::1'],
    }).xdsTls,
    { names: ['cp.internal', '10.0.0.5', '::1'] },
  );
});

test('--xds-tls-san without --xds-tls, a wildcard address without names, and a bad name are refused', () => {
  assert.throws(() => parseControlPlaneConfig({ ...raw, xdsTlsSan: ['cp.internal'] }), /it needs --xds-tls/);
  assert.throws(
    () => parseControlPlaneConfig({ ...raw, xdsAddr: '0.0.0.0:1', insecureNoAuth: true, xdsTls: true }),
    /needs --xds-tls-san/,
  );
  assert.throws(
    () => parseControlPlaneConfig({ ...raw, xdsTls: true, xdsTlsSan: ['bad_name'] }),
    /--xds-tls-san must be a DNS name or an IP address, got "bad_name"/,
  );
});

test('the server certificate names its SANs, is renewed at two thirds of its life and re-issued on rotation', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-xds-tls-'));
  const store = await SqliteStore.open({ dataDir, onWarning: () => undefined });
  const manual = new ManualClock();
  const startMs = Date.now();
  const clock = {
    now: () => startMs + manual.now(),
    setTimer: (fn: () => void, ms: number) => manual.setTimer(fn, ms),
  };
  const hourMs = 3_600_000;
  const ca = await MeshCa.open({
    store,
    clock,
    scope: { region: 'us-east-1', accountId: '111122223333' },
    certTtlMs: 3 * hourMs,
  });
  const tls = new XdsServerTls({
    ca,
    clock,
    names: ['127.0.0.1', 'cp.internal'],
    logger: pino({ level: 'silent' }),
  });
  t.after(async () => {
    tls.close();
    ca.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const seen: X509Certificate[] = [];
  tls.addIdentityCertificateListener((update) => {
    if (update !== null) seen.push(new X509Certificate(update.certificate));
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(seen.length, 1, 'a new listener hears the current certificate');
  assert.equal(seen[0]!.subjectAltName, 'DNS:cp.internal, IP Address:127.0.0.1');
  assert.ok(seen[0]!.checkIssued(new X509Certificate(ca.trustBundlePem())));
  manual.advance(2 * hourMs - 1000);
  assert.equal(seen.length, 1, 'not before two thirds of its life');
  manual.advance(2000);
  assert.equal(seen.length, 2, 'renewed at two thirds');
  assert.notEqual(seen[1]!.serialNumber, seen[0]!.serialNumber);
  await ca.rotate();
  assert.ok(seen.length >= 3, 'a rotation re-issues it');
});
