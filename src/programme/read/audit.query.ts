import type Database from 'better-sqlite3';
import { writtenNumber } from '../domain/change.translate';

// The audit trail as auditors read it (its rows written by audit.writer.ts, their lines made by audit.rows.ts):
// filters, the measure a number names, cursor pages.

export interface AuditFilter {
  readonly measure?: string;
  readonly decision?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly after?: number;
  /** None: every entry from `after` on (the CSV of the whole trail). */
  readonly limit?: number;
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
  /** On a line of a measure's executors: the unit assigned or unassigned, by its name on the line's date (as known now). */
  readonly executor: { readonly id: string; readonly name: string } | null;
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

/**
 * The measures an audit filter names: the one with that id, and every one that has carried that number at
 * any time — as added, or renumbered to it — so that the number a view shows today finds a measure whose
 * earlier lines were recorded under its old number.
 */
export function measuresNamed(db: Database.Database, programmeId: string, measure: string): string[] {
  const number = writtenNumber(measure);
  return db
    .prepare<[string, string, string, string], string>(
      `SELECT DISTINCT measure_id FROM programme_audit
       WHERE programme_id = ? AND measure_id IS NOT NULL AND (measure_id = ? OR measure_number = ? OR (field = 'number' AND became = ?))`,
    )
    .pluck()
    .all(programmeId, measure, number, JSON.stringify(number));
}

/** The filters that are one condition on a column each (a measure's takes more: auditPage builds it). */
const CONDITIONS = [
  ['decision', 'decision_id = ?'],
  ['actor', 'actor = ?'],
  ['from', 'recorded_at >= ?'],
  ['to', 'recorded_at < ?'],
] as const satisfies readonly (readonly [keyof AuditFilter, string])[];

export interface AuditPage {
  readonly entries: AuditEntry[];
  readonly next: string | null;
}

/** The audit trail in record order after a cursor: one page, or all of it. `measureIds`: the ids filter.measure names (measuresNamed). */
export function auditPage(
  db: Database.Database,
  programmeId: string,
  filter: AuditFilter,
  measureIds: readonly string[] | undefined,
  executorName: (executorId: string, asOf: string) => string,
): AuditPage {
  const where = ['programme_id = ?', 'seq > ?'];
  const args: unknown[] = [programmeId, filter.after ?? 0];
  if (measureIds) {
    const measures = JSON.stringify(measureIds);
    // A revocation names no measure, but it undoes the changes of its amendment: it belongs to that measure's trail.
    const measure = 'measure_id IN (SELECT value FROM json_each(?))';
    where.push(`(${measure} OR (kind = 'revocation' AND amendment_id IN (SELECT amendment_id FROM programme_audit WHERE programme_id = ? AND kind = 'change' AND ${measure})))`);
    args.push(measures, programmeId, measures);
  }
  for (const [field, condition] of CONDITIONS) {
    const value = filter[field];
    if (value) {
      where.push(condition);
      args.push(value);
    }
  }
  // One row past the page tells whether another follows; SQLite reads LIMIT -1 as none.
  const rows = db.prepare<unknown[], AuditRow>(`SELECT * FROM programme_audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...args, filter.limit === undefined ? -1 : filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return {
    entries: page.map((row) => {
      // A measure added or removed is stored with its units' ids, which an auditor cannot read: each is named as of the line's date.
      const named = (value: unknown) => (row.field === 'measure' && value !== null ? withUnitNames(value as MeasureRecordLine, (id) => executorName(id, row.effective_from)) : value);
      const was = named(row.was === null ? null : JSON.parse(row.was));
      const became = named(row.became === null ? null : JSON.parse(row.became));
      // The line holds the unit's id, which an auditor cannot read; its name is looked up as of the line's date.
      const executorId = row.field === 'executors' ? ((became ?? was) as string) : null;
      return {
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
        was,
        became,
        reason: row.reason,
        executor: executorId === null ? null : { id: executorId, name: executorName(executorId, row.effective_from) },
      };
    }),
    next: rows.length > page.length ? String(page[page.length - 1].seq) : null,
  };
}

/** A measure as audit.rows.ts records it when added or removed (or, from a removal written by other means, its number and title only). */
interface MeasureRecordLine {
  readonly executors?: readonly string[];
}

function withUnitNames(record: MeasureRecordLine, name: (executorId: string) => string): unknown {
  if (!record.executors) return record;
  return { ...record, executors: record.executors.map((id) => ({ id, name: name(id) })) };
}
