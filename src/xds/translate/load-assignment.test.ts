// ClusterLoadAssignments: localities always set and weighted, health, weights, duplicates, listener ports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAssignment } from './load-assignment.ts';

const socket = (address: string, port: number) => ({
  address: { socket_address: { address, port_value: port } },
});

test('endpoints group by zone; every locality is set and weighted by its healthy endpoints (at least 1)', () => {
  const cla = loadAssignment(
    'c',
    [
      { address: '10.0.0.2', port: 80, healthy: true, zone: 'b', weight: 3 },
      { address: '10.0.0.1', port: 80, healthy: true },
      { address: '10.0.0.3', port: 80, healthy: false, zone: 'b' },
      { address: '10.0.0.4', port: 80, healthy: false, zone: 'c' },
    ],
    80,
  );
  assert.equal(cla.cluster_name, 'c');
  assert.deepEqual(cla.endpoints, [
    {
      locality: {},
      lb_endpoints: [
        { endpoint: socket('10.0.0.1', 80), health_status: 'HEALTHY', load_balancing_weight: { value: 1 } },
      ],
      load_balancing_weight: { value: 1 },
    },
    {
      locality: { zone: 'b' },
      lb_endpoints: [
        { endpoint: socket('10.0.0.2', 80), health_status: 'HEALTHY', load_balancing_weight: { value: 3 } },
        { endpoint: socket('10.0.0.3', 80), health_status: 'UNHEALTHY', load_balancing_weight: { value: 1 } },
      ],
      load_balancing_weight: { value: 3 },
    },
    {
      locality: { zone: 'c' },
      lb_endpoints: [
        { endpoint: socket('10.0.0.4', 80), health_status: 'UNHEALTHY', load_balancing_weight: { value: 1 } },
      ],
      load_balancing_weight: { value: 1 },
    },
  ]);
});

test('duplicates are dropped, weights below 1 become 1, endpoints for another listener are left out', () => {
  const cla = loadAssignment(
    'c',
    [
      { address: '::1', port: 9000, healthy: true, weight: 0 },
      { address: '::1', port: 9000, healthy: true, weight: 5 },
      { address: '10.0.0.9', port: 9001, healthy: true, listenerPort: 9090 },
      { address: '10.0.0.8', port: 9002, healthy: true, listenerPort: 8080 },
    ],
    8080,
  );
  const endpoints = cla.endpoints?.[0]?.lb_endpoints?.map((e) => [
    e.endpoint?.address?.socket_address?.address,
    e.load_balancing_weight,
  ]);
  assert.deepEqual(endpoints, [
    ['10.0.0.8', { value: 1 }],
    ['::1', { value: 1 }],
  ]);
});

test('no endpoints: an empty assignment', () => {
  assert.deepEqual(loadAssignment('c', [], 80), { cluster_name: 'c', endpoints: [] });
});
