import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { Statements } from '../../projections/statements';
import type { Measure, ProgrammeContent } from '../domain/programme.types';

export const SNAPSHOT_MEASURES_TABLE = `
  -- Each measure's content once, by its hash: a snapshot names its measures by these keys. Folds share every
  -- measure an amendment leaves alone, so a snapshot costs the measures changed since the one before it, and
  -- a snapshot superseded by a retroactive amendment costs a list of keys, not the whole programme again.
  -- A rowid table: the contents go in append order, only the short keys into the index by hash.
  CREATE TABLE IF NOT EXISTS programme_measures (
    programme_id TEXT NOT NULL,
    key TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (programme_id, key)
  );
`;

/** A snapshot as stored: the programme with its measures as keys into programme_measures. */
type StoredContent = Omit<ProgrammeContent, 'measures'> & { readonly measures: readonly string[] };

/**
 * Writes and reads snapshot contents. One per read-model connection: the keys it remembers are of rows
 * written through it, so a fresh one comes with every reload of the tables (a rolled-back batch forgets them).
 */
export class SnapshotCodec {
  private readonly statements: Statements;
  /** The key of every measure object already stored, and for which programme: an unchanged measure is neither serialised nor hashed again. */
  private readonly keys = new WeakMap<Measure, { readonly programmeId: string; readonly key: string }>();

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
  }

  encode(programmeId: string, content: ProgrammeContent | null): string {
    if (content === null) return 'null';
    const stored: StoredContent = { ...content, measures: content.measures.map((measure) => this.keyOf(programmeId, measure)) };
    return JSON.stringify(stored);
  }

  decode(programmeId: string, text: string): ProgrammeContent | null {
    const stored = JSON.parse(text) as StoredContent | null;
    if (stored === null) return null;
    const rows = this.statements
      .get<[string, string], { key: string; content: string }>('SELECT key, content FROM programme_measures WHERE programme_id = ? AND key IN (SELECT value FROM json_each(?))')
      .all(programmeId, JSON.stringify(stored.measures));
    const byKey = new Map(rows.map((row) => [row.key, row.content]));
    const measures = stored.measures.map((key) => {
      const json = byKey.get(key);
      if (json === undefined) throw new Error(`programme ${programmeId}: no measure ${key} for a snapshot`);
      const measure = JSON.parse(json) as Measure;
      this.keys.set(measure, { programmeId, key });
      return measure;
    });
    return { ...stored, measures };
  }

  private keyOf(programmeId: string, measure: Measure): string {
    const known = this.keys.get(measure);
    if (known?.programmeId === programmeId) return known.key;
    const json = JSON.stringify(measure);
    const key = createHash('sha1').update(json).digest('base64url');
    this.statements.get('INSERT OR IGNORE INTO programme_measures (programme_id, key, content) VALUES (?, ?, ?)').run(programmeId, key, json);
    this.keys.set(measure, { programmeId, key });
    return key;
  }
}
