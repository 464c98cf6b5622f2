// Two inbound shapes for a node with several listeners: App Mesh's (one listener, chains by original destination
// port, for Envoy behind iptables) and ours (one listener per node listener on consecutive ports).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meshState, record } from './test-fixtures.ts';
import { translateSidecar } from './translate-sidecar.ts';

const node = record('virtualNode', 'two', {
  listeners: [
    { portMapping: { port: 8080, protocol: 'http' } },
    { portMapping: { port: 9090, protocol: 'tcp' } },
  ],
  serviceDiscovery: { dns: { hostname: 'two.local' } },
});

const inbound = (portPerListener: boolean) =>
  translateSidecar(meshState({}, node), 'two', new Map(), {
    inboundPortPerListener: portPerListener,
  }).listeners.filter((l) => l.traffic_direction === 'INBOUND');

test('for Envoy: one inbound listener whose chains match the original destination port', () => {
  const [listener, ...others] = inbound(false);
  assert.equal(others.length, 0);
  assert.equal(listener!.address?.socket_address?.port_value, 15000);
  assert.deepEqual(listener!.use_original_dst, { value: true });
  assert.deepEqual(
    listener!.filter_chains!.map((c) => c.filter_chain_match?.destination_port?.value),
    [8080, 9090],
  );
});

test('for our sidecar: one inbound listener per node listener, tagged with the listener it serves, clear of the outbound port', () => {
  const listeners = inbound(true);
  assert.deepEqual(
    listeners.map((l) => [l.name, l.address?.socket_address?.port_value, l.filter_chains?.length]),
    [
      ['lds_ingress_0.0.0.0_15000', 15000, 1],
      ['lds_ingress_0.0.0.0_15002', 15002, 1],
    ],
  );
  assert.equal(listeners[0]!.filter_chains![0]!.filter_chain_match, undefined);
  assert.deepEqual(
    listeners.map((l) => l.metadata?.filter_metadata?.['switchyard']),
    [
      { fields: { listener_port: { numberValue: 8080 } } },
      { fields: { listener_port: { numberValue: 9090 } } },
    ],
  );
});
