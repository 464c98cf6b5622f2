// The built-in CA on PostgreSQL: replicas starting together on an empty database agree on one root, and the
// root (key included) is read back after every store is closed and reopened. Skipped when PostgreSQL is absent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemCaClock } from '../../src/ca/ca-clock.ts';
import { MeshCa } from '../../src/ca/mesh-ca.ts';
import { IdentityIssuer } from '../../src/ca/identity-issuer.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { X509Certificate } from 'node:crypto';
import { postgresSkipReason, startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';

const skip = postgresSkipReason();
let server: PostgresServer | undefined;

before(async () => {
  if (!skip) server = await startPostgresServer();
});
after(async () => {
  await server?.cleanup();
});

const scope = { region: 'us-east-1', accountId: '111122223333' };
const options = { clock: systemCaClock, scope, certTtlMs: 3_600_000 };

test(
  'replicas starting together on an empty database share one root that outlives every connection',
  { skip },
  async () => {
    const url = await server!.createDatabase('ca_replicas');
    const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open({ url })));
    const cas = await Promise.all(stores.map((store) => MeshCa.open({ store, ...options })));
    const ids = new Set(cas.map((ca) => ca.signer().id));
    assert.equal(ids.size, 1, 'one root for every replica');
    assert.equal((await stores[0]!.listAuthorities()).length, 1);
    const rootPem = cas[0]!.trustBundlePem();
    for (const ca of cas) ca.close();
    for (const store of stores) await store.close();

    const reopened = await PostgresStore.open({ url });
    try {
      const ca = await MeshCa.open({ store: reopened, ...options });
      assert.equal(ca.trustBundlePem(), rootPem);
      // The stored key still signs: a leaf from the reopened CA chains to the root seen before.
      const issued = new IdentityIssuer(ca, systemCaClock).certificateFor({
        spiffeId: 'spiffe://switchyard.local/mesh/m/virtualNode/a',
        commonName: 'a',
        dnsNames: [],
      });
      assert.equal(
        new X509Certificate(issued.certificateChainPem).verify(new X509Certificate(rootPem).publicKey),
        true,
      );
      await ca.rotate();
      assert.equal((await reopened.listAuthorities()).length, 2);
      ca.close();
    } finally {
      await reopened.close();
    }
  },
);
