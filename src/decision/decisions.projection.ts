import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.port';
import type { Projection } from '../projections/projection';
import { type Decision, type DecisionEvent, evolve, initialDecision } from './domain/decision.decider';

export type RegisteredDecision = Extract<Decision, { status: 'registered' }>;

/** Decisions by id, folded with the decider's own evolve. */
export class DecisionsProjection implements Projection {
  readonly name = 'decisions';
  private db!: Database.Database;

  createSchema(db: Database.Database): void {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS decisions (
      id TEXT PRIMARY KEY, adopted_on TEXT NOT NULL, state TEXT NOT NULL, registered_at TEXT NOT NULL)`);
  }

  drop(db: Database.Database): void {
    db.exec('DROP TABLE IF EXISTS decisions');
  }

  apply(event: RecordedEvent): void {
    if (!event.streamName.startsWith('decision-')) return;
    const decisionId = event.streamName.slice('decision-'.length);
    const current = this.get(decisionId) ?? initialDecision;
    const next = evolve(current, { type: event.type, data: event.data } as DecisionEvent);
    if (next.status !== 'registered') return;
    this.db
      .prepare(`INSERT INTO decisions (id, adopted_on, state, registered_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET adopted_on = excluded.adopted_on, state = excluded.state`)
      .run(decisionId, next.adoptedOn, JSON.stringify(next), event.created);
  }

  get(decisionId: string): RegisteredDecision | undefined {
    const row = this.db.prepare<[string], { state: string }>('SELECT state FROM decisions WHERE id = ?').get(decisionId);
    return row ? (JSON.parse(row.state) as RegisteredDecision) : undefined;
  }

  list(): RegisteredDecision[] {
    return this.db
      .prepare<[], { state: string }>('SELECT state FROM decisions ORDER BY adopted_on, registered_at')
      .all()
      .map((row) => JSON.parse(row.state) as RegisteredDecision);
  }
}
