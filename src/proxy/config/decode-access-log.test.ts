import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessLog__Output } from '../../xds/protos/generated/envoy/config/accesslog/v3/AccessLog.ts';
import { packAny, extensionTypeUrls } from '../../xds/protos/index.ts';
import { Violations } from './config-error.ts';
import { decodeAccessLogs } from './decode-access-log.ts';

test('a JSON access log format (google.protobuf.Struct of strings) decodes into its fields', () => {
  const typed_config = packAny(extensionTypeUrls.fileAccessLog, {
    path: '/tmp/access.log',
    log_format: {
      json_format: {
        fields: { code: { stringValue: '%RESPONSE_CODE%' }, path: { stringValue: '%REQ(:PATH)%' } },
      },
    },
  });
  const v = new Violations();
  const logs = decodeAccessLogs(
    [{ name: 'file', typed_config } as unknown as AccessLog__Output],
    'access_log',
    v,
  );
  assert.equal(v.count, 0);
  assert.deepEqual(logs, [
    {
      path: '/tmp/access.log',
      format: { kind: 'json', fields: { code: '%RESPONSE_CODE%', path: '%REQ(:PATH)%' } },
    },
  ]);
});

test('a JSON access log field that is not a string is a violation', () => {
  const typed_config = packAny(extensionTypeUrls.fileAccessLog, {
    path: '/tmp/access.log',
    log_format: { json_format: { fields: { n: { numberValue: 1 } } } },
  });
  const v = new Violations();
  decodeAccessLogs([{ name: 'file', typed_config } as unknown as AccessLog__Output], 'access_log', v);
  assert.throws(
    () => v.throwIfAny('Listener'),
    /access_log\[0\]\.typed_config\.log_format\.json_format\.n: only string values/,
  );
});
