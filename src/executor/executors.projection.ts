import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.port';
import type { Projection } from '../projections/projection';
import { changesOf, knownAt, type Recorded, type RecordedChange, recorded } from '../projections/recorded-history';
import { type Executor, evolve, executorEventOf, executorIdOf, initialExecutor, nameAt, normalizeExecutorName } from './domain/executor.decider';

export type KnownExecutor = Extract<Executor, { status: 'active' | 'retired' }>;

/**
 * The executor directory shared by every programme: each executor's names over effective time, and every state
 * as it was recorded, so that a view known at an earlier instant shows the names known then.
 */
export class ExecutorsProjection implements Projection {
  readonly name = 'executors';
  private db!: Database.Database;
  /** Every programme view names its executors: the directory is small and read on every view. */
  private cache: Map<string, Recorded<KnownExecutor>[]> | undefined;

  createSchema(db: Database.Database): void {
    this.db = db;
    this.cache = undefined;
    db.exec('CREATE TABLE IF NOT EXISTS executors (id TEXT PRIMARY KEY, history TEXT NOT NULL)');
  }

  drop(db: Database.Database): void {
    db.exec('DROP TABLE IF EXISTS executors');
    this.cache = undefined;
  }

  apply(event: RecordedEvent): void {
    const executorId = executorIdOf(event.streamName);
    if (executorId === undefined) return;
    const executorEvent = executorEventOf(event);
    if (executorEvent === undefined) return;
    const next = evolve(this.get(executorId) ?? initialExecutor, executorEvent);
    if (next.status === 'unknown') return;
    const history = [...(this.all().get(executorId) ?? []), recorded(event, next)];
    this.db.prepare('INSERT INTO executors (id, history) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET history = excluded.history').run(executorId, JSON.stringify(history));
    this.all().set(executorId, history);
  }

  /** As known at `at` (now, without it). */
  get(executorId: string, at?: string): KnownExecutor | undefined {
    return knownAt(this.all().get(executorId), at);
  }

  /** Every change recorded to the executor (registration, renames, retirement), with who made it; undefined for one never registered. */
  changes(executorId: string): RecordedChange[] | undefined {
    return changesOf(this.all().get(executorId) ?? []);
  }

  /** Sorted by the name valid on `asOf` (null: the latest names). */
  list(asOf: string | null): KnownExecutor[] {
    return [...this.all().values()].map((history) => knownAt(history, undefined) as KnownExecutor).sort((a, b) => nameAt(a, asOf).localeCompare(nameAt(b, asOf), 'uk'));
  }

  /** The executor that bears the name, or bore it before a rename (written in any case or spacing). */
  holderOf(name: string): KnownExecutor | undefined {
    const wanted = normalizeExecutorName(name);
    for (const history of this.all().values()) {
      const executor = knownAt(history, undefined) as KnownExecutor;
      if (executor.names.some((n) => normalizeExecutorName(n.name) === wanted)) return executor;
    }
    return undefined;
  }

  private all(): Map<string, Recorded<KnownExecutor>[]> {
    if (!this.cache) {
      const rows = this.db.prepare<[], { id: string; history: string }>('SELECT id, history FROM executors').all();
      this.cache = new Map(rows.map((row) => [row.id, JSON.parse(row.history) as Recorded<KnownExecutor>[]]));
    }
    return this.cache;
  }
}
