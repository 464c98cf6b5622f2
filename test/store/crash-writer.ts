// Child process of sqlite-crash.test.ts: commits pairs of records until killed, acknowledging each on stdout.

import { resourceKey, resourcePath } from '../../src/model/resource-key.ts';
import type { ResourceRecord } from '../../src/model/resource-record.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-writer.ts <dataDir>');

// Big enough that the WAL passes its auto-checkpoint size while the test runs, so a kill can land in one.
const filler = 'x'.repeat(4000);

function record(name: string, pair: number): ResourceRecord {
  const key = resourceKey('virtualNode', 'crash', name);
  return {
    ...key,
    arn: `arn:aws:appmesh:us-east-1:111122223333:${resourcePath(key)}`,
    uid: `uid-${name}`,
    version: 1,
    createdAtMs: pair,
    lastUpdatedAtMs: pair,
    meshOwner: '111122223333',
    resourceOwner: '111122223333',
    spec: { pair, filler },
    tags: [{ key: 'pair', value: String(pair) }],
  };
}

const store = await SqliteStore.open({ dataDir });
for (let pair = 1; ; pair++) {
  const revision = await store.write(async (tx) => {
    const first = await tx.put(record(`a-${pair}`, pair), []);
    return (await tx.put(record(`b-${pair}`, pair), [first])).revision;
  });
  // Printed only once write() resolved, i.e. once the pair is durable.
  process.stdout.write(`ack ${pair} ${revision}\n`);
}
