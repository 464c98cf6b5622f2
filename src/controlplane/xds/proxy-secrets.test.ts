import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpNode, meshState, record } from '../../xds/translate/test-fixtures.ts';
import { dnsNamesOf, uncontestedDnsNames } from './proxy-secrets.ts';

const dnsNode = (name: string, hostname: string) =>
  record('virtualNode', name, {
    listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    serviceDiscovery: { dns: { hostname } },
  });
const nodeService = (name: string, node: string) =>
  record('virtualService', name, { provider: { virtualNode: { virtualNodeName: node } } });

test('a DNS name another mesh also claims is left out of certificates, in both meshes', () => {
  const prod = meshState(
    {},
    dnsNode('payments', 'payments.prod.local'),
    nodeService('pay.prod.local', 'payments'),
  );
  // Another mesh's writer names a host and a virtual service like prod's.
  const evil = meshState(
    {},
    dnsNode('fake', 'payments.prod.local'),
    httpNode('other'),
    nodeService('pay.prod.local', 'fake'),
  );
  const quiet = meshState({}, dnsNode('web', 'web.quiet.local'));
  const all = [prod, evil, quiet];
  assert.deepEqual(dnsNamesOf(evil, 'fake'), ['pay.prod.local', 'payments.prod.local']);
  assert.deepEqual(uncontestedDnsNames(dnsNamesOf(evil, 'fake'), evil, all), []);
  assert.deepEqual(uncontestedDnsNames(dnsNamesOf(prod, 'payments'), prod, all), []);
  // Names only one mesh has stay.
  assert.deepEqual(uncontestedDnsNames(dnsNamesOf(quiet, 'web'), quiet, all), ['web.quiet.local']);
  assert.deepEqual(uncontestedDnsNames(dnsNamesOf(prod, 'payments'), prod, [prod, quiet]), [
    'pay.prod.local',
    'payments.prod.local',
  ]);
});
