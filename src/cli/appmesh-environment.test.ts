// App Mesh's Envoy variables map onto the proxy's flags; Envoy's log level names onto pino's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appMeshDefaults, pinoLevel } from './appmesh-environment.ts';

test("App Mesh's variables give node, xDS address, admin address (loopback) and log level", () => {
  const arn = 'arn:aws:appmesh:eu-west-1:111122223333:mesh/m/virtualNode/web';
  assert.deepEqual(
    appMeshDefaults({
      APPMESH_RESOURCE_ARN: arn,
      APPMESH_VIRTUAL_NODE_NAME: 'mesh/m/virtualNode/other',
      APPMESH_XDS_ENDPOINT: 'cp.internal:15010',
      ENVOY_ADMIN_ACCESS_PORT: '9902',
      ENVOY_LOG_LEVEL: 'debug',
    }),
    { node: arn, xds: 'cp.internal:15010', adminAddr: '127.0.0.1:9902', logLevel: 'debug' },
  );
});

test('the older APPMESH_VIRTUAL_NODE_NAME names the node when there is no ARN; empty variables are unset', () => {
  assert.deepEqual(
    appMeshDefaults({ APPMESH_RESOURCE_ARN: ' ', APPMESH_VIRTUAL_NODE_NAME: 'mesh/m/virtualNode/n' }),
    {
      node: 'mesh/m/virtualNode/n',
      xds: undefined,
      adminAddr: undefined,
      logLevel: undefined,
    },
  );
  assert.deepEqual(appMeshDefaults({}), {
    node: undefined,
    xds: undefined,
    adminAddr: undefined,
    logLevel: undefined,
  });
});

test("Envoy's level names map to pino's; unknown names are refused", () => {
  assert.equal(pinoLevel('critical'), 'fatal');
  assert.equal(pinoLevel('off'), 'silent');
  assert.equal(pinoLevel('WARN'), 'warn');
  assert.equal(pinoLevel('trace'), 'trace');
  assert.equal(pinoLevel('verbose'), undefined);
});
