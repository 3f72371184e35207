import type { Statements } from '../../projections/statements';
import { actorOf } from '../../projections/recorded-history';
import type { AmendmentRecord } from '../domain/timeline';
import type { AuditChange } from './audit.rows';

/**
 * Writes the audit trail (programme_audit): an amendment's lines (made by audit.rows.ts) and a revocation with its
 * reason, in the log's order. audit.query.ts reads it.
 */
export class AuditWriter {
  constructor(private readonly statements: Statements) {}

  changes(programmeId: string, record: AmendmentRecord, lines: readonly AuditChange[]): void {
    const insert = this.statements.get(
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

  revocation(programmeId: string, target: AmendmentRecord, revoked: { readonly at: string; readonly actor: string | null; readonly reason: string }): void {
    this.statements
      .get(
        `INSERT INTO programme_audit (programme_id, recorded_at, actor, amendment_id, decision_id, effective_from, kind, reason)
         VALUES (?, ?, ?, ?, ?, ?, 'revocation', ?)`,
      )
      .run(programmeId, revoked.at, revoked.actor, target.amendmentId, target.decisionId, target.effectiveFrom, revoked.reason);
  }
}
