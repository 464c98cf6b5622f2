// SigV4 verification against AWS's published example and against AWS's own signer (@smithy/signature-v4).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { AuthError } from './auth-error.ts';
import {
  checkFreshness,
  parseSignatureClaim,
  sha256Hex,
  verifySignature,
  type SignedRequest,
} from './sigv4-verifier.ts';
import { signingKey } from '../../util/sigv4.ts';

const scope = { region: 'us-east-1', service: 'appmesh' };
const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const signedAt = new Date('2026-12-06T10:00:00Z');

interface Draft {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function toSignedRequest(signed: {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
}): SignedRequest {
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encode(name)}=${encode(String(value))}`)
    .join('&');
  return {
    method: signed.method,
    rawUrl: query ? `${signed.path}?${query}` : signed.path,
    rawHeaders: Object.entries(signed.headers).flat(),
  };
}

function signer(secretAccessKey = secret, region = 'us-east-1', service = 'appmesh'): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey },
    region,
    service,
    sha256: Sha256,
  });
}

async function sign(draft: Draft, options: { secret?: string; region?: string; at?: Date } = {}) {
  const signed = await signer(options.secret, options.region).sign(
    {
      method: draft.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9080,
      path: draft.path,
      query: draft.query ?? {},
      headers: { host: '127.0.0.1:9080', ...draft.headers },
      ...(draft.body === undefined ? {} : { body: draft.body }),
    },
    { signingDate: options.at ?? signedAt },
  );
  return toSignedRequest(signed as never);
}

async function presign(draft: Draft, expiresIn: number) {
  const signed = await signer().presign(
    {
      method: draft.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9080,
      path: draft.path,
      query: draft.query ?? {},
      headers: { host: '127.0.0.1:9080' },
    },
    { signingDate: signedAt, expiresIn },
  );
  return toSignedRequest(signed as never);
}

function check(
  request: SignedRequest,
  body = '',
  secretAccessKey = secret,
  nowMs = signedAt.getTime(),
): void {
  const claim = parseSignatureClaim(request, scope);
  assert.ok(claim, 'a signature must be found');
  checkFreshness(claim, nowMs);
  verifySignature(request, claim, (scope) => signingKey(secretAccessKey, scope), sha256Hex(body));
}

function refusedWith(type: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    assert.equal(error.type, type);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('SigV4 verification', () => {
  it("matches AWS's documented example (IAM ListUsers)", () => {
    const request: SignedRequest = {
      method: 'GET',
      rawUrl: '/?Action=ListUsers&Version=2010-05-08',
      rawHeaders: [
        'Host',
        'iam.amazonaws.com',
        'Content-Type',
        'application/x-www-form-urlencoded; charset=utf-8',
        'X-Amz-Date',
        '20150830T123600Z',
        'Authorization',
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
      ],
    };
    const claim = parseSignatureClaim(request, { region: 'us-east-1', service: 'iam' });
    assert.ok(claim);
    verifySignature(request, claim, (scope) => signingKey(secret, scope), sha256Hex(''));
    assert.throws(
      () => verifySignature(request, claim, (scope) => signingKey(`${secret}x`, scope), sha256Hex('')),
      refusedWith('InvalidSignatureException'),
    );
  });

  it("accepts AWS's signer: bodies, %2F in labels, query strings with reserved characters", async () => {
    const body = JSON.stringify({ spec: {}, clientToken: 'a b+c' });
    check(
      await sign({
        method: 'PUT',
        path: '/v20190125/meshes',
        body,
        headers: { 'content-type': 'application/json' },
      }),
      body,
    );
    check(await sign({ method: 'GET', path: '/v20190125/meshes/a%2Fb/virtualNodes' }));
    check(
      await sign({
        method: 'GET',
        path: '/v20190125/meshes',
        query: { nextToken: 'ab+/=c d', limit: '5', meshOwner: '111122223333' },
      }),
    );
  });

  it('refuses a changed body, a wrong secret, another region and a missing signature', async () => {
    const body = '{"spec":{}}';
    const request = await sign({ method: 'PUT', path: '/v20190125/meshes/m', body });
    assert.throws(
      () => check(request, '{"spec":{"x":1}}'),
      refusedWith('InvalidSignatureException', /x-amz-content-sha256/),
    );
    assert.throws(
      () => check(request, body, 'another-secret-of-length'),
      refusedWith('InvalidSignatureException'),
    );
    const elsewhere = await sign({ method: 'GET', path: '/v20190125/meshes' }, { region: 'eu-west-1' });
    assert.throws(() => check(elsewhere), refusedWith('InvalidSignatureException', /region: 'us-east-1'/));
    assert.equal(
      parseSignatureClaim({ method: 'GET', rawUrl: '/v20190125/meshes', rawHeaders: ['Host', 'x'] }, scope),
      undefined,
    );
  });

  it('checks x-amz-content-sha256 against the body and refuses UNSIGNED-PAYLOAD', async () => {
    const body = '{"spec":{}}';
    const request = await sign({ method: 'PUT', path: '/v20190125/meshes/m', body });
    const withHeader = (value: string): SignedRequest => ({
      ...request,
      rawHeaders: [
        ...request.rawHeaders.filter(
          (_, i, all) => all[i - (i % 2)]!.toLowerCase() !== 'x-amz-content-sha256',
        ),
        'x-amz-content-sha256',
        value,
      ],
    });
    assert.throws(
      () => check(withHeader(sha256Hex('other')), body),
      refusedWith('InvalidSignatureException', /x-amz-content-sha256/),
    );
    assert.throws(
      () => check(withHeader('UNSIGNED-PAYLOAD'), body),
      refusedWith('InvalidSignatureException', /UNSIGNED-PAYLOAD/),
    );
  });

  it('allows five minutes of clock skew either way, not more', async () => {
    const request = await sign({ method: 'GET', path: '/v20190125/meshes' });
    const t = signedAt.getTime();
    check(request, '', secret, t + 299_000);
    check(request, '', secret, t - 299_000);
    assert.throws(
      () => check(request, '', secret, t + 301_000),
      refusedWith('InvalidSignatureException', /^Signature expired: 20261206T100000Z is now earlier than/),
    );
    assert.throws(
      () => check(request, '', secret, t - 301_000),
      refusedWith('InvalidSignatureException', /^Signature not yet current/),
    );
  });

  it('accepts a presigned URL until X-Amz-Expires, and not after', async () => {
    const request = await presign({ method: 'GET', path: '/v20190125/meshes', query: { limit: '3' } }, 600);
    assert.match(request.rawUrl, /X-Amz-Expires=600/);
    check(request, '', secret, signedAt.getTime() + 599_000);
    assert.throws(
      () => check(request, '', secret, signedAt.getTime() + 601_000),
      refusedWith('InvalidSignatureException', /expired/),
    );
    const tampered = { ...request, rawUrl: request.rawUrl.replace('limit=3', 'limit=4') };
    assert.throws(() => check(tampered), refusedWith('InvalidSignatureException'));
  });

  it('refuses malformed signatures with IncompleteSignatureException', () => {
    const base = { method: 'GET', rawUrl: '/v20190125/meshes' };
    const header = (value: string, date = '20261206T100000Z'): SignedRequest => ({
      ...base,
      rawHeaders: ['Host', 'h', 'X-Amz-Date', date, 'Authorization', value],
    });
    assert.throws(
      () => parseSignatureClaim(header('Bearer abc'), scope),
      refusedWith('IncompleteSignatureException'),
    );
    assert.throws(
      () =>
        parseSignatureClaim(header('AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=00'), scope),
      refusedWith('IncompleteSignatureException', /'Credential'/),
    );
    const good =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/appmesh/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
    assert.throws(
      () => parseSignatureClaim(header(good, 'yesterday'), scope),
      refusedWith('IncompleteSignatureException', /X-Amz-Date/),
    );
    assert.throws(
      () => parseSignatureClaim(header(good.replace('host;x-amz-date', 'x-amz-date')), scope),
      refusedWith('InvalidSignatureException', /'Host' must be a 'SignedHeader'/),
    );
    assert.throws(
      () => parseSignatureClaim(header(good.replace('/appmesh/', '/iam/')), scope),
      refusedWith('InvalidSignatureException', /service: 'appmesh'/),
    );
    assert.throws(
      () => parseSignatureClaim(header(good.replace('20261206/', '20261205/')), scope),
      refusedWith('InvalidSignatureException', /Date in Credential scope/),
    );
  });
});
