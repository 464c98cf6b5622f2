// Reads a secret token from a file that only its owner may read (proxy access tokens for `switchyard proxy`).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A token file that cannot be used; the message names the file and what to fix, never its content. */
export class TokenFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenFileError';
  }
}

export const maxTokenFileBytes = 4096;

/** Whether `token` can be sent as a header or gRPC metadata value: visible ASCII, no spaces. */
export function tokenValueProblem(token: string): string | undefined {
  if (token === '') return 'is empty';
  if (token.length > maxTokenFileBytes) return `is longer than ${maxTokenFileBytes} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'holds spaces or characters other than visible ASCII';
  return undefined;
}

/**
 * The token in `file` (surrounding whitespace and a trailing newline ignored). Synchronous: it is read again
 * before every reconnect, and it is small. Refuses files its group or others may read or write.
 */
export function readTokenFile(file: string): string {
  let text: string;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // The mode is checked on the open descriptor, so the file read is the file checked.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new TokenFileError(`token file ${file} is not a regular file`);
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new TokenFileError(
        `token file ${file} is readable or writable by group or others (mode ${mode}); run chmod 600 ${file}`,
      );
    }
    if (stat.size > maxTokenFileBytes)
      throw new TokenFileError(`token file ${file} is larger than ${maxTokenFileBytes} bytes`);
    const buffer = Buffer.alloc(maxTokenFileBytes + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    text = buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    if (error instanceof TokenFileError) throw error;
    throw new TokenFileError(`cannot read token file ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const token = text.trim();
  const problem = tokenValueProblem(token);
  if (problem !== undefined) throw new TokenFileError(`token file ${file} ${problem}`);
  return token;
}
