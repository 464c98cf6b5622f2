// The admin server refuses requests whose Host header is a name (DNS rebinding), with the exact bytes.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { StatsStore } from '../stats/stats-store.ts';
import { AdminServer, type AdminServerOptions } from './admin-server.ts';

async function startAdmin(t: TestContext, host: string, options?: AdminServerOptions): Promise<number> {
  const stats = new StatsStore();
  stats.counter('cluster.secret.upstream_rq_total').inc();
  const admin = new AdminServer(
    { ready: true, stats, appliedSnapshot: () => undefined, clusters: () => [] },
    options,
  );
  await admin.listen(0, host);
  t.after(() => admin.close());
  return admin.port;
}

/** Sends `bytes` to 127.0.0.1:`port` and returns the whole answer once the server closes. */
function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(bytes);
  });
}

const statsRequest = (host: string): string =>
  `GET /stats HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

test('a rebound name gets 403 and none of the stats; the bound address and localhost get them', async (t) => {
  const port = await startAdmin(t, '127.0.0.1');
  const refused = await sendRaw(port, statsRequest(`attacker.example:${port}`));
  assert.match(refused, /^HTTP\/1\.1 403 Forbidden\r\n/);
  assert.ok(
    refused.includes(
      `\r\nHost "attacker.example:${port}" is not allowed (DNS rebinding protection); use an IP address or localhost, or start the server with --allowed-host attacker.example\n`,
    ),
    refused,
  );
  assert.doesNotMatch(refused, /upstream_rq_total/);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    const answer = await sendRaw(port, statsRequest(host));
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/, host);
    assert.match(answer, /cluster\.secret\.upstream_rq_total: 1/, host);
  }
  const otherIp = await sendRaw(port, statsRequest(`192.168.1.10:${port}`));
  assert.match(otherIp, /^HTTP\/1\.1 403 Forbidden\r\n/);
});

test('bound to 0.0.0.0, any IP literal is accepted (probes by pod IP), names still are not', async (t) => {
  const port = await startAdmin(t, '0.0.0.0');
  assert.match(await sendRaw(port, statsRequest(`10.0.0.7:${port}`)), /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(
    await sendRaw(port, statsRequest(`attacker.example:${port}`)),
    /^HTTP\/1\.1 403 Forbidden\r\n/,
  );
});

test('allowed host names are accepted, case-insensitively', async (t) => {
  const port = await startAdmin(t, '127.0.0.1', { allowedHosts: ['sidecar.internal'] });
  assert.match(await sendRaw(port, statsRequest('Sidecar.Internal:15000')), /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(await sendRaw(port, statsRequest('other.internal')), /^HTTP\/1\.1 403 Forbidden\r\n/);
});
