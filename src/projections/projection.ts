import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.port';

/**
 * A read model fed from `$all`. `apply` runs inside the runner's transaction, with the checkpoint, and must
 * be synchronous: a projection only writes its own tables.
 */
export interface Projection {
  readonly name: string;
  /** Creates the tables (and their indexes, unless deferred) if they do not exist. */
  createSchema(db: Database.Database, options?: { deferIndexes?: boolean }): void;
  /** After a rebuild has loaded every row: building an index once is far cheaper than keeping it up row by row. */
  createIndexes?(db: Database.Database): void;
  /** Drops the tables (rebuild) and forgets any in-memory cache. */
  drop(db: Database.Database): void;
  apply(event: RecordedEvent): void;
  /** At the end of each batch, still inside its transaction: persist what must survive a restart. */
  beforeCommit?(): void;
}
