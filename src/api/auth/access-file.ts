// The access file (--access-file): API keys with their policies, read from YAML or JSON, never readable by others.

import { open } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { signingKey as deriveSigningKey } from '../../util/sigv4.ts';
import { parsePolicy, PolicyError, type Policy } from './iam-policy.ts';

/** A listed key. The secret sits in a private field, so logging or serialising a key cannot print it. */
export class AccessKey {
  readonly accessKeyId: string;
  /** The IAM user name shown in AccessDenied messages; the key id when the file names none. */
  readonly userName: string;
  readonly policy: Policy;
  readonly #secretAccessKey: string;
  // The derived key changes once a day per region; deriving it is five HMACs, most of a verification's cost.
  #derived: { readonly scope: string; readonly key: Buffer } | undefined;

  constructor(accessKeyId: string, secretAccessKey: string, userName: string, policy: Policy) {
    this.accessKeyId = accessKeyId;
    this.userName = userName;
    this.policy = policy;
    this.#secretAccessKey = secretAccessKey;
  }

  /** The SigV4 signing key for `credentialScope`, derived from the secret; the last one is kept. */
  signingKey(credentialScope: string): Buffer {
    if (this.#derived?.scope !== credentialScope) {
      this.#derived = {
        scope: credentialScope,
        key: deriveSigningKey(this.#secretAccessKey, credentialScope),
      };
    }
    return this.#derived.key;
  }

  toJSON(): { accessKeyId: string; userName: string } {
    return { accessKeyId: this.accessKeyId, userName: this.userName };
  }
}

export type AccessKeys = ReadonlyMap<string, AccessKey>;

export class AccessFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccessFileError';
  }
}

/** Largest access file read; thousands of keys fit, and a wrong path to a huge file fails fast. */
export const maxAccessFileBytes = 4 * 1024 * 1024;

const keyFields = new Set(['accessKeyId', 'secretAccessKey', 'policy', 'userName']);

function parseKey(raw: unknown, where: string): AccessKey {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AccessFileError(`${where} must be an object with accessKeyId, secretAccessKey and policy`);
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!keyFields.has(key)) {
      throw new AccessFileError(
        `${where}.${key} is not a known field (accessKeyId, secretAccessKey, policy, userName)`,
      );
    }
  }
  const { accessKeyId, secretAccessKey, userName } = fields;
  if (typeof accessKeyId !== 'string' || !/^[A-Z0-9]{16,128}$/.test(accessKeyId)) {
    throw new AccessFileError(
      `${where}.accessKeyId must be 16 to 128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE`,
    );
  }
  // Never quote the value: it is the secret.
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length < 16 || /\s/.test(secretAccessKey)) {
    throw new AccessFileError(
      `${where}.secretAccessKey (${accessKeyId}) must be a string of at least 16 characters without spaces`,
    );
  }
  if (userName !== undefined && (typeof userName !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(userName))) {
    throw new AccessFileError(`${where}.userName must be 1 to 64 of letters, digits and +=,.@_-`);
  }
  if (fields.policy === undefined) throw new AccessFileError(`${where}.policy is required`);
  let policy: Policy;
  try {
    policy = parsePolicy(fields.policy, `${where}.policy`);
  } catch (error) {
    if (error instanceof PolicyError) throw new AccessFileError(error.message, { cause: error });
    throw error;
  }
  return new AccessKey(accessKeyId, secretAccessKey, userName ?? accessKeyId, policy);
}

/** Validates a parsed access file. Messages name fields, never secret values. */
export function parseAccessKeys(document: unknown): AccessKeys {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AccessFileError('the access file must be an object with a keys list');
  }
  const top = document as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (key !== 'keys')
      throw new AccessFileError(`${key} is not a known field; the access file has one: keys`);
  }
  if (!Array.isArray(top.keys) || top.keys.length === 0) {
    throw new AccessFileError('keys must be a non-empty list');
  }
  const keys = new Map<string, AccessKey>();
  top.keys.forEach((raw, index) => {
    const key = parseKey(raw, `keys[${index}]`);
    if (keys.has(key.accessKeyId)) {
      throw new AccessFileError(`keys[${index}].accessKeyId ${key.accessKeyId} is listed twice`);
    }
    keys.set(key.accessKeyId, key);
  });
  return keys;
}

/** Parses YAML or JSON (JSON is YAML). The parser's own messages quote source lines, so only positions are kept. */
function parseText(text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const [first] = document.errors;
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    throw new AccessFileError(
      `it is not valid YAML or JSON (${first.code} at line ${at.line}, column ${at.col})`,
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch {
    // Alias bombs and the like: the parser's message could quote the file, so it is not passed on.
    throw new AccessFileError('it is not valid YAML or JSON (its aliases could not be resolved)');
  }
}

/**
 * Reads and validates `file`. Refuses a file that its group or others may read or write: it holds secrets.
 * Every error message starts with the file name and says what to fix.
 */
export async function loadAccessFile(file: string): Promise<AccessKeys> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      // The mode is checked on the open handle, so the file read is the file checked.
      const stat = await handle.stat();
      if (!stat.isFile()) throw new AccessFileError(`access file ${file} is not a regular file`);
      if ((stat.mode & 0o077) !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        throw new AccessFileError(
          `access file ${file} is readable or writable by group or others (mode ${mode}); run chmod 600 ${file}`,
        );
      }
      if (stat.size > maxAccessFileBytes) {
        throw new AccessFileError(`access file ${file} is larger than ${maxAccessFileBytes} bytes`);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof AccessFileError) throw error;
    throw new AccessFileError(`cannot read access file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return parseAccessKeys(parseText(text));
  } catch (error) {
    if (error instanceof AccessFileError) {
      throw new AccessFileError(`access file ${file}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
