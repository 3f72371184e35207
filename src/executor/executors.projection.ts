import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.port';
import type { Projection } from '../projections/projection';
import { type Executor, type ExecutorEvent, evolve, initialExecutor, nameAt } from './domain/executor.decider';

export type KnownExecutor = Extract<Executor, { status: 'active' | 'retired' }>;

/** The executor directory shared by every programme, with each executor's names over time. */
export class ExecutorsProjection implements Projection {
  readonly name = 'executors';
  private db!: Database.Database;
  /** Every programme view names its executors: the directory is small and read on every view. */
  private cache: Map<string, KnownExecutor> | undefined;

  createSchema(db: Database.Database): void {
    this.db = db;
    db.exec('CREATE TABLE IF NOT EXISTS executors (id TEXT PRIMARY KEY, state TEXT NOT NULL, registered_at TEXT NOT NULL)');
  }

  drop(db: Database.Database): void {
    db.exec('DROP TABLE IF EXISTS executors');
    this.cache = undefined;
  }

  apply(event: RecordedEvent): void {
    if (!event.streamName.startsWith('executor-')) return;
    const executorId = event.streamName.slice('executor-'.length);
    const next = evolve(this.get(executorId) ?? initialExecutor, { type: event.type, data: event.data } as ExecutorEvent);
    if (next.status === 'unknown') return;
    this.db
      .prepare('INSERT INTO executors (id, state, registered_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state')
      .run(executorId, JSON.stringify(next), event.created);
    this.all().set(executorId, next);
  }

  get(executorId: string): KnownExecutor | undefined {
    return this.all().get(executorId);
  }

  /** Sorted by the name valid on `asOf` (null: the latest names). */
  list(asOf: string | null): KnownExecutor[] {
    return [...this.all().values()].sort((a, b) => nameAt(a, asOf).localeCompare(nameAt(b, asOf), 'uk'));
  }

  private all(): Map<string, KnownExecutor> {
    if (!this.cache) {
      const rows = this.db.prepare<[], { id: string; state: string }>('SELECT id, state FROM executors').all();
      this.cache = new Map(rows.map((row) => [row.id, JSON.parse(row.state) as KnownExecutor]));
    }
    return this.cache;
  }
}
