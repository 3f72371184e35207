import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Position } from '../event-store/event-store.port';
import { START } from '../event-store/event-store.port';

/**
 * The layout of the read-model tables, kept in the file's `user_version`. A server that opens a file of another
 * layout (an upgrade, a downgrade) folds the log into fresh tables instead of writing rows that the old tables do
 * not fit, or serving rows written the old way beside new ones. Raise it with any change to a projection's tables
 * or to what their rows hold, and with any new event type a projection reads: a version that did not know the type
 * passed it by (eventReader), and the read models it left behind lack it until refolded. 3: audit lines of added and removed measures carry the
 * whole measure. 4: snapshots name their measures by key into programme_measures. 5: the fold finds a funding
 * source whatever case and spacing name it (snapshots of a source spelt two ways hold one line now). 6: decisions
 * and executors keep who made each change, and the change.
 */
export const READ_MODEL_LAYOUT = 6;

/** The layout of read models being folded afresh (a new file reads as 0 too): whatever it holds is folded again. */
export const UNFINISHED_LAYOUT = 0;

/**
 * The read models live in one SQLite file beside the store (or anywhere: they are rebuildable). The
 * checkpoint is written in the same transaction as the rows, so after a crash the models and the
 * checkpoint agree, and the subscription resumes exactly where the models stop. That is also why a
 * lighter `synchronous=NORMAL` is enough here: a lost tail is replayed from the store.
 */
export class ReadModelDb {
  readonly db: Database.Database;

  /**
   * `bulk`: for a rebuild into a file nobody reads yet — no journal and no syncs, as an interrupted rebuild is
   * simply thrown away; the file gets WAL when it is next opened normally.
   */
  constructor(filename: string, options: { bulk?: boolean } = {}) {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename);
    this.db.pragma(options.bulk ? 'journal_mode = OFF' : 'journal_mode = WAL');
    this.db.pragma(options.bulk ? 'synchronous = OFF' : 'synchronous = NORMAL');
    // Short: better-sqlite3 waits synchronously, blocking every request; a locked file fails the batch, retried later.
    this.db.pragma('busy_timeout = 250');
    this.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, commit_position INTEGER NOT NULL, prepare_position INTEGER NOT NULL, recorded_at TEXT)');
    // Files written before the column existed get it; the next batch fills it in.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(checkpoints)').all();
    if (!columns.some((c) => c.name === 'recorded_at')) this.db.exec('ALTER TABLE checkpoints ADD COLUMN recorded_at TEXT');
  }

  get layout(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  set layout(layout: number) {
    this.db.pragma(`user_version = ${Math.trunc(layout)}`);
  }

  checkpoint(name: string): Position {
    const row = this.db.prepare<[string], { commit_position: number; prepare_position: number }>('SELECT commit_position, prepare_position FROM checkpoints WHERE name = ?').get(name);
    return row ? { commit: row.commit_position, prepare: row.prepare_position } : START;
  }

  /** `recordedAt`: when the last event the read models hold was recorded — the instant they show things as known. */
  saveCheckpoint(name: string, position: Position, recordedAt: string | null): void {
    this.db
      .prepare(
        `INSERT INTO checkpoints (name, commit_position, prepare_position, recorded_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position, recorded_at = excluded.recorded_at`,
      )
      .run(name, position.commit, position.prepare, recordedAt);
  }


  close(): void {
    if (this.db.open) this.db.close();
  }
}
