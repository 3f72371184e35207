import type { ProgrammeChange } from '../domain/programme.events';
import type { Totals } from '../domain/totals';
import type { AmendmentRecord } from '../domain/timeline';
import { SNAPSHOT_MEASURES_TABLE } from './snapshot.codec';

// The programme read models' tables (written by programmes.projection.ts, the audit trail's by audit.writer.ts; read
// by programme.queries.ts and audit.query.ts), and an amendment's row read back as the domain's record.

export const PROGRAMME_TABLES = `
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
    -- Keyed in append order: a rebuild then only ever adds at the end of the tree.
    PRIMARY KEY (programme_id, revision)
  );
  CREATE TABLE IF NOT EXISTS programme_snapshots (
    programme_id TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    revision INTEGER NOT NULL,
    known_from TEXT NOT NULL,
    known_to TEXT,
    -- The programme with its measures as keys into programme_measures (snapshot.codec.ts).
    content TEXT NOT NULL,
    PRIMARY KEY (programme_id, effective_from, revision, known_from)
  );
  -- What was known at each instant, a row per append (amendment or revocation): the stream revision it
  -- reached, and the horizon — the greatest (effective_from, revision) recorded by then. Nothing beyond the
  -- horizon is in force as known then, so a view's scans stop there instead of running through everything
  -- recorded later.
  CREATE TABLE IF NOT EXISTS programme_knowledge (
    programme_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    revision INTEGER NOT NULL,
    horizon_effective_from TEXT NOT NULL,
    horizon_revision INTEGER NOT NULL,
    PRIMARY KEY (programme_id, recorded_at)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS programme_audit (
    -- Rows are never deleted, so the rowid alone rises with every insert: no AUTOINCREMENT bookkeeping.
    seq INTEGER PRIMARY KEY,
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
  CREATE TABLE IF NOT EXISTS programme_open_appends (programme_id TEXT PRIMARY KEY, events TEXT NOT NULL);
  ${SNAPSHOT_MEASURES_TABLE}
`;

/** The indexes only the queries need: a rebuild creates them once, after loading the rows. */
export const PROGRAMME_INDEXES = `
  -- A view scans the amendments after its snapshot: the record-time columns in the index let it skip those
  -- not in force at its knownAt without reading their rows.
  CREATE INDEX IF NOT EXISTS programme_amendments_effective ON programme_amendments (programme_id, effective_from, revision, recorded_at, revoked_at);
  CREATE INDEX IF NOT EXISTS programme_amendments_decision ON programme_amendments (decision_id);
  -- The amendment chain: each decision's first amendment in force, found in the index alone.
  CREATE INDEX IF NOT EXISTS programme_amendments_by_decision ON programme_amendments (programme_id, decision_id, effective_from, revision, recorded_at, revoked_at);
  CREATE INDEX IF NOT EXISTS programme_audit_programme ON programme_audit (programme_id, seq);
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

export function toRecord(row: AmendmentRow): AmendmentRecord {
  const changes = JSON.parse(row.changes) as ProgrammeChange[];
  return {
    amendmentId: row.amendment_id,
    decisionId: row.decision_id,
    effectiveFrom: row.effective_from,
    note: row.note,
    initial: row.initial === 1,
    revision: row.revision,
    recordedAt: row.recorded_at,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    changes,
    // A row is written once its whole append has been read.
    changeCount: changes.length,
    revoked: row.revoked_at === null ? null : { at: row.revoked_at, reason: row.revoked_reason ?? '', revision: row.revoked_revision ?? -1 },
  };
}

export function totalsOfRow(row: Pick<AmendmentRow, 'totals'>): Totals | null {
  return row.totals === null ? null : (JSON.parse(row.totals) as Totals);
}
