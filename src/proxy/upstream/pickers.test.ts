import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostConfig } from '../config/cluster-types.ts';
import { Host } from './host.ts';
import { LeastRequestPicker } from './least-request-picker.ts';
import { RoundRobinPicker } from './round-robin-picker.ts';

const host = (port: number, weight = 1): Host =>
  new Host(
    {
      host: '127.0.0.1',
      port,
      weight,
      health: 'HEALTHY',
      priority: 0,
      healthCheckPort: undefined,
    } satisfies HostConfig,
    false,
  );

test('round robin cycles through equal-weight hosts', () => {
  const hosts = [host(1), host(2), host(3)];
  const p = new RoundRobinPicker();
  assert.deepEqual(
    Array.from({ length: 6 }, () => p.pick(hosts).port),
    [1, 2, 3, 1, 2, 3],
  );
});

test('round robin honours weights smoothly', () => {
  const hosts = [host(1, 1), host(2, 3)];
  const p = new RoundRobinPicker();
  const picks = Array.from({ length: 8 }, () => p.pick(hosts).port);
  assert.equal(picks.filter((x) => x === 2).length, 6);
  for (let i = 0; i + 4 <= picks.length; i += 4)
    assert.ok(picks.slice(i, i + 4).includes(1), `spread out: ${picks.join('')}`);
});

test('least request prefers the less loaded of two random choices', () => {
  const a = host(1);
  const b = host(2);
  a.activeRequests = 5;
  const seq = [0, 0.9];
  let i = 0;
  const p = new LeastRequestPicker(() => seq[i++ % seq.length] ?? 0);
  assert.equal(p.pick([a, b]).port, 2);
  b.activeRequests = 9;
  assert.equal(p.pick([a, b]).port, 1);
});
