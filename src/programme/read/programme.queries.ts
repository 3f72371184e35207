import type Database from 'better-sqlite3';
import { citation } from '../../decision/domain/decision.decider';
import type { DecisionsProjection } from '../../decision/decisions.projection';
import { nameAt } from '../../executor/domain/executor.decider';
import type { ExecutorsProjection } from '../../executor/executors.projection';
import type { ProgrammeChange } from '../domain/programme.events';
import type { ProgrammeContent } from '../domain/programme.types';
import { fold } from '../domain/timeline';
import { type AmendmentRow, totalsOfRow } from './programmes.projection';
import { type AmendmentRef, formatTotals, type ProgrammeView, programmeView, type TotalsView } from './programme.view';

/** Past every instant the store can record: "everything known". */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';
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
  constructor(
    private readonly db: Database.Database,
    private readonly decisions: DecisionsProjection,
    private readonly executors: ExecutorsProjection,
  ) {}

  exists(programmeId: string): boolean {
    return this.db.prepare('SELECT 1 FROM programme_heads WHERE programme_id = ?').get(programmeId) !== undefined;
  }

  ids(): string[] {
    return this.db.prepare<[], { programme_id: string }>('SELECT programme_id FROM programme_heads ORDER BY registered_at').all().map((r) => r.programme_id);
  }

  lastRecordedAt(programmeId: string): string {
    return this.db.prepare<[string], { updated_at: string }>('SELECT updated_at FROM programme_heads WHERE programme_id = ?').get(programmeId)?.updated_at ?? '';
  }

  /** The stream revision as known at `knownAt` (the head revision when absent). */
  revision(programmeId: string, knownAt?: string): number {
    const at = knownAt ?? END_OF_TIME;
    const row = this.db
      .prepare<[string, string, string, string], { revision: number | null }>(
        `SELECT MAX(r) AS revision FROM (
           SELECT MAX(last_revision) AS r FROM programme_amendments WHERE programme_id = ? AND recorded_at <= ?
           UNION ALL SELECT MAX(revoked_revision) FROM programme_amendments WHERE programme_id = ? AND revoked_at <= ?)`,
      )
      .get(programmeId, at, programmeId, at);
    return row?.revision ?? -1;
  }

  /** The programme's content at a point of both axes; null where it is not in force. */
  content(programmeId: string, query: ViewQuery): ProgrammeContent | null {
    const knownAt = query.knownAt ?? END_OF_TIME;
    const limit = query.upTo ?? { effectiveFrom: query.asOf, revision: LAST_REVISION };
    const snapshot = this.db
      .prepare<[string, string, string, string, string, number], { effective_from: string; revision: number; content: string }>(
        `SELECT effective_from, revision, content FROM programme_snapshots
         WHERE programme_id = ? AND known_from <= ? AND (known_to IS NULL OR known_to > ?)
           AND (effective_from < ? OR (effective_from = ? AND revision <= ?))
         ORDER BY effective_from DESC, revision DESC LIMIT 1`,
      )
      .get(programmeId, knownAt, knownAt, limit.effectiveFrom, limit.effectiveFrom, limit.revision);
    const from = snapshot ? { effectiveFrom: snapshot.effective_from, revision: snapshot.revision } : { effectiveFrom: '', revision: -1 };
    const rest = this.db
      .prepare<unknown[], { changes: string }>(
        `SELECT changes FROM programme_amendments
         WHERE programme_id = ? AND recorded_at <= ? AND (revoked_at IS NULL OR revoked_at > ?)
           AND (effective_from > ? OR (effective_from = ? AND revision > ?))
           AND (effective_from < ? OR (effective_from = ? AND revision <= ?))
         ORDER BY effective_from, revision`,
      )
      .all(programmeId, knownAt, knownAt, from.effectiveFrom, from.effectiveFrom, from.revision, limit.effectiveFrom, limit.effectiveFrom, limit.revision);
    const start = snapshot ? (JSON.parse(snapshot.content) as ProgrammeContent) : null;
    return fold(
      rest.map((row) => ({ changes: JSON.parse(row.changes) as ProgrammeChange[] })),
      start,
    );
  }

  /** The amendments in force at a point of both axes, in effective order (metadata only). */
  amendmentsInForce(programmeId: string, query: ViewQuery): AmendmentRef[] {
    const knownAt = query.knownAt ?? END_OF_TIME;
    const limit = query.upTo ?? { effectiveFrom: query.asOf, revision: LAST_REVISION };
    return this.db
      .prepare<unknown[], { amendment_id: string; decision_id: string; effective_from: string; recorded_at: string }>(
        `SELECT amendment_id, decision_id, effective_from, recorded_at FROM programme_amendments
         WHERE programme_id = ? AND recorded_at <= ? AND (revoked_at IS NULL OR revoked_at > ?)
           AND (effective_from < ? OR (effective_from = ? AND revision <= ?))
         ORDER BY effective_from, revision`,
      )
      .all(programmeId, knownAt, knownAt, limit.effectiveFrom, limit.effectiveFrom, limit.revision)
      .map((row) => ({ amendmentId: row.amendment_id, decisionId: row.decision_id, effectiveFrom: row.effective_from, recordedAt: row.recorded_at }));
  }

  /** Without `knownAt`, a view is as known at the programme's last recorded change. */
  view(programmeId: string, query: ViewQuery): ProgrammeView | null {
    const content = this.content(programmeId, query);
    if (content === null) return null;
    const inForce = this.amendmentsInForce(programmeId, query);
    const asOf = query.upTo?.effectiveFrom ?? query.asOf;
    return programmeView(content, {
      asOf,
      knownAt: query.knownAt ?? this.lastRecordedAt(programmeId),
      revision: this.revision(programmeId, query.knownAt),
      lastAmendment: inForce[inForce.length - 1] ?? null,
      amendmentChain: this.chain(inForce),
      executorName: (id) => {
        const executor = this.executors.get(id);
        return executor ? nameAt(executor, asOf) : id;
      },
    });
  }

  /**
   * "затвердженої рішенням 31 сесії VIII скликання від 22.02.2024 (зі змінами, внесеними рішеннями від
   * 20.03.2025 № 1878, від 14.05.2025 № 1990)": each decision once, in effective order.
   */
  chain(inForce: readonly AmendmentRef[]): string {
    const decisionIds = [...new Set(inForce.map((a) => a.decisionId))];
    if (decisionIds.length === 0) return '';
    const [approving, ...amending] = decisionIds.map((id) => this.decisions.get(id));
    const approved = approving ? `затвердженої ${citation(approving).replace(/^рішення/, 'рішенням')}` : 'затвердженої рішенням';
    if (amending.length === 0) return approved;
    const dated = amending.map((d) => (d ? citation(d).replace(/^рішення .*? скликання /, '') : 'від невідомої дати'));
    return `${approved} (зі змінами, внесеними ${amending.length === 1 ? 'рішенням' : 'рішеннями'} ${dated.join(', ')})`;
  }

  audit(programmeId: string, filter: AuditFilter): { entries: AuditEntry[]; next: string | null } {
    return auditPage(this.db, programmeId, filter);
  }

  /** What a decision changed, in every programme. */
  amendmentsByDecision(decisionId: string): { programmeId: string; amendmentId: string; effectiveFrom: string; recordedAt: string; revokedAt: string | null }[] {
    return this.db
      .prepare<[string], AmendmentRow>('SELECT * FROM programme_amendments WHERE decision_id = ? ORDER BY effective_from, revision')
      .all(decisionId)
      .map((row) => ({ programmeId: row.programme_id, amendmentId: row.amendment_id, effectiveFrom: row.effective_from, recordedAt: row.recorded_at, revokedAt: row.revoked_at }));
  }

  /** One version per amendment in force, in effective order, with the programme totals after it. */
  versions(programmeId: string): VersionView[] {
    return this.db
      .prepare<[string], AmendmentRow>('SELECT * FROM programme_amendments WHERE programme_id = ? AND revoked_at IS NULL ORDER BY effective_from, revision')
      .all(programmeId)
      .map((row) => this.versionOf(row));
  }

  /** The last amendment a decision made to the programme (a decision may amend it more than once). */
  versionByDecision(programmeId: string, decisionId: string): (VersionView & EffectiveKey) | undefined {
    const row = this.db
      .prepare<[string, string], AmendmentRow>(
        'SELECT * FROM programme_amendments WHERE programme_id = ? AND decision_id = ? AND revoked_at IS NULL ORDER BY effective_from DESC, revision DESC LIMIT 1',
      )
      .get(programmeId, decisionId);
    return row ? { ...this.versionOf(row), revision: row.revision } : undefined;
  }

  private versionOf(row: AmendmentRow): VersionView {
    const decision = this.decisions.get(row.decision_id);
    const totals = totalsOfRow(row);
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

export interface AuditFilter {
  readonly measure?: string;
  readonly decision?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly after?: number;
  readonly limit: number;
}

export interface AuditEntry {
  readonly cursor: string;
  readonly kind: 'change' | 'revocation';
  readonly recordedAt: string;
  readonly actor: string | null;
  readonly amendmentId: string;
  readonly decisionId: string;
  readonly effectiveFrom: string;
  readonly measureId: string | null;
  readonly measureNumber: string | null;
  readonly field: string | null;
  readonly fundingSource: string | null;
  readonly was: unknown;
  readonly became: unknown;
  readonly reason: string | null;
}

interface AuditRow {
  seq: number;
  recorded_at: string;
  actor: string | null;
  amendment_id: string;
  decision_id: string;
  effective_from: string;
  kind: 'change' | 'revocation';
  measure_id: string | null;
  measure_number: string | null;
  field: string | null;
  funding_source: string | null;
  was: string | null;
  became: string | null;
  reason: string | null;
}

/** The audit trail in record order, one page after a cursor. */
export function auditPage(db: Database.Database, programmeId: string, filter: AuditFilter): { entries: AuditEntry[]; next: string | null } {
  const where = ['programme_id = ?', 'seq > ?'];
  const args: unknown[] = [programmeId, filter.after ?? 0];
  if (filter.measure) {
    where.push('(measure_id = ? OR measure_number = ?)');
    args.push(filter.measure, filter.measure.replace(/\.$/, ''));
  }
  if (filter.decision) {
    where.push('decision_id = ?');
    args.push(filter.decision);
  }
  if (filter.actor) {
    where.push('actor = ?');
    args.push(filter.actor);
  }
  if (filter.from) {
    where.push('recorded_at >= ?');
    args.push(filter.from);
  }
  if (filter.to) {
    where.push('recorded_at < ?');
    args.push(filter.to);
  }
  const rows = db.prepare<unknown[], AuditRow>(`SELECT * FROM programme_audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...args, filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return {
    entries: page.map((row) => ({
      cursor: String(row.seq),
      kind: row.kind,
      recordedAt: row.recorded_at,
      actor: row.actor,
      amendmentId: row.amendment_id,
      decisionId: row.decision_id,
      effectiveFrom: row.effective_from,
      measureId: row.measure_id,
      measureNumber: row.measure_number,
      field: row.field,
      fundingSource: row.funding_source,
      was: row.was === null ? null : JSON.parse(row.was),
      became: row.became === null ? null : JSON.parse(row.became),
      reason: row.reason,
    })),
    next: rows.length > filter.limit ? String(page[page.length - 1].seq) : null,
  };
}
