import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { Projection } from '../../projections/projection';
import type { AmendmentRegistered, AmendmentRevoked, ProgrammeChange } from '../domain/programme.events';
import type { ProgrammeContent } from '../domain/programme.types';
import { programmeTotals, type Totals } from '../domain/totals';
import { type AmendmentRecord, compareEffective, EMPTY_TIMELINE, evolveTimeline, fold, inForce, type ProgrammeTimeline } from '../domain/timeline';
import { auditChanges } from './audit.rows';

/**
 * Every N-th version (in effective order) keeps a full snapshot, so that any view folds at most N
 * amendments on top of one, however long the history.
 */
export const SNAPSHOT_EVERY = 16;

/** What the projection keeps in memory per programme: the timeline in effective order and its end state. */
interface ProgrammeMemory {
  timeline: ProgrammeTimeline;
  /** The amendments in force by current knowledge, in effective order. */
  ordered: AmendmentRecord[];
  /** The content after the last of them. */
  end: ProgrammeContent | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS programme_heads (
    programme_id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    registered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS programme_amendments (
    programme_id TEXT NOT NULL,
    amendment_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    last_revision INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    note TEXT,
    initial INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    position_commit INTEGER NOT NULL,
    position_prepare INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    changes TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT,
    revoked_revision INTEGER,
    totals TEXT,
    PRIMARY KEY (programme_id, amendment_id)
  );
  CREATE INDEX IF NOT EXISTS programme_amendments_effective ON programme_amendments (programme_id, effective_from, revision);
  CREATE INDEX IF NOT EXISTS programme_amendments_decision ON programme_amendments (decision_id);
  CREATE TABLE IF NOT EXISTS programme_snapshots (
    programme_id TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    revision INTEGER NOT NULL,
    known_from TEXT NOT NULL,
    known_to TEXT,
    content TEXT NOT NULL,
    PRIMARY KEY (programme_id, effective_from, revision, known_from)
  );
  CREATE TABLE IF NOT EXISTS programme_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT,
    amendment_id TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    kind TEXT NOT NULL,
    measure_id TEXT,
    measure_number TEXT,
    field TEXT,
    funding_source TEXT,
    was TEXT,
    became TEXT,
    reason TEXT
  );
  CREATE INDEX IF NOT EXISTS programme_audit_programme ON programme_audit (programme_id, seq);
  CREATE TABLE IF NOT EXISTS programme_open_appends (programme_id TEXT PRIMARY KEY, events TEXT NOT NULL);
`;

export interface AmendmentRow {
  programme_id: string;
  amendment_id: string;
  revision: number;
  last_revision: number;
  effective_from: string;
  decision_id: string;
  note: string | null;
  initial: number;
  recorded_at: string;
  position_commit: number;
  position_prepare: number;
  metadata: string;
  changes: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  revoked_revision: number | null;
  totals: string | null;
}

/**
 * The programme read models: heads (list, ETag), amendments with their totals in effective order
 * (versions), bitemporal snapshots (as-of and known-at views) and the audit trail. Folded with the
 * domain's own timeline and evolve.
 */
export class ProgrammesProjection implements Projection {
  readonly name = 'programmes';
  private db!: Database.Database;
  private readonly memory = new Map<string, ProgrammeMemory>();
  /** The append being read: its header and the changes so far. */
  private readonly open = new Map<string, { events: RecordedEvent[]; expected: number }>();
  private changedInBatch = new Set<string>();
  private readonly listeners: ((programmeIds: ReadonlySet<string>) => void)[] = [];

  createSchema(db: Database.Database): void {
    this.db = db;
    db.exec(SCHEMA);
    this.open.clear();
    for (const row of db.prepare<[], { programme_id: string; events: string }>('SELECT * FROM programme_open_appends').all()) {
      const events = JSON.parse(row.events) as RecordedEvent[];
      this.open.set(row.programme_id, { events, expected: (events[0] as unknown as AmendmentRegistered).data.changeCount });
    }
  }

  /**
   * A batch may end inside an append (the header committed, some changes not yet delivered): the part
   * already read is kept with the checkpoint, or a restart would resume after a header it never saw.
   */
  beforeCommit(): void {
    this.db.exec('DELETE FROM programme_open_appends');
    const insert = this.db.prepare('INSERT INTO programme_open_appends (programme_id, events) VALUES (?, ?)');
    for (const [programmeId, open] of this.open) insert.run(programmeId, JSON.stringify(open.events));
  }

  drop(db: Database.Database): void {
    db.exec(
      'DROP TABLE IF EXISTS programme_heads; DROP TABLE IF EXISTS programme_amendments; DROP TABLE IF EXISTS programme_snapshots; DROP TABLE IF EXISTS programme_audit; DROP TABLE IF EXISTS programme_open_appends;',
    );
    this.memory.clear();
    this.open.clear();
  }

  /** Called after each committed batch with the programmes it changed (the view cache listens). */
  onCommitted(listener: (programmeIds: ReadonlySet<string>) => void): void {
    this.listeners.push(listener);
  }

  afterCommit(): void {
    if (this.changedInBatch.size === 0) return;
    const changed = this.changedInBatch;
    this.changedInBatch = new Set();
    for (const listener of this.listeners) listener(changed);
  }

  apply(event: RecordedEvent): void {
    if (!event.streamName.startsWith('programme-')) return;
    const programmeId = event.streamName.slice('programme-'.length);
    if (event.type === 'AmendmentRegistered') {
      const { changeCount } = (event as unknown as AmendmentRegistered).data;
      this.open.set(programmeId, { events: [event], expected: changeCount });
    } else if (event.type === 'AmendmentRevoked') {
      this.revoke(programmeId, event);
      return;
    } else {
      this.open.get(programmeId)?.events.push(event);
    }
    const open = this.open.get(programmeId);
    if (open && open.events.length === open.expected + 1) {
      this.open.delete(programmeId);
      this.register(programmeId, open.events);
    }
  }

  private register(programmeId: string, events: RecordedEvent[]): void {
    const memory = this.load(programmeId);
    memory.timeline = evolveTimeline(memory.timeline, events);
    const record = memory.timeline.amendments[memory.timeline.amendments.length - 1];
    const header = events[0];
    const last = events[events.length - 1];
    this.db
      .prepare(
        `INSERT INTO programme_amendments (programme_id, amendment_id, revision, last_revision, effective_from, decision_id, note, initial,
          recorded_at, position_commit, position_prepare, metadata, changes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        programmeId,
        record.amendmentId,
        record.revision,
        last.revision,
        record.effectiveFrom,
        record.decisionId,
        record.note,
        record.initial ? 1 : 0,
        record.recordedAt,
        last.position.commit,
        last.position.prepare,
        JSON.stringify(header.metadata),
        JSON.stringify(record.changes),
      );

    const index = insertionIndex(memory.ordered, record);
    memory.ordered.splice(index, 0, record);
    const before = index === memory.ordered.length - 1 ? memory.end : this.refold(programmeId, memory, index, record, record.recordedAt);
    if (index === memory.ordered.length - 1) this.advance(programmeId, memory, index, record.recordedAt);
    this.audit(programmeId, record, auditChanges(before, record.changes));
    this.touch(programmeId, last.revision, record.recordedAt);
  }

  private revoke(programmeId: string, event: RecordedEvent): void {
    const memory = this.load(programmeId);
    const { amendmentId, reason } = (event as unknown as AmendmentRevoked).data;
    memory.timeline = evolveTimeline(memory.timeline, [event]);
    const index = memory.ordered.findIndex((a) => a.amendmentId === amendmentId);
    if (index < 0) return;
    const [target] = memory.ordered.splice(index, 1);
    this.db
      .prepare('UPDATE programme_amendments SET revoked_at = ?, revoked_reason = ?, revoked_revision = ?, totals = NULL WHERE programme_id = ? AND amendment_id = ?')
      .run(event.created, reason, event.revision, programmeId, amendmentId);
    this.refold(programmeId, memory, index, target, event.created);
    this.db
      .prepare(
        `INSERT INTO programme_audit (programme_id, recorded_at, actor, amendment_id, decision_id, effective_from, kind, reason)
         VALUES (?, ?, ?, ?, ?, ?, 'revocation', ?)`,
      )
      .run(programmeId, event.created, actorOf(event.metadata), amendmentId, target.decisionId, target.effectiveFrom, reason);
    this.touch(programmeId, event.revision, event.created);
  }

  /**
   * A change in the middle of the timeline (a retroactive amendment, a revocation): the snapshots from
   * `key` on stop being current at `knownFrom` and are made again from the nearest one before it.
   * Returns the content just before position `index`.
   */
  private refold(programmeId: string, memory: ProgrammeMemory, index: number, key: AmendmentRecord, knownFrom: string): ProgrammeContent | null {
    this.db
      .prepare(
        `UPDATE programme_snapshots SET known_to = ?
         WHERE programme_id = ? AND known_to IS NULL AND (effective_from > ? OR (effective_from = ? AND revision >= ?))`,
      )
      .run(knownFrom, programmeId, key.effectiveFrom, key.effectiveFrom, key.revision);
    const base = index === 0 ? -1 : Math.floor((index - 1) / SNAPSHOT_EVERY) * SNAPSHOT_EVERY;
    let content = base < 0 ? null : this.currentSnapshot(programmeId, memory.ordered[base]);
    content = fold(memory.ordered.slice(base + 1, index), content);
    const before = content;
    memory.end = content;
    for (let i = index; i < memory.ordered.length; i++) this.advance(programmeId, memory, i, knownFrom);
    return before;
  }

  /** Folds the amendment at `index` onto `memory.end`: its totals, and a snapshot every SNAPSHOT_EVERY. */
  private advance(programmeId: string, memory: ProgrammeMemory, index: number, knownFrom: string): void {
    const amendment = memory.ordered[index];
    memory.end = fold([amendment], memory.end);
    const totals = memory.end ? programmeTotals(memory.end) : null;
    this.db
      .prepare('UPDATE programme_amendments SET totals = ? WHERE programme_id = ? AND amendment_id = ?')
      .run(totals && JSON.stringify(totals), programmeId, amendment.amendmentId);
    if (index % SNAPSHOT_EVERY === 0) {
      this.db
        .prepare('INSERT OR REPLACE INTO programme_snapshots (programme_id, effective_from, revision, known_from, known_to, content) VALUES (?, ?, ?, ?, NULL, ?)')
        .run(programmeId, amendment.effectiveFrom, amendment.revision, knownFrom, JSON.stringify(memory.end));
    }
  }

  private currentSnapshot(programmeId: string, at: AmendmentRecord): ProgrammeContent | null {
    const row = this.db
      .prepare<[string, string, number], { content: string }>(
        'SELECT content FROM programme_snapshots WHERE programme_id = ? AND effective_from = ? AND revision = ? AND known_to IS NULL',
      )
      .get(programmeId, at.effectiveFrom, at.revision);
    if (!row) throw new Error(`programme ${programmeId}: no current snapshot at ${at.effectiveFrom}#${at.revision}`);
    return JSON.parse(row.content) as ProgrammeContent;
  }

  private audit(programmeId: string, record: AmendmentRecord, lines: ReturnType<typeof auditChanges>): void {
    const insert = this.db.prepare(
      `INSERT INTO programme_audit (programme_id, recorded_at, actor, amendment_id, decision_id, effective_from, kind,
        measure_id, measure_number, field, funding_source, was, became)
       VALUES (?, ?, ?, ?, ?, ?, 'change', ?, ?, ?, ?, ?, ?)`,
    );
    const actor = actorOf(record.metadata);
    for (const line of lines) {
      insert.run(
        programmeId,
        record.recordedAt,
        actor,
        record.amendmentId,
        record.decisionId,
        record.effectiveFrom,
        line.measureId,
        line.measureNumber,
        line.field,
        line.fundingSource ?? null,
        JSON.stringify(line.was ?? null),
        JSON.stringify(line.became ?? null),
      );
    }
  }

  private touch(programmeId: string, revision: number, at: string): void {
    this.db
      .prepare(
        `INSERT INTO programme_heads (programme_id, revision, registered_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (programme_id) DO UPDATE SET revision = excluded.revision, updated_at = excluded.updated_at`,
      )
      .run(programmeId, revision, at, at);
    this.changedInBatch.add(programmeId);
  }

  /** The in-memory timeline, rebuilt from the rows after a restart. */
  private load(programmeId: string): ProgrammeMemory {
    const known = this.memory.get(programmeId);
    if (known) return known;
    const rows = this.db.prepare<[string], AmendmentRow>('SELECT * FROM programme_amendments WHERE programme_id = ? ORDER BY revision').all(programmeId);
    const timeline: ProgrammeTimeline = rows.length === 0 ? EMPTY_TIMELINE : { revision: this.headRevision(programmeId), amendments: rows.map(toRecord) };
    const ordered = inForce(timeline);
    const lastSnapshot = Math.floor((ordered.length - 1) / SNAPSHOT_EVERY) * SNAPSHOT_EVERY;
    const end = ordered.length === 0 ? null : fold(ordered.slice(lastSnapshot + 1), this.currentSnapshot(programmeId, ordered[lastSnapshot]));
    const memory: ProgrammeMemory = { timeline, ordered, end };
    this.memory.set(programmeId, memory);
    return memory;
  }

  private headRevision(programmeId: string): number {
    return this.db.prepare<[string], { revision: number }>('SELECT revision FROM programme_heads WHERE programme_id = ?').get(programmeId)?.revision ?? -1;
  }
}

export function toRecord(row: AmendmentRow): AmendmentRecord {
  return {
    amendmentId: row.amendment_id,
    decisionId: row.decision_id,
    effectiveFrom: row.effective_from,
    note: row.note,
    initial: row.initial === 1,
    revision: row.revision,
    recordedAt: row.recorded_at,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    changes: JSON.parse(row.changes) as ProgrammeChange[],
    revoked: row.revoked_at === null ? null : { at: row.revoked_at, reason: row.revoked_reason ?? '', revision: row.revoked_revision ?? -1 },
  };
}

export function totalsOfRow(row: Pick<AmendmentRow, 'totals'>): Totals | null {
  return row.totals === null ? null : (JSON.parse(row.totals) as Totals);
}

function insertionIndex(ordered: readonly AmendmentRecord[], record: AmendmentRecord): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareEffective(ordered[mid], record) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function actorOf(metadata: Readonly<Record<string, unknown>>): string | null {
  return typeof metadata.actor === 'string' ? metadata.actor : null;
}
