import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKindNoun } from './kind-noun.ts';

test('kind nouns: cli nouns, plurals, short aliases and API spellings', () => {
  assert.equal(parseKindNoun('mesh'), 'mesh');
  assert.equal(parseKindNoun('meshes'), 'mesh');
  assert.equal(parseKindNoun('virtual-nodes'), 'virtualNode');
  assert.equal(parseKindNoun('vn'), 'virtualNode');
  assert.equal(parseKindNoun('VirtualService'), 'virtualService');
  assert.equal(parseKindNoun('vr'), 'virtualRouter');
  assert.equal(parseKindNoun('routes'), 'route');
  assert.equal(parseKindNoun('vg'), 'virtualGateway');
  assert.equal(parseKindNoun('gateway-routes'), 'gatewayRoute');
  assert.equal(parseKindNoun('gr'), 'gatewayRoute');
  assert.throws(() => parseKindNoun('pods'), /unknown resource kind "pods"/);
});
