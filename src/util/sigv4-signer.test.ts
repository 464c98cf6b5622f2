// Our signer makes the signature AWS's own signer makes, so the CLI's requests verify wherever AWS's would.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest } from './sigv4-signer.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const at = Date.UTC(2026, 11, 6, 10, 0, 0);

it('signs as @smithy/signature-v4 does: query, %2F labels and a body', async () => {
  const body = '{"spec":{}}';
  const path = '/v20190125/meshes/a%2Fb/virtualNodes';
  const query = { limit: '5', nextToken: 'ab+/= c' };
  const raw = `http://127.0.0.1:9080${path}?limit=5&nextToken=${encodeURIComponent(query.nextToken)}`;
  const ours = signRequest(
    { method: 'PUT', url: raw, headers: { 'content-type': 'application/json' }, body },
    credentials,
    { region: 'us-east-1', service: 'appmesh' },
    at,
  );
  const theirs = await new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 'appmesh',
    sha256: Sha256,
  }).sign(
    {
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9080,
      path,
      query,
      headers: { host: '127.0.0.1:9080', 'content-type': 'application/json' },
      body,
    },
    { signingDate: new Date(at) },
  );
  assert.equal(ours.authorization, theirs.headers.authorization);
  assert.equal(ours['x-amz-date'], '20261206T100000Z');
});
