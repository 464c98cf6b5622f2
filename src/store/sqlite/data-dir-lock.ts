// Keeps a second process from opening the same data directory: an exclusive SQLite lock on a side file.

import { readFileSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { preparePrivateFile, privateFileMode } from './private-files.ts';

export interface DataDirLock {
  release(): void;
}

/** Another process (or another store in this one) holds the directory; `holderPid` when it wrote its pid. */
export class DataDirInUseError extends Error {
  readonly dataDir: string;
  readonly holderPid: number | undefined;
  constructor(dataDir: string, holderPid: number | undefined, options?: ErrorOptions) {
    const by = holderPid === undefined ? 'another process' : `another process (pid ${holderPid})`;
    super(`data dir ${dataDir} is in use by ${by}`, options);
    this.name = 'DataDirInUseError';
    this.dataDir = dataDir;
    this.holderPid = holderPid;
  }
}

/** The holder writes its pid here once it has the lock, so the one refused can name it. */
const pidFileName = 'switchyard.lock.pid';

function readHolderPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, pidFileName), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The OS drops the lock when the holder dies (even by SIGKILL), so a crash never leaves a stale lock behind;
 * the pid file it leaves is only read while someone holds the lock, so a stale one is never believed.
 * Throws DataDirInUseError when another process, or another store in this process, holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, 'switchyard.lock');
  preparePrivateFile(path);
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    // In exclusive locking mode the lock taken by the first write transaction is kept until close.
    db.exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;');
  } catch (error) {
    db.close();
    if (/locked|busy/i.test((error as Error).message)) {
      throw new DataDirInUseError(dataDir, readHolderPid(dataDir), { cause: error });
    }
    throw error;
  }
  try {
    writeFileSync(join(dataDir, pidFileName), `${process.pid}\n`, { mode: privateFileMode });
  } catch {
    // Only the message of a refused second process loses its pid.
  }
  return { release: () => db.close() };
}
