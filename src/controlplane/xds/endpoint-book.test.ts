// EndpointBook under an unresolvable `dns` hostname shared by many nodes (issue 14.5): one query and one
// stack-free log line per hostname and back-off step, whatever the number of nodes.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resourceKey, resourcePath } from '../../model/resource-key.ts';
import type { ResourceRecord } from '../../model/resource-record.ts';
import { createResolverLookup, type HostLookup } from '../../registry/endpoint-resolver.ts';
import { SqliteRegistryStore } from '../../registry/sqlite-registry-store.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { EndpointBook } from './endpoint-book.ts';
import { MeshStates } from './mesh-states.ts';

const meshName = 'abuse';
const hostname = 'colors.mesh.invalid';
const nodeCount = 200;

function record(kind: 'mesh' | 'virtualNode', name: string, spec: Record<string, unknown>): ResourceRecord {
  const key = resourceKey(kind, meshName, name);
  return {
    ...key,
    arn: `arn:aws:appmesh:us-east-1:111122223333:${resourcePath(key)}`,
    uid: `uid-${name}`,
    version: 1,
    createdAtMs: 1,
    lastUpdatedAtMs: 1,
    meshOwner: '111122223333',
    resourceOwner: '111122223333',
    spec,
    tags: [],
  };
}

/** A c-ares resolver whose only server is a loopback port nobody listens on: real ECONNREFUSED, no network. */
async function refusingResolver(): Promise<Resolver> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

interface Harness {
  book: EndpointBook;
  lines: Record<string, unknown>[];
  queries: string[];
  clock: { nowMs: number };
  /** What the next queries answer with; starts as the refusing resolver. */
  answer: { lookup: HostLookup };
}

async function harness(t: TestContext): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-endpoint-book-'));
  const store = await SqliteStore.open({ dataDir });
  const registry = await SqliteRegistryStore.open({ dataDir });
  await store.write(async (tx) => {
    await tx.put(record('mesh', meshName, {}), []);
    for (let i = 0; i < nodeCount; i++) {
      const spec = {
        listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
        serviceDiscovery: { dns: { hostname, ipPreference: 'IPv4_ONLY' } },
      };
      await tx.put(record('virtualNode', `node-${i}`, spec), []);
    }
  });
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info', base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const states = await MeshStates.load(store, pino({ level: 'silent' }));
  const queries: string[] = [];
  const answer = { lookup: createResolverLookup(await refusingResolver()) };
  const clock = { nowMs: 0 };
  const book = new EndpointBook({
    registry,
    states,
    logger,
    onNodeEndpoints: () => undefined,
    lookup: (name) => (queries.push(name), answer.lookup(name)),
    dnsRefreshMs: 0,
    now: () => clock.nowMs,
  });
  t.after(async () => {
    book.close();
    states.close();
    await registry.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { book, lines, queries, clock, answer };
}

test('200 nodes on one unresolvable name: one query and one line per back-off step, no stacks', async (t) => {
  const { book, lines, queries, clock, answer } = await harness(t);
  await book.sync(meshName);
  assert.equal(queries.length, 1, 'the 200 concurrent lookups share one query');
  assert.deepEqual(lines, [
    {
      level: 40,
      time: lines[0]?.['time'],
      hostname,
      code: 'ECONNREFUSED',
      reason: `queryA ECONNREFUSED ${hostname}`,
      failures: 1,
      retryInMs: 5000,
      msg: 'dns lookup failed; its nodes keep their last endpoints',
    },
  ]);

  // Refreshes inside the back-off query nothing and log nothing.
  for (const at of [1000, 2500, 4999]) {
    clock.nowMs = at;
    await book.refreshDns();
  }
  assert.equal(queries.length, 1);
  assert.equal(lines.length, 1);

  // Each step: one query, one line, the wait doubling.
  const steps: [number, number][] = [
    [5000, 10_000],
    [15_000, 20_000],
    [35_000, 40_000],
  ];
  for (const [at, retryInMs] of steps) {
    clock.nowMs = at;
    await book.refreshDns();
    await book.refreshDns();
    assert.equal(lines.at(-1)?.['retryInMs'], retryInMs);
  }
  assert.equal(queries.length, 4);
  assert.deepEqual(
    lines.map((line) => line['failures']),
    [1, 2, 3, 4],
  );
  const logged: readonly Record<string, unknown>[] = lines;
  for (const line of logged) {
    assert.equal(JSON.stringify(line).includes('stack'), false, 'no stack in a DNS failure line');
    assert.equal(line['err'], undefined);
  }
  assert.equal(book.endpointsFor(meshName).size, 0, 'nothing resolved yet');

  // The name starts resolving: the next step finds it, every node gets it, one line says so.
  answer.lookup = async () => [{ address: '127.0.0.7', family: 4 }];
  clock.nowMs = 74_999;
  await book.refreshDns();
  assert.equal(queries.length, 4, 'still backing off');
  clock.nowMs = 75_000;
  await book.refreshDns();
  assert.equal(queries.length, 5);
  assert.deepEqual(lines.at(-1), {
    level: 30,
    time: lines.at(-1)?.['time'],
    hostname,
    failures: 4,
    msg: 'dns lookup succeeds again',
  });
  const endpoints = book.endpointsFor(meshName);
  assert.equal(endpoints.size, nodeCount);
  assert.deepEqual(endpoints.get('node-7'), [{ address: '127.0.0.7', port: 8080, healthy: true }]);
  assert.equal(lines.length, 5);
});
