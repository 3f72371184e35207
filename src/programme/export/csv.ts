import { type Options, stringify } from 'csv-stringify/sync';
import type { AuditEntry } from '../read/audit.query';
import type { ProgrammeView } from '../read/programme.view';

// Machine-readable sets: UTF-8, ISO dates, dot decimals, an empty cell for "none" (the open-data sets are in
// open-data.csv.ts).

/** The annex, one row per measure and funding source; a measure with no source yet is a row with empty amounts. */
export function annexCsv(view: ProgrammeView): string {
  const years = Object.keys(view.totals.byYear);
  const rows: string[][] = [];
  for (const section of view.sections) {
    for (const direction of section.directions) {
      for (const measure of direction.measures) {
        const lines = measure.fundingSources.length > 0 ? measure.fundingSources : [{ source: '', allocations: {} as Record<string, string | null> }];
        for (const funding of lines) {
          rows.push([
            section.number,
            section.title,
            direction.number ?? '',
            direction.title,
            measure.id,
            measure.number,
            measure.title,
            String(measure.term.from),
            String(measure.term.to),
            listCell(measure.executors.map((e) => e.name)),
            funding.source,
            ...years.map((y) => funding.allocations[y] ?? ''),
            listCell(measure.expectedResults),
          ]);
        }
      }
    }
  }
  const header = ['section', 'section_title', 'direction', 'direction_title', 'measure_id', 'measure', 'measure_title', 'term_from', 'term_to', 'executors', 'funding_source', ...years.map((y) => `amount_${y}`), 'expected_results'];
  return csv([header, ...rows]);
}

/** Records end in CRLF, as RFC 4180 writes them (and the spreadsheets of the secretariat expect). */
export const csv = (records: string[][], options: Options = {}): string => stringify(records, { record_delimiter: 'windows', ...options });

/**
 * A list in one cell as a JSON array of strings: any separator ("; ", a line break) may also stand inside an item
 * (a result typed with a semicolon), and then the list could not be read back. An empty list is an empty cell.
 */
const listCell = (items: readonly string[]): string => (items.length === 0 ? '' : JSON.stringify(items));

/**
 * The audit trail for a spreadsheet, one row per entry in record order, the decision cited beside its id. A value
 * that is not text (a term, a list of results, a whole measure added or removed) is its JSON; none is empty. With a
 * byte-order mark, unlike the data sets: without one Excel reads UTF-8 as the system's code page (cp1251 here).
 */
export function auditCsv(entries: readonly AuditEntry[], citationOf: (decisionId: string) => string): string {
  const header = ['recorded_at', 'actor', 'kind', 'amendment_id', 'decision_id', 'decision', 'effective_from', 'measure_id', 'measure', 'field', 'funding_source', 'was', 'became', 'executor', 'reason'];
  const rows = entries.map((entry) => [
    entry.recordedAt,
    entry.actor ?? '',
    entry.kind,
    entry.amendmentId,
    entry.decisionId,
    citationOf(entry.decisionId),
    entry.effectiveFrom,
    entry.measureId ?? '',
    entry.measureNumber ?? '',
    entry.field ?? '',
    entry.fundingSource ?? '',
    valueCell(entry.was),
    valueCell(entry.became),
    entry.executor?.name ?? '',
    entry.reason ?? '',
  ]);
  // Made for a spreadsheet, where a cell opening with = + - @ is a formula: text the secretariat typed could run
  // as one on the auditor's machine (OWASP: CSV injection), so such a cell gets a leading apostrophe. The data sets
  // are for machines, which take a cell as it is: an apostrophe there would change the data, past telling apart.
  return csv([header, ...rows], { bom: true, escape_formulas: true });
}

const valueCell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
