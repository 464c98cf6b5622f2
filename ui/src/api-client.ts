// The console's one door to the control plane: same-origin fetches of the public API, SigV4-signed in the
// browser when the user gave credentials (kept in sessionStorage only, so they end with the tab).

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What /ui/console-config.json says about the control plane serving the console. */
export interface ConsoleConfig {
  readonly region: string;
  readonly authentication: boolean;
}

const storageKey = 'switchyard.console.credentials';

export function storedCredentials(): Credentials | undefined {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Partial<Credentials> | null;
    if (typeof parsed?.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string') {
      return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
    }
  } catch {
    // A damaged entry is as good as none.
  }
  return undefined;
}

export function storeCredentials(credentials: Credentials | undefined): void {
  if (credentials === undefined) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, JSON.stringify(credentials));
}

/** An error answer of the API, with App Mesh's error type (`AccessDeniedException`, `NotFoundException`, …). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
  }
}

let configPromise: Promise<ConsoleConfig> | undefined;

export function consoleConfig(): Promise<ConsoleConfig> {
  configPromise ??= fetch('/ui/console-config.json').then(async (response) => {
    if (!response.ok) throw new ApiError(response.status, 'ConsoleConfig', 'cannot read the console config');
    return (await response.json()) as ConsoleConfig;
  });
  return configPromise;
}

async function signedHeaders(
  method: string,
  url: URL,
  body: string | undefined,
  credentials: Credentials,
  region: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service: 'appmesh', sha256: Sha256 });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const headers: Record<string, string> = { host: url.host };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  // The browser sets Host itself (to the same value); fetch refuses to be told.
  const { host: _host, ...rest } = signed.headers;
  return rest;
}

function errorTypeOf(response: Response, body: unknown): string {
  const header = response.headers.get('x-amzn-errortype');
  if (header) return header.split(':', 1)[0]!;
  const member = (body as { __type?: unknown; code?: unknown } | null)?.__type;
  return typeof member === 'string' ? member : `HTTP ${response.status}`;
}

/** Calls the control plane; throws ApiError with the server's message on an error answer. */
export async function callApi<T>(method: string, pathAndQuery: string, body?: unknown): Promise<T> {
  const url = new URL(pathAndQuery, location.origin);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const credentials = storedCredentials();
  const headers: Record<string, string> = credentials
    ? await signedHeaders(method, url, text, credentials, (await consoleConfig()).region)
    : text !== undefined
      ? { 'content-type': 'application/json' }
      : {};
  const response = await fetch(url, { method, headers, ...(text !== undefined ? { body: text } : {}) });
  const answer = await response.text();
  let parsed: unknown;
  try {
    parsed = answer === '' ? undefined : JSON.parse(answer);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message = (parsed as { message?: unknown; Message?: unknown } | undefined)?.message;
    throw new ApiError(
      response.status,
      errorTypeOf(response, parsed),
      typeof message === 'string' ? message : answer.slice(0, 500) || response.statusText,
    );
  }
  return parsed as T;
}
