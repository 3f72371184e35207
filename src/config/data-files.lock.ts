import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Config, ConfigError } from './config.schema';

export interface DataFilesLock {
  release(): void;
}

/**
 * One server (or `npm run rebuild`) per read-model file, and per embedded store: a second one would fold the
 * same events into the same tables beside the first, and stamp its appends with instants the first may also
 * use. Each file gets a `<file>.lock` beside it, held with an exclusive SQLite lock: the operating system
 * drops it with a process that dies (no stale lock after a crash), and the data files themselves stay free
 * for a backup to read.
 */
export function lockDataFiles(config: Pick<Config, 'EVENTSTORE_CONNECTION_STRING' | 'READ_MODEL_FILE' | 'eventStoreFile' | 'readModelFile'>, options: { store: boolean }): DataFilesLock {
  const wanted: [string, string][] = [[config.READ_MODEL_FILE ? 'READ_MODEL_FILE' : 'DATA_DIR', config.readModelFile]];
  if (options.store && !config.EVENTSTORE_CONNECTION_STRING) wanted.push(['DATA_DIR', config.eventStoreFile]);
  const held: Database.Database[] = [];
  const release = () => held.forEach((lock) => lock.open && lock.close());
  try {
    for (const [variable, file] of wanted) {
      const lock = holdLock(file);
      if (!lock) throw new ConfigError([`${variable}: ${file} is in use by another server or rebuild; stop it first (one server per data file)`]);
      held.push(lock);
    }
  } catch (error) {
    release();
    throw error;
  }
  return { release };
}

/** The lock on `file`, or undefined while another process (or another server in this one) holds it. */
function holdLock(file: string): Database.Database | undefined {
  mkdirSync(dirname(file), { recursive: true });
  const lock = new Database(`${file}.lock`, { timeout: 0 });
  try {
    // Kept after the transaction ends, until the connection closes.
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
}
