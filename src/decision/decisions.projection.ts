import type Database from 'better-sqlite3';
import { lockOn } from '../common/cross-stream.locks';
import { nameKey } from '../common/name-key';
import type { RecordedEvent } from '../event-store/event-store.port';
import type { Projection } from '../projections/projection';
import { changesOf, knownAt, type Recorded, type RecordedChange, recorded } from '../projections/recorded-history';
import { Statements } from '../projections/statements';
import { type Decision, decisionIdOf, decisionNumber, decisionEventOf, evolve, initialDecision } from './domain/decision.decider';

export type RegisteredDecision = Extract<Decision, { status: 'registered' }>;
type Act = Pick<RegisteredDecision, 'council' | 'number' | 'adoptedOn'>;

/** What makes one act of a council: its number on a date. None for an unnumbered decision, which cannot be told apart. */
function actKey({ council, number, adoptedOn }: Act): string | undefined {
  if (number === null) return undefined;
  // Numbers registered before they were tidied on the way in compare as tidied.
  return JSON.stringify([nameKey(council), nameKey(decisionNumber(number) ?? number), adoptedOn]);
}

/** The lock of the act (CrossStreamLocks) a registration, a correction or an import checks with sameAct: none for an unnumbered one. */
export function actLocks(act: Act): string[] {
  const key = actKey(act);
  return key === undefined ? [] : [lockOn.act(key)];
}

/**
 * Decisions by id, folded with the decider's own evolve, with every state as it was recorded: a view known at
 * an earlier instant cites a decision as it was registered then (before a later correction of its number).
 */
export class DecisionsProjection implements Projection {
  readonly name = 'decisions';
  // Compiled once: a view cites every decision in force, one lookup each.
  private statements!: Statements;

  createSchema(db: Database.Database): void {
    this.statements = new Statements(db);
    db.exec(`CREATE TABLE IF NOT EXISTS decisions (
      id TEXT PRIMARY KEY, adopted_on TEXT NOT NULL, registered_at TEXT NOT NULL, history TEXT NOT NULL)`);
  }

  drop(db: Database.Database): void {
    db.exec('DROP TABLE IF EXISTS decisions');
  }

  apply(event: RecordedEvent): void {
    const decisionId = decisionIdOf(event.streamName);
    if (decisionId === undefined) return;
    const decisionEvent = decisionEventOf(event);
    if (decisionEvent === undefined) return;
    const history = this.history(decisionId);
    const next = evolve(knownAt(history, undefined) ?? initialDecision, decisionEvent);
    if (next.status !== 'registered') return;
    this.statements
      .get(`INSERT INTO decisions (id, adopted_on, registered_at, history) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET adopted_on = excluded.adopted_on, history = excluded.history`)
      .run(decisionId, next.adoptedOn, event.created, JSON.stringify([...history, recorded(event, next)]));
  }

  /** Every change recorded to the decision (its registration, each correction), with who made it; undefined for one never registered. */
  changes(decisionId: string): RecordedChange[] | undefined {
    return changesOf(this.history(decisionId));
  }

  /** As known at `at` (now, without it). */
  get(decisionId: string, at?: string): RegisteredDecision | undefined {
    return knownAt(this.history(decisionId), at);
  }

  list(): RegisteredDecision[] {
    return this.statements
      .get<[], { history: string }>('SELECT history FROM decisions ORDER BY adopted_on, registered_at')
      .all()
      .map((row) => knownAt(JSON.parse(row.history) as Recorded<RegisteredDecision>[], undefined) as RegisteredDecision);
  }

  /** The decision registered as this act: the council's number on that date (null for an unnumbered one, which cannot be told apart). */
  sameAct(act: Act, exceptId?: string): RegisteredDecision | undefined {
    const key = actKey(act);
    if (key === undefined) return undefined;
    return this.list().find((d) => d.id !== exceptId && actKey(d) === key);
  }

  private history(decisionId: string): Recorded<RegisteredDecision>[] {
    const row = this.statements.get<[string], { history: string }>('SELECT history FROM decisions WHERE id = ?').get(decisionId);
    return row ? (JSON.parse(row.history) as Recorded<RegisteredDecision>[]) : [];
  }
}
