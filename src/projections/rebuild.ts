import type { Logger } from 'pino';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Config, ConfigError } from '../config/config.schema';
import { lockDataFiles } from '../config/data-files.lock';
import { createEventStore } from '../event-store/event-store.factory';
import { type EventStore, readWholeLog, START } from '../event-store/event-store.port';
import { ProjectionRunner } from './projection.runner';
import { createProjections } from './projections.factory';
import { ReadModelDb } from './read-model.db';

const COUNT_PAGE = 1000;

export interface RebuildOptions {
  readonly logger: Logger;
  /** Once, before the first event is folded: how many events the log holds. */
  readonly onStart?: (total: number) => void;
  /** After each page: how many events are folded so far. */
  readonly onProgress?: (processed: number) => void;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
}

/**
 * What `npm run rebuild` does: opens the configured store and read-model file, drops every read model the
 * server keeps and folds the whole log into a new file, swapped in at the end. Stop the server first: it keeps
 * the old file open and would go on answering (and writing) from it until restarted; a rebuild is refused while
 * it runs (lockDataFiles).
 */
export async function rebuildReadModels(
  config: Pick<Config, 'EVENTSTORE_CONNECTION_STRING' | 'DATA_DIR' | 'READ_MODEL_FILE' | 'eventStoreFile' | 'readModelFile'>,
  options: RebuildOptions,
): Promise<RebuildResult> {
  // A DATA_DIR mistyped would otherwise get a new, empty store and a "rebuild" of nothing, reported as done.
  if (!config.EVENTSTORE_CONNECTION_STRING && !existsSync(config.eventStoreFile)) {
    throw new ConfigError([`DATA_DIR: no event store at ${config.eventStoreFile}: nothing to rebuild from (is DATA_DIR the server's?)`]);
  }
  // Refused while a server runs on the same files: it would go on writing the read models being replaced.
  const lock = lockDataFiles(config, { store: true });
  try {
    const store = createEventStore(config, options.logger);
    try {
      options.onStart?.(await countEvents(store));
      const started = performance.now();
      const events = await rebuildFromStore(store, config.readModelFile, options);
      return { events, seconds: (performance.now() - started) / 1000 };
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
}

/** The rebuild itself, on a store already open (the benchmark times exactly this); returns how many events it folded. */
export async function rebuildFromStore(store: EventStore, readModelFile: string, options: Omit<RebuildOptions, 'onStart'>): Promise<number> {
  // Built beside the old file and swapped in at the end: a failed rebuild leaves the old read models whole.
  const building = rebuildingFile(readModelFile);
  removeDatabase(building);
  const readModels = new ReadModelDb(building, { bulk: true });
  try {
    const runner = new ProjectionRunner(store, readModels, createProjections().all, options.logger);
    const events = await runner.rebuild(options.onProgress);
    readModels.close();
    removeDatabase(readModelFile);
    renameSync(building, readModelFile);
    return events;
  } finally {
    readModels.close();
    removeDatabase(building);
  }
}

const rebuildingFile = (readModelFile: string) => `${readModelFile}.rebuilding`;

/**
 * What a rebuild that did not finish (killed) left beside the read models: the data-file lock is held, so no
 * rebuild runs now, and the file would only take room until the next one.
 */
export function removeUnfinishedRebuild(readModelFile: string): void {
  removeDatabase(rebuildingFile(readModelFile));
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * The SQLite store numbers its events 1, 2, 3… (an AUTOINCREMENT key, rolled back with a failed append), so
 * its head position is the count. EventStoreDB's positions are byte offsets: its log is counted page by page.
 */
async function countEvents(store: EventStore): Promise<number> {
  if (store.kind === 'sqlite') return Math.max(0, (await store.headPosition()).commit);
  let count = 0;
  for await (const page of readWholeLog(store, START, COUNT_PAGE)) count += page.length;
  return count;
}
