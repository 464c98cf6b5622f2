import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcePath } from '../../../model/resource-key.ts';
import { convertCliInput, inferCliInputKind } from './convert-cli-input.ts';

test('the kind of CLI input is told by its name members', () => {
  assert.equal(inferCliInputKind({ meshName: 'm' }), 'mesh');
  assert.equal(inferCliInputKind({ meshName: 'm', virtualNodeName: 'n' }), 'virtualNode');
  assert.equal(inferCliInputKind({ meshName: 'm', virtualServiceName: 's' }), 'virtualService');
  assert.equal(inferCliInputKind({ meshName: 'm', virtualRouterName: 'r' }), 'virtualRouter');
  assert.equal(inferCliInputKind({ meshName: 'm', virtualRouterName: 'r', routeName: 'x' }), 'route');
  assert.equal(inferCliInputKind({ meshName: 'm', virtualGatewayName: 'g' }), 'virtualGateway');
  assert.equal(
    inferCliInputKind({ meshName: 'm', virtualGatewayName: 'g', gatewayRouteName: 'x' }),
    'gatewayRoute',
  );
  assert.match(
    inferCliInputKind({ meshName: 'm', virtualNodeName: 'n', virtualServiceName: 's' }),
    /several kinds/,
  );
});

test('a route document becomes a route under its router; clientToken is ignored, unknown members are problems', () => {
  const origin = { file: 'r.json', document: 1 };
  const ok = convertCliInput({
    origin,
    value: {
      meshName: 'm',
      virtualRouterName: 'r',
      routeName: 'x',
      spec: { tcpRoute: {} },
      clientToken: 't',
    },
  });
  assert.deepEqual(ok.problems, []);
  assert.equal(resourcePath(ok.resources[0]!.key), 'mesh/m/virtualRouter/r/route/x');
  assert.deepEqual(ok.resources[0]!.tags, []);
  const bad = convertCliInput({ origin, value: { meshName: 'm', virtualNodeName: 7, colour: 'red' } });
  assert.deepEqual(
    bad.problems.map((p) => `${p.field}: ${p.message}`),
    [
      'colour: is not a member of VirtualNode input',
      'virtualNodeName: is required and must be a string',
      'spec: is required',
    ],
  );
});
