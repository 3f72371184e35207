import type Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import type { RecordedEvent } from '../../event-store/event-store.port';
import type { Projection } from '../../projections/projection';
import { actorOf } from '../../projections/recorded-history';
import { Statements } from '../../projections/statements';
import { type AmendmentRegistered, type AmendmentRevoked, programmeEventOf, programmeIdOf } from '../domain/programme.events';
import type { ProgrammeContent } from '../domain/programme.types';
import { programmeTotals } from '../domain/totals';
import { type AmendmentRecord, compareEffective, EMPTY_TIMELINE, evolveTimeline, fold, inForce, type ProgrammeTimeline } from '../domain/timeline';
import { auditChanges } from './audit.rows';
import { AuditWriter } from './audit.writer';
import { type AmendmentRow, PROGRAMME_INDEXES, PROGRAMME_TABLES, toRecord } from './programme.tables';
import { SnapshotCodec } from './snapshot.codec';

/**
 * At least every N-th version (in effective order) keeps a full snapshot, so that any view folds fewer than
 * N amendments on top of one, however long the history.
 */
export const SNAPSHOT_EVERY = 16;

/** What the projection keeps in memory per programme: its versions in effective order, where their snapshots are, and the end state. */
interface ProgrammeMemory {
  /** The amendments in force by current knowledge, in effective order. */
  ordered: AmendmentRecord[];
  /**
   * The amendments whose content has a current snapshot: never SNAPSHOT_EVERY versions in a row without one.
   * With the content once it has been written or read here (null: only in the table), so that a refold starts
   * from it and compares with it without reading and parsing it back. Held as long as the process runs: contents
   * folded one from another share every measure left unchanged, so each costs the few measures changed since
   * the previous snapshot (a few KB; 4.5 MB for the benchmark’s 10,000 amendments, measured).
   */
  snapshots: Map<string, { readonly content: ProgrammeContent | null } | null>;
  /** The content after the last of them. */
  end: ProgrammeContent | null;
  /** How many versions follow the last snapshot. */
  tail: number;
  /** The greatest effective key ever recorded, revoked amendments included (programme_knowledge.horizon_*). */
  horizon: AmendmentRecord | undefined;
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
  private statements!: Statements;
  private codec!: SnapshotCodec;
  private auditTrail!: AuditWriter;
  private readonly heads = new Map<string, { revision: number; registeredAt: string; updatedAt: string }>();

  createSchema(db: Database.Database, options: { deferIndexes?: boolean } = {}): void {
    this.db = db;
    this.statements = new Statements(db);
    this.codec = new SnapshotCodec(db);
    this.auditTrail = new AuditWriter(this.statements);
    db.exec(PROGRAMME_TABLES);
    if (!options.deferIndexes) db.exec(PROGRAMME_INDEXES);
    // What was kept in memory is reloaded from the tables (after a restart, a rebuild or a rolled-back batch).
    this.memory.clear();
    this.heads.clear();
    this.open.clear();
    for (const row of db.prepare<[], { programme_id: string; events: string }>('SELECT * FROM programme_open_appends').all()) {
      const events = JSON.parse(row.events) as RecordedEvent[];
      // An open append starts with its header (apply).
      this.open.set(row.programme_id, { events, expected: (events[0].data as AmendmentRegistered['data']).changeCount });
    }
  }

  createIndexes(db: Database.Database): void {
    db.exec(PROGRAMME_INDEXES);
  }

  /**
   * A batch may end inside an append (the header committed, some changes not yet delivered): the part
   * already read is kept with the checkpoint, or a restart would resume after a header it never saw.
   */
  beforeCommit(): void {
    this.writeHeads();
    this.db.exec('DELETE FROM programme_open_appends');
    const insert = this.db.prepare('INSERT INTO programme_open_appends (programme_id, events) VALUES (?, ?)');
    for (const [programmeId, open] of this.open) insert.run(programmeId, JSON.stringify(open.events));
  }

  drop(db: Database.Database): void {
    db.exec(
      'DROP TABLE IF EXISTS programme_heads; DROP TABLE IF EXISTS programme_amendments; DROP TABLE IF EXISTS programme_snapshots; DROP TABLE IF EXISTS programme_knowledge; DROP TABLE IF EXISTS programme_audit; DROP TABLE IF EXISTS programme_open_appends; DROP TABLE IF EXISTS programme_measures;',
    );
    this.memory.clear();
    this.open.clear();
    this.heads.clear();
  }

  apply(stored: RecordedEvent): void {
    const programmeId = programmeIdOf(stored.streamName);
    if (programmeId === undefined) return;
    const event = programmeEventOf(stored);
    if (event?.type === 'AmendmentRegistered') {
      this.open.set(programmeId, { events: [stored], expected: event.data.changeCount });
    } else if (event?.type === 'AmendmentRevoked') {
      this.revoke(programmeId, stored, event.data);
      return;
    } else {
      // A change, or one of a type this code does not know: it counts towards its append, and the timeline passes it by.
      this.open.get(programmeId)?.events.push(stored);
    }
    const open = this.open.get(programmeId);
    if (open && open.events.length === open.expected + 1) {
      this.open.delete(programmeId);
      this.register(programmeId, open.events);
    }
  }

  private register(programmeId: string, events: RecordedEvent[]): void {
    const memory = this.load(programmeId);
    const record = evolveTimeline(EMPTY_TIMELINE, events).amendments[0];
    const header = events[0];
    const last = events[events.length - 1];
    const index = insertionIndex(memory.ordered, record);
    memory.ordered.splice(index, 0, record);
    // At the end of the timeline (the usual case) the totals after it are known at once; in the middle, the refold writes them.
    const atEnd = index === memory.ordered.length - 1;
    const audited = atEnd ? auditChanges(memory.end, record.changes) : null;
    this.statements.get(
      `INSERT INTO programme_amendments (programme_id, amendment_id, revision, last_revision, effective_from, decision_id, note, initial,
        recorded_at, position_commit, position_prepare, metadata, changes, totals)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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
      totalsJson(audited && audited.after),
    );

    if (!memory.horizon || compareEffective(record, memory.horizon) > 0) memory.horizon = record;
    this.known(programmeId, memory, record.recordedAt, last.revision);
    if (audited) this.extend(programmeId, memory, audited.after, record.recordedAt);
    this.auditTrail.changes(programmeId, record, (audited ?? auditChanges(this.refold(programmeId, memory, index, record.recordedAt), record.changes)).lines);
    this.touch(programmeId, last.revision, record.recordedAt);
  }

  private revoke(programmeId: string, event: RecordedEvent, { amendmentId, reason }: AmendmentRevoked['data']): void {
    const memory = this.load(programmeId);
    const index = memory.ordered.findIndex((a) => a.amendmentId === amendmentId);
    if (index < 0) return;
    const [target] = memory.ordered.splice(index, 1);
    this.statements.get('UPDATE programme_amendments SET revoked_at = ?, revoked_reason = ?, revoked_revision = ?, totals = NULL WHERE programme_id = ? AND revision = ?').run(
      event.created,
      reason,
      event.revision,
      programmeId,
      target.revision,
    );
    this.known(programmeId, memory, event.created, event.revision);
    if (memory.snapshots.delete(target.amendmentId)) this.supersede(programmeId, target, event.created);
    this.refold(programmeId, memory, index, event.created);
    this.auditTrail.revocation(programmeId, target, { at: event.created, actor: actorOf(event.metadata), reason });
    this.touch(programmeId, event.revision, event.created);
  }

  /** What is known once this append is read: the stream revision it reached and the horizon (programme_knowledge). */
  private known(programmeId: string, memory: ProgrammeMemory, at: string, revision: number): void {
    // Set by the programme's first amendment, before anything can be known of it.
    const horizon = memory.horizon as AmendmentRecord;
    this.statements.get('INSERT OR REPLACE INTO programme_knowledge (programme_id, recorded_at, revision, horizon_effective_from, horizon_revision) VALUES (?, ?, ?, ?, ?)').run(
      programmeId,
      at,
      revision,
      horizon.effectiveFrom,
      horizon.revision,
    );
  }

  /** The amendment just folded at the end of the timeline: a snapshot after every SNAPSHOT_EVERY of them. */
  private extend(programmeId: string, memory: ProgrammeMemory, content: ProgrammeContent | null, knownFrom: string): void {
    const amendment = memory.ordered[memory.ordered.length - 1];
    memory.end = content;
    if (memory.tail === SNAPSHOT_EVERY - 1) {
      this.snapshot(programmeId, memory, amendment, content, knownFrom);
      memory.tail = 0;
    } else {
      memory.tail += 1;
    }
  }

  /**
   * A change in the middle of the timeline (an amendment inserted at `index`, or the one there revoked): folds
   * on from the nearest snapshot before `index`, rewriting the totals after each version and superseding (at
   * `knownFrom`) each snapshot whose content changes, until a snapshot comes out unchanged — from there on
   * every version folds as before. Snapshots are kept fewer than SNAPSHOT_EVERY versions apart; they belong to
   * an amendment, not to a position, so the versions past that point keep theirs although their positions move.
   * Returns the content just before `index`.
   */
  private refold(programmeId: string, memory: ProgrammeMemory, index: number, knownFrom: string): ProgrammeContent | null {
    const { ordered, snapshots } = memory;
    let base = index - 1;
    while (base >= 0 && !snapshots.has(ordered[base].amendmentId)) base -= 1;
    const before = fold(ordered.slice(base + 1, index), base < 0 ? null : this.snapshotContent(programmeId, memory, ordered[base]));
    let content = before;
    /** Versions folded since the last snapshot. */
    let run = index - base - 1;
    for (let i = index; i < ordered.length; i++) {
      const amendment = ordered[i];
      content = fold([amendment], content);
      if (snapshots.has(amendment.amendmentId)) {
        // Contents folded from the same base share every untouched part, which the comparison skips.
        if (isDeepStrictEqual(content, this.snapshotContent(programmeId, memory, amendment))) return before;
        this.supersede(programmeId, amendment, knownFrom);
        this.snapshot(programmeId, memory, amendment, content, knownFrom);
        run = 0;
      } else if (run === SNAPSHOT_EVERY - 1) {
        this.snapshot(programmeId, memory, amendment, content, knownFrom);
        run = 0;
      } else {
        run += 1;
      }
      this.statements.get('UPDATE programme_amendments SET totals = ? WHERE programme_id = ? AND revision = ?').run(totalsJson(content), programmeId, amendment.revision);
    }
    memory.end = content;
    memory.tail = run;
    return before;
  }

  private snapshot(programmeId: string, memory: ProgrammeMemory, amendment: AmendmentRecord, content: ProgrammeContent | null, knownFrom: string): void {
    this.statements.get('INSERT OR REPLACE INTO programme_snapshots (programme_id, effective_from, revision, known_from, known_to, content) VALUES (?, ?, ?, ?, NULL, ?)').run(
      programmeId,
      amendment.effectiveFrom,
      amendment.revision,
      knownFrom,
      this.codec.encode(programmeId, content),
    );
    memory.snapshots.set(amendment.amendmentId, { content });
  }

  /** The snapshot after `amendment` stops being current at `knownTo`: views known before still use it. */
  private supersede(programmeId: string, amendment: AmendmentRecord, knownTo: string): void {
    this.statements.get('UPDATE programme_snapshots SET known_to = ? WHERE programme_id = ? AND effective_from = ? AND revision = ? AND known_to IS NULL').run(
      knownTo,
      programmeId,
      amendment.effectiveFrom,
      amendment.revision,
    );
  }

  /** The current snapshot's content after `at` (one of memory.snapshots), read from its row the first time. */
  private snapshotContent(programmeId: string, memory: ProgrammeMemory, at: AmendmentRecord): ProgrammeContent | null {
    const known = memory.snapshots.get(at.amendmentId);
    if (known) return known.content;
    const row = this.statements.get<[string, string, number], { content: string }>(
      'SELECT content FROM programme_snapshots WHERE programme_id = ? AND effective_from = ? AND revision = ? AND known_to IS NULL',
    ).get(programmeId, at.effectiveFrom, at.revision);
    if (!row) throw new Error(`programme ${programmeId}: no current snapshot at ${at.effectiveFrom}#${at.revision}`);
    const content = this.codec.decode(programmeId, row.content);
    memory.snapshots.set(at.amendmentId, { content });
    return content;
  }

  /** Heads are written once per batch (in beforeCommit): only a programme's last append in it matters. */
  private touch(programmeId: string, revision: number, at: string): void {
    const pending = this.heads.get(programmeId);
    this.heads.set(programmeId, { revision, registeredAt: pending?.registeredAt ?? at, updatedAt: at });
  }

  private writeHeads(): void {
    const upsert = this.statements.get(
      `INSERT INTO programme_heads (programme_id, revision, registered_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (programme_id) DO UPDATE SET revision = excluded.revision, updated_at = excluded.updated_at`,
    );
    for (const [programmeId, head] of this.heads) upsert.run(programmeId, head.revision, head.registeredAt, head.updatedAt);
    this.heads.clear();
  }

  /** The in-memory timeline, rebuilt from the rows after a restart. */
  private load(programmeId: string): ProgrammeMemory {
    const known = this.memory.get(programmeId);
    if (known) return known;
    const rows = this.db.prepare<[string], AmendmentRow>('SELECT * FROM programme_amendments WHERE programme_id = ? ORDER BY revision').all(programmeId);
    const timeline: ProgrammeTimeline = rows.length === 0 ? EMPTY_TIMELINE : { revision: this.headRevision(programmeId), amendments: rows.map(toRecord) };
    const ordered = inForce(timeline);
    const byKey = new Map(ordered.map((a) => [`${a.effectiveFrom}#${a.revision}`, a.amendmentId]));
    const snapshots: ProgrammeMemory['snapshots'] = new Map(
      this.db
        .prepare<[string], { key: string }>("SELECT effective_from || '#' || revision AS key FROM programme_snapshots WHERE programme_id = ? AND known_to IS NULL")
        .all(programmeId)
        .flatMap(({ key }) => {
          const amendmentId = byKey.get(key);
          return amendmentId === undefined ? [] : [[amendmentId, null] as const];
        }),
    );
    let last = ordered.length - 1;
    while (last >= 0 && !snapshots.has(ordered[last].amendmentId)) last -= 1;
    const horizon = timeline.amendments.reduce<AmendmentRecord | undefined>((max, a) => (!max || compareEffective(a, max) > 0 ? a : max), undefined);
    // Before the first snapshot the count stands as if one were due: the first version always gets one.
    const tail = last < 0 ? SNAPSHOT_EVERY - 1 : ordered.length - 1 - last;
    const memory: ProgrammeMemory = { ordered, snapshots, end: null, tail, horizon };
    memory.end = last < 0 ? null : fold(ordered.slice(last + 1), this.snapshotContent(programmeId, memory, ordered[last]));
    this.memory.set(programmeId, memory);
    return memory;
  }

  private headRevision(programmeId: string): number {
    return this.db.prepare<[string], { revision: number }>('SELECT revision FROM programme_heads WHERE programme_id = ?').get(programmeId)?.revision ?? -1;
  }
}

function totalsJson(content: ProgrammeContent | null): string | null {
  return content && JSON.stringify(programmeTotals(content));
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
