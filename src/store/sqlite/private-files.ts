// The data directory is private to the control plane's user: created 0700, database files 0600.

import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';

/** Owner read/write/search only: the store holds every mesh's config and the registry every address. */
export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

/** SQLite's side files of a database in WAL mode (and of the lock's rollback journal). */
const sideFileSuffixes = ['-wal', '-shm', '-journal'];

/**
 * Creates `dir` (and missing parents) with mode 0700. An existing directory is left as it is, since it may
 * be shared on purpose, but one that group or others can enter is reported through `onWarning`.
 */
export async function preparePrivateDir(dir: string, onWarning: (message: string) => void): Promise<void> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new Error('it exists and is not a directory');
  if (!existing) {
    await mkdir(dir, { recursive: true, mode: privateDirMode });
    return;
  }
  if ((existing.mode & 0o077) !== 0) {
    onWarning(
      `data directory ${dir} is accessible to other users (mode ${(existing.mode & 0o777).toString(8)}); run chmod 700 on it`,
    );
  }
}

/**
 * Makes sure `path` exists with mode 0600 before SQLite opens it: SQLite gives the -wal, -shm and journal
 * files it creates later the database file's mode, so they come out 0600 too. Files left by an earlier
 * release (created with the umask's 0644) are tightened, side files included.
 */
export function preparePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', privateFileMode));
  for (const file of [path, ...sideFileSuffixes.map((suffix) => path + suffix)]) {
    const mode = statSync(file, { throwIfNoEntry: false })?.mode;
    if (mode !== undefined && (mode & 0o777) !== privateFileMode) chmodSync(file, privateFileMode);
  }
}
