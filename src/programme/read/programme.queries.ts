import type Database from 'better-sqlite3';
import { citation } from '../../decision/domain/decision.decider';
import type { DecisionsProjection } from '../../decision/decisions.projection';
import { nameAt, statusOn } from '../../executor/domain/executor.decider';
import type { ExecutorsProjection } from '../../executor/executors.projection';
import type { ProgrammeChange } from '../domain/programme.events';
import type { ProgrammeContent } from '../domain/programme.types';
import { CHECKPOINT } from '../../projections/projection.runner';
import { Statements } from '../../projections/statements';
import { compareEffective, fold } from '../domain/timeline';
import { programmeTotals, type Totals } from '../domain/totals';
import { type AmendmentRow, toRecord, totalsOfRow } from './programme.tables';
import { type AmendmentRef, formatTotals, type ProgrammeView, programmeView, type TotalsView } from './programme.view';
import { type AuditFilter, auditPage, type AuditPage, measuresNamed } from './audit.query';
import { SnapshotCodec } from './snapshot.codec';

/** Past every instant the store can record: "everything known". */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
/** An amendment in force as known at an instant (bound twice): recorded by then, and not yet revoked then. */
const IN_FORCE_AS_KNOWN = 'recorded_at <= ? AND (revoked_at IS NULL OR revoked_at > ?)';
const LAST_REVISION = Number.MAX_SAFE_INTEGER;

/** A point on the effective axis: everything in force up to this amendment (or up to the end of a date). */
export interface EffectiveKey {
  readonly effectiveFrom: string;
  readonly revision: number;
}

export interface ViewQuery {
  /** YYYY-MM-DD */
  readonly asOf: string;
  /** ISO instant; absent: everything recorded so far. */
  readonly knownAt?: string;
  /** Up to this amendment only (a version), instead of the whole `asOf` date. */
  readonly upTo?: EffectiveKey;
}

interface SnapshotRow {
  readonly effective_from: string;
  readonly revision: number;
  readonly content: string;
}

interface SliceRow {
  readonly amendment_id: string;
  readonly decision_id: string;
  readonly effective_from: string;
  readonly recorded_at: string;
  readonly changes: string;
}

interface Bounds {
  readonly knownAt: string;
  readonly limit: EffectiveKey;
}

interface Slice {
  readonly snapshot: SnapshotRow | undefined;
  readonly rest: readonly SliceRow[];
}


export interface VersionView {
  readonly amendmentId: string;
  readonly decisionId: string;
  readonly decision: string | null;
  readonly effectiveFrom: string;
  readonly recordedAt: string;
  readonly initial: boolean;
  readonly note: string | null;
  readonly totals: TotalsView | null;
}

/** The programme read side: views on both time axes from snapshots plus a short fold, versions, the chain. */
export class ProgrammeQueries {

  private readonly statements: Statements;
  private readonly codec: SnapshotCodec;

  constructor(
    private readonly db: Database.Database,
    private readonly decisions: DecisionsProjection,
    private readonly executors: ExecutorsProjection,
  ) {
    this.statements = new Statements(db);
    this.codec = new SnapshotCodec(db);
  }

  /** When the programme's first append (its initial wording) was recorded. */
  firstRecordedAt(programmeId: string): string | undefined {
    return this.statements.get<[string], { registered_at: string }>('SELECT registered_at FROM programme_heads WHERE programme_id = ?').get(programmeId)?.registered_at;
  }

  exists(programmeId: string): boolean {
    return this.firstRecordedAt(programmeId) !== undefined;
  }

  /**
   * The amendments in force, as known now, that give `executorId` to a measure from `from` on: an assignment, or a
   * new measure that names it. What a retirement from `from` would leave assigned after it.
   */
  assignmentsFrom(executorId: string, from: string): { programmeId: string; amendmentId: string; decisionId: string; effectiveFrom: string }[] {
    const rows = this.statements
      .get<[string, string], { programme_id: string; amendment_id: string; decision_id: string; effective_from: string; changes: string }>(
        // The id in the JSON text narrows the scan; the parsed changes decide.
        'SELECT programme_id, amendment_id, decision_id, effective_from, changes FROM programme_amendments WHERE revoked_at IS NULL AND effective_from >= ? AND instr(changes, ?) > 0 ORDER BY effective_from, revision',
      )
      .all(from, executorId);
    const assigns = (change: ProgrammeChange) =>
      (change.type === 'ExecutorAssigned' && change.data.executorId === executorId) || (change.type === 'MeasureAdded' && change.data.executorIds.includes(executorId));
    return rows
      .filter((row) => (JSON.parse(row.changes) as ProgrammeChange[]).some(assigns))
      .map((row) => ({ programmeId: row.programme_id, amendmentId: row.amendment_id, decisionId: row.decision_id, effectiveFrom: row.effective_from }));
  }

  ids(): string[] {
    return this.statements.get<[], { programme_id: string }>('SELECT programme_id FROM programme_heads ORDER BY registered_at').all().map((r) => r.programme_id);
  }

  /**
   * When the last event the read models hold was recorded — or, while a batch has ended inside an append (its
   * header read, some changes not yet), the instant just before that append: the events of one append share
   * their instant, and the view does not show that amendment yet. So the read models hold every event recorded by
   * then (null before the first).
   */
  readModelsRecordedAt(): string | null {
    const open = this.statements.get<[], { created: string | null }>("SELECT MIN(json_extract(events, '$[0].created')) AS created FROM programme_open_appends").get()?.created;
    if (open) return new Date(Date.parse(open) - 1).toISOString();
    return this.statements.get<[string], { recorded_at: string | null }>('SELECT recorded_at FROM checkpoints WHERE name = ?').get(CHECKPOINT)?.recorded_at ?? null;
  }

  /**
   * The latest instant a view can be known at: now, or the last event the read models hold when the store's
   * clock (EventStoreDB's leader) runs ahead of this server's, so that a view's own `knownAt` is always accepted back.
   */
  latestKnowable(): string {
    const now = new Date().toISOString();
    const recorded = this.readModelsRecordedAt();
    return recorded !== null && recorded > now ? recorded : now;
  }

  /**
   * When the programme's own history, as known at `knownAt` (now, without it), was last written: a document of
   * it is dated so, and reads the same until the programme changes, whatever else is recorded meanwhile.
   */
  historyRecordedAt(programmeId: string, knownAt?: string): string | null {
    return this.knowledge(programmeId, knownAt ?? END_OF_TIME)?.recordedAt ?? null;
  }

  lastRecordedAt(programmeId: string): string {
    return this.statements.get<[string], { updated_at: string }>('SELECT updated_at FROM programme_heads WHERE programme_id = ?').get(programmeId)?.updated_at ?? '';
  }

  /** The stream revision as known at `knownAt` (the head revision when absent). */
  revision(programmeId: string, knownAt?: string): number {
    const at = knownAt ?? END_OF_TIME;
    return this.knowledge(programmeId, at)?.revision ?? -1;
  }

  /** The last append recorded by `knownAt`: the revision it reached and the horizon then. */
  private knowledge(programmeId: string, knownAt: string): { revision: number; horizon: EffectiveKey; recordedAt: string } | undefined {
    const row = this.statements.get<[string, string], { revision: number; effective_from: string; effective_revision: number; recorded_at: string }>(
      `SELECT revision, horizon_effective_from AS effective_from, horizon_revision AS effective_revision, recorded_at FROM programme_knowledge
       WHERE programme_id = ? AND recorded_at <= ? ORDER BY recorded_at DESC LIMIT 1`,
    ).get(programmeId, knownAt);
    return row && { revision: row.revision, horizon: { effectiveFrom: row.effective_from, revision: row.effective_revision }, recordedAt: row.recorded_at };
  }

  /** The programme's content at a point of both axes; null where it is not in force. */
  content(programmeId: string, query: ViewQuery): ProgrammeContent | null {
    return this.contentOf(programmeId, this.slice(programmeId, this.bounds(programmeId, query)));
  }

  /**
   * A point of both axes as the scans use it: the limit is brought back to the horizon (the greatest
   * effective key recorded by `knownAt`), which changes nothing in force but keeps every scan off what was
   * recorded later.
   */
  private bounds(programmeId: string, query: ViewQuery): Bounds {
    const knownAt = query.knownAt ?? END_OF_TIME;
    const limit = query.upTo ?? { effectiveFrom: query.asOf, revision: LAST_REVISION };
    const horizon = this.knowledge(programmeId, knownAt)?.horizon;
    const beyond = horizon && (limit.effectiveFrom > horizon.effectiveFrom || (limit.effectiveFrom === horizon.effectiveFrom && limit.revision > horizon.revision));
    return { knownAt, limit: beyond ? horizon : limit };
  }

  /**
   * What a point of both axes folds: the nearest snapshot valid at `knownAt` at or before the limit, and the
   * amendments in force after it up to the limit — fewer than SNAPSHOT_EVERY, however long the history.
   */
  private slice(programmeId: string, { knownAt, limit }: Bounds): Slice {
    const snapshot = this.statements.get<[string, string, string, string, string, string, number], SnapshotRow>(
      // `effective_from <= ?` repeats the limit as a range the primary key can seek to.
      `SELECT effective_from, revision, content FROM programme_snapshots
       WHERE programme_id = ? AND effective_from <= ? AND known_from <= ? AND (known_to IS NULL OR known_to > ?)
         AND (effective_from < ? OR (effective_from = ? AND revision <= ?))
       ORDER BY effective_from DESC, revision DESC LIMIT 1`,
    ).get(programmeId, limit.effectiveFrom, knownAt, knownAt, limit.effectiveFrom, limit.effectiveFrom, limit.revision);
    const from = snapshot ? { effectiveFrom: snapshot.effective_from, revision: snapshot.revision } : { effectiveFrom: '', revision: -1 };
    const rest = this.statements.get<unknown[], SliceRow>(
      // The effective range between the snapshot and the limit is what bounds the scan; the planner would
      // rather take the record-time index, which runs through every amendment known by then.
      `SELECT amendment_id, decision_id, effective_from, recorded_at, changes FROM programme_amendments INDEXED BY programme_amendments_effective
       WHERE programme_id = ? AND effective_from BETWEEN ? AND ? AND ${IN_FORCE_AS_KNOWN}
         AND (effective_from > ? OR (effective_from = ? AND revision > ?))
         AND (effective_from < ? OR (effective_from = ? AND revision <= ?))
       ORDER BY effective_from, revision`,
    ).all(programmeId, from.effectiveFrom, limit.effectiveFrom, knownAt, knownAt, from.effectiveFrom, from.effectiveFrom, from.revision, limit.effectiveFrom, limit.effectiveFrom, limit.revision);
    return { snapshot, rest };
  }

  private contentOf(programmeId: string, { snapshot, rest }: Slice): ProgrammeContent | null {
    return fold(
      rest.map((row) => ({ changes: JSON.parse(row.changes) as ProgrammeChange[] })),
      snapshot ? this.codec.decode(programmeId, snapshot.content) : null,
    );
  }

  /** The last amendment a slice folds: the last one after the snapshot, or else the snapshot's own (a valid snapshot's amendment is in force). */
  private lastOf(programmeId: string, { snapshot, rest }: Slice): AmendmentRef | null {
    const row =
      rest[rest.length - 1] ??
      (snapshot &&
        this.statements.get<[string, string, number], SliceRow>(
          'SELECT amendment_id, decision_id, effective_from, recorded_at FROM programme_amendments WHERE programme_id = ? AND effective_from = ? AND revision = ?',
        ).get(programmeId, snapshot.effective_from, snapshot.revision));
    return row ? { amendmentId: row.amendment_id, decisionId: row.decision_id, effectiveFrom: row.effective_from, recordedAt: row.recorded_at } : null;
  }

  /**
   * The decisions with an amendment in force at a point of both axes, each once, in the effective order of
   * its first such amendment: a probe per decision that ever amended the programme, not a scan of its history.
   */
  private decisionsInForce(programmeId: string, { knownAt, limit }: Bounds): { decisionId: string }[] {
    const decisionIds = this.statements.get<[string, string], { id: string }>(
      `WITH RECURSIVE decision(id) AS (
         SELECT MIN(decision_id) FROM programme_amendments WHERE programme_id = ?
         UNION ALL
         SELECT (SELECT MIN(decision_id) FROM programme_amendments WHERE programme_id = ? AND decision_id > decision.id) FROM decision WHERE decision.id IS NOT NULL)
       SELECT id FROM decision WHERE id IS NOT NULL`,
    )
      .all(programmeId, programmeId)
      .map((row) => row.id);
    const first = this.statements.get<unknown[], EffectiveKey>(
      `SELECT effective_from AS effectiveFrom, revision FROM programme_amendments INDEXED BY programme_amendments_by_decision
       WHERE programme_id = ? AND decision_id = ? AND effective_from <= ? AND ${IN_FORCE_AS_KNOWN}
         AND (effective_from < ? OR (effective_from = ? AND revision <= ?))
       ORDER BY effective_from, revision LIMIT 1`,
    );
    return decisionIds
      .flatMap((decisionId) => {
        const key = first.get(programmeId, decisionId, limit.effectiveFrom, knownAt, knownAt, limit.effectiveFrom, limit.effectiveFrom, limit.revision);
        return key ? [{ decisionId, key }] : [];
      })
      .sort((a, b) => compareEffective(a.key, b.key))
      .map(({ decisionId }) => ({ decisionId }));
  }

  /**
   * Without `knownAt`, a view is as known when the last event the read models hold was recorded (the
   * programme's own last change, or a later executor rename or decision correction it shows): sent back as
   * `knownAt`, that instant gives the same view.
   */
  view(programmeId: string, query: ViewQuery): ProgrammeView | null {
    const bounds = this.bounds(programmeId, query);
    const slice = this.slice(programmeId, bounds);
    const content = this.contentOf(programmeId, slice);
    if (content === null) return null;
    const asOf = query.upTo?.effectiveFrom ?? query.asOf;
    return programmeView(content, {
      asOf,
      knownAt: query.knownAt ?? this.readModelsRecordedAt() ?? this.lastRecordedAt(programmeId),
      revision: this.revision(programmeId, query.knownAt),
      lastAmendment: this.lastOf(programmeId, slice),
      amendmentChain: this.chain(this.decisionsInForce(programmeId, bounds), query.knownAt),
      // Names and decision details as recorded by knownAt: a rename or a correction made later is not shown.
      executor: (id) => {
        const executor = this.executors.get(id, query.knownAt);
        if (!executor) return { id, name: id };
        const retired = statusOn(executor, asOf) === 'retired';
        return { id, name: nameAt(executor, asOf), ...(retired ? { retiredFrom: executor.retiredFrom as string } : {}) };
      },
    });
  }

  /**
   * "затвердженої рішенням 31 сесії VIII скликання від 22.02.2024 (зі змінами, внесеними рішеннями від
   * 20.03.2025 № 1878, від 14.05.2025 № 1990)": each decision once; the approving one (the first in effective
   * order) and then the amending ones in the order they were adopted, as a preamble cites them — not in the
   * order their changes take effect.
   */
  chain(inForce: readonly Pick<AmendmentRef, 'decisionId'>[], knownAt?: string): string {
    const decisionIds = [...new Set(inForce.map((a) => a.decisionId))];
    if (decisionIds.length === 0) return '';
    const [approving, ...cited] = decisionIds.map((id) => this.decisions.get(id, knownAt));
    const approved = approving ? `затвердженої ${citation(approving).replace(/^рішення/, 'рішенням')}` : 'затвердженої рішенням';
    if (cited.length === 0) return approved;
    // Stable: decisions adopted the same day keep their effective order; an unknown one goes last.
    const adopted = (decision: (typeof cited)[number]) => decision?.adoptedOn ?? '9999-12-31';
    const amending = [...cited].sort((a, b) => (adopted(a) < adopted(b) ? -1 : adopted(a) > adopted(b) ? 1 : 0));
    const dated = amending.map((d) => (d ? citation(d).replace(/^рішення .*? скликання /, '') : 'від невідомої дати'));
    return `${approved} (зі змінами, внесеними ${amending.length === 1 ? 'рішенням' : 'рішеннями'} ${dated.join(', ')})`;
  }

  /**
   * The audit trail the filter takes; or the filters that name nothing the trail could hold: a decision the register
   * does not have, a measure by an id or number no measure of the programme has had. A typing slip would otherwise
   * read as "nothing was changed". A decision that exists but did not amend this programme is a filter like any other.
   */
  audit(programmeId: string, filter: AuditFilter): AuditPage | { readonly unknownFilters: readonly ('measure' | 'decision')[] } {
    const measureIds = filter.measure === undefined ? undefined : measuresNamed(this.db, programmeId, filter.measure);
    const unknownFilters = [...(measureIds?.length === 0 ? (['measure'] as const) : []), ...(filter.decision !== undefined && !this.decisions.get(filter.decision) ? (['decision'] as const) : [])];
    if (unknownFilters.length > 0) return { unknownFilters };
    // A unit the directory does not know is shown by its id, as the view and the comparative table show it.
    return auditPage(this.db, programmeId, filter, measureIds, (executorId, asOf) => {
      const executor = this.executors.get(executorId);
      return executor ? nameAt(executor, asOf) : executorId;
    });
  }

  /** The programme whose initial wording was imported with this Idempotency-Key. */
  importedWithKey(idempotencyKey: string): string | undefined {
    return this.statements
      .get<[string], { programme_id: string }>("SELECT programme_id FROM programme_amendments WHERE initial = 1 AND json_extract(metadata, '$.idempotencyKey') = ? LIMIT 1")
      .get(idempotencyKey)?.programme_id;
  }

  /** What a decision changed, in every programme. */
  amendmentsByDecision(decisionId: string): { programmeId: string; amendmentId: string; initial: boolean; effectiveFrom: string; recordedAt: string; revokedAt: string | null }[] {
    return this.statements
      // Not its changes nor metadata: an approving decision's rows carry the whole wording, for every programme it approved.
      .get<[string], Pick<AmendmentRow, 'programme_id' | 'amendment_id' | 'initial' | 'effective_from' | 'recorded_at' | 'revoked_at'>>(
        'SELECT programme_id, amendment_id, initial, effective_from, recorded_at, revoked_at FROM programme_amendments WHERE decision_id = ? ORDER BY effective_from, revision',
      )
      .all(decisionId)
      .map((row) => ({
        programmeId: row.programme_id,
        amendmentId: row.amendment_id,
        initial: row.initial === 1,
        effectiveFrom: row.effective_from,
        recordedAt: row.recorded_at,
        revokedAt: row.revoked_at,
      }));
  }

  /**
   * The acts whose amendments to the programme are in force on `date` (as known now): each act once, whether it
   * approved the programme, and how many amendments it made; in the effective order of the first of them, the
   * order the amendment chain takes acts adopted on one day in. Counted here, not from the versions: the open-data
   * set asks this of every programme, and a long history's versions took most of a second to build.
   */
  actsInForce(programmeId: string, date: string): { decisionId: string; initial: boolean; amendments: number; effectiveFrom: string }[] {
    return this.statements
      .get<[string, string, string, string], { decision_id: string; initial: number; amendments: number; effective_from: string }>(
        `SELECT decision_id, initial, COUNT(*) AS amendments, MIN(effective_from) AS effective_from FROM programme_amendments
         WHERE programme_id = ? AND ${IN_FORCE_AS_KNOWN} AND effective_from <= ? GROUP BY decision_id, initial
         ORDER BY MIN(effective_from || printf('#%015d', revision))`,
      )
      .all(programmeId, END_OF_TIME, END_OF_TIME, date)
      .map((row) => ({ decisionId: row.decision_id, initial: row.initial === 1, amendments: row.amendments, effectiveFrom: row.effective_from }));
  }

  /**
   * One version per amendment in force, in effective order, with the programme totals after it; as known at
   * `knownAt` (default: now).
   */
  versions(programmeId: string, knownAt?: string): VersionView[] {
    const rows = this.statements
      .get<[string, string, string], AmendmentRow>(`SELECT * FROM programme_amendments WHERE programme_id = ? AND ${IN_FORCE_AS_KNOWN} ORDER BY effective_from, revision`)
      .all(programmeId, knownAt ?? END_OF_TIME, knownAt ?? END_OF_TIME);
    if (knownAt === undefined) return rows.map((row) => this.versionOf(row, totalsOfRow(row)));
    // The stored totals are those known now (an amendment recorded later may have been inserted before a version):
    // as known then, they are folded again from the amendments known then.
    let content: ProgrammeContent | null = null;
    return rows.map((row) => {
      content = fold([toRecord(row)], content);
      return this.versionOf(row, content && programmeTotals(content), knownAt);
    });
  }

  /** The last amendment a decision made to the programme (a decision may amend it more than once), as known at `knownAt`. */
  versionByDecision(programmeId: string, decisionId: string, knownAt?: string): (VersionView & EffectiveKey) | undefined {
    const row = this.statements
      .get<[string, string, string, string], AmendmentRow>(
        `SELECT * FROM programme_amendments WHERE programme_id = ? AND decision_id = ? AND ${IN_FORCE_AS_KNOWN} ORDER BY effective_from DESC, revision DESC LIMIT 1`,
      )
      .get(programmeId, decisionId, knownAt ?? END_OF_TIME, knownAt ?? END_OF_TIME);
    return row ? { ...this.versionOf(row, totalsOfRow(row), knownAt), revision: row.revision } : undefined;
  }

  /** `totals`: after this version; the decision is cited as recorded by `knownAt`. */
  private versionOf(row: AmendmentRow, totals: Totals | null, knownAt?: string): VersionView {
    const decision = this.decisions.get(row.decision_id, knownAt);
    return {
      amendmentId: row.amendment_id,
      decisionId: row.decision_id,
      decision: decision ? citation(decision) : null,
      effectiveFrom: row.effective_from,
      recordedAt: row.recorded_at,
      initial: row.initial === 1,
      note: row.note,
      totals: totals && formatTotals(totals),
    };
  }
}
