// Keeps a second process from opening the same data directory: an exclusive SQLite lock on a side file.

import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { preparePrivateFile } from './private-files.ts';

export interface DataDirLock {
  release(): void;
}

/**
 * The OS drops the lock when the holder dies (even by SIGKILL), so a crash never leaves a stale lock behind.
 * Throws when another process, or another store in this process, holds it.
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
    throw error;
  }
  return { release: () => db.close() };
}
