// Signs our own clients' requests (the CLI) with AWS SigV4, so they work against a control plane with --access-file.

import {
  amzDateOf,
  canonicalHeaderValue,
  canonicalRequest,
  parseRawQuery,
  sha256Hex,
  signatureOf,
  signingKey,
  sigv4Algorithm,
} from './sigv4.ts';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SigningScope {
  readonly region: string;
  readonly service: string;
}

/**
 * The headers to add to a request to `url` so that it verifies: host, x-amz-date, x-amz-content-sha256 and
 * authorization, signed over every header given in `headers` too. `nowMs` is the signing time.
 */
export function signRequest(
  request: {
    readonly method: string;
    readonly url: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
  },
  credentials: SigningCredentials,
  scope: SigningScope,
  nowMs: number,
): Record<string, string> {
  const url = new URL(request.url);
  const amzDate = amzDateOf(nowMs);
  const payloadSha256Hex = sha256Hex(request.body ?? '');
  const credentialScope = `${amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  const added = { host: url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadSha256Hex };
  const headers = Object.entries({ ...request.headers, ...added })
    .map(([name, value]) => [name.toLowerCase(), canonicalHeaderValue(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = canonicalRequest({
    method: request.method,
    path: url.pathname,
    queryPairs: parseRawQuery(url.search.slice(1)) ?? [],
    headers,
    payloadSha256Hex,
  });
  const signature = signatureOf(
    signingKey(credentials.secretAccessKey, credentialScope),
    amzDate,
    credentialScope,
    canonical,
  );
  const signedHeaders = headers.map(([name]) => name).join(';');
  return {
    ...added,
    authorization: `${sigv4Algorithm} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
