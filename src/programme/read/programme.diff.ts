import { nameAt } from '../../executor/domain/executor.decider';
import type { KnownExecutor } from '../../executor/executors.projection';
import { formatAmount } from '../domain/money';
import { compareNumbers, lineOf, type Measure, type ProgrammeContent, yearsOf } from '../domain/programme.types';
import { measureYear, programmeTotals } from '../domain/totals';
import { formatTotals, measureView, type TotalsView } from './programme.view';

/** One row of the comparative table (порівняльна таблиця): a field of a measure, було → стало. */
export interface DiffRow {
  readonly measureId: string | null;
  readonly number: string | null;
  /**
   * A renumbered measure's number on the було side, on each of its rows: the стало number alone could be another
   * measure's, one the same decision struck out or renumbered, whose rows stand beside these.
   */
  readonly numberWas?: string;
  readonly field: string;
  readonly was: unknown;
  readonly became: unknown;
  /** For an amount of one funding source of a co-funded measure (the measure's sum has a row of its own). */
  readonly fundingSource?: string;
}

/** A measure added or removed, as a row of the comparative table shows it: its amounts per source and summed per year. */
export interface MeasureRecord {
  readonly title: string;
  readonly term: { readonly from: number; readonly to: number };
  readonly executors: readonly string[];
  readonly fundingSources: readonly { readonly source: string; readonly allocations: Readonly<Record<string, string | null>> }[];
  readonly allocations: Readonly<Record<string, string | null>>;
  readonly expectedResults: readonly string[];
}

export interface ProgrammeDiff {
  readonly rows: readonly DiffRow[];
  readonly totals: { readonly was: TotalsView; readonly became: TotalsView };
}

/** Compares two views of one programme measure by measure (matched by id, so a renumbering is one row). */
export function diffContents(was: ProgrammeContent, became: ProgrammeContent, executor: (id: string) => KnownExecutor | undefined, dates: { was: string; became: string }): ProgrammeDiff {
  const rows: DiffRow[] = [];
  if (was.title !== became.title) rows.push({ measureId: null, number: null, field: 'title', was: was.title, became: became.title });
  if (was.period.to !== became.period.to || was.period.from !== became.period.from) {
    rows.push({ measureId: null, number: null, field: 'period', was: was.period, became: became.period });
  }
  // The structure before the measures, as a decision states it: a section or direction added or removed.
  rows.push(...structureRows('section', was.sections, became.sections, (s) => ({ number: s.number, title: s.title })));
  const sectionNumber = (content: ProgrammeContent, id: string) => content.sections.find((s) => s.id === id)?.number ?? null;
  rows.push(
    ...structureRows('direction', was.directions, became.directions, (d, side) => ({ number: d.number, title: d.title, section: sectionNumber(side === 'was' ? was : became, d.sectionId) })),
  );
  const years = yearsOf({ from: Math.min(was.period.from, became.period.from), to: Math.max(was.period.to, became.period.to) });
  const before = new Map(was.measures.map((m) => [m.id, m]));
  const after = new Map(became.measures.map((m) => [m.id, m]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) =>
    compareNumbers((after.get(a) ?? before.get(a))!.number, (after.get(b) ?? before.get(b))!.number),
  );
  const nameOf = (id: string, date: string) => {
    const e = executor(id);
    return e ? nameAt(e, date) : id;
  };
  const names = (m: Measure, date: string) => m.executorIds.map((id) => nameOf(id, date));
  // A measure on one side only is shown whole, as the decision adds or strikes out its row of the annex: as a view
  // shows it, with its units named as on that side's date.
  const whole = (m: Measure, date: string): MeasureRecord => {
    const { title, term, executors, fundingSources, allocations, expectedResults } = measureView(m, years, (id) => ({ id, name: nameOf(id, date) }));
    return { title, term, executors: executors.map((e) => e.name), fundingSources, allocations, expectedResults };
  };

  for (const id of ids) {
    const a = before.get(id);
    const b = after.get(id);
    if (!a && b) rows.push({ measureId: id, number: b.number, field: 'measure', was: null, became: whole(b, dates.became) });
    else if (a && !b) rows.push({ measureId: id, number: a.number, field: 'measure', was: whole(a, dates.was), became: null });
    else if (a && b) {
      const label = a.number === b.number ? { number: b.number } : { number: b.number, numberWas: a.number };
      // [field, було, стало, whether it changed: by default, whether the two differ]
      const fields: [string, unknown, unknown, boolean?][] = [
        ['number', a.number, b.number],
        ['title', a.title, b.title],
        ['term', a.term, b.term],
        // Compared by unit, named by date: a unit renamed in the directory is the same unit, and no decision changed
        // who carries the measure out.
        ['executors', names(a, dates.was), names(b, dates.became), !sameUnits(a.executorIds, b.executorIds)],
        ['fundingSources', a.funding.map((f) => f.source), b.funding.map((f) => f.source)],
        ...years.map((y): [string, unknown, unknown] => [`allocations.${y}`, formatAmount(measureYear(a, y)), formatAmount(measureYear(b, y))]),
        ['expectedResults', a.expectedResults, b.expectedResults],
      ];
      for (const [field, x, y, changed = JSON.stringify(x) !== JSON.stringify(y)] of fields) if (changed) rows.push({ measureId: id, ...label, field, was: x, became: y });
      rows.push(...sourceRows(a, b, years, label));
    }
  }
  return { rows, totals: { was: formatTotals(programmeTotals(was)), became: formatTotals(programmeTotals(became)) } };
}

/** The same units, in whatever order: one unassigned and assigned again by a later decision is no change. */
function sameUnits(was: readonly string[], became: readonly string[]): boolean {
  return was.length === became.length && was.every((id) => became.includes(id));
}

/**
 * Money moved between the funding sources of a co-funded measure leaves its sums alone: a row per source, per year its
 * amount differs. A source on one side only gets rows too (— → amount), so a co-funding added by a decision shows its share.
 */
function sourceRows(was: Measure, became: Measure, years: readonly number[], label: Pick<DiffRow, 'number' | 'numberWas'>): DiffRow[] {
  if (was.funding.length < 2 && became.funding.length < 2) return [];
  const rows: DiffRow[] = [];
  const gone = was.funding.filter((line) => !lineOf(became.funding, line.source));
  for (const line of [...became.funding, ...gone]) {
    const before = lineOf(was.funding, line.source);
    const after = lineOf(became.funding, line.source);
    for (const year of years) {
      const x = formatAmount(before?.allocations[String(year)] ?? null);
      const y = formatAmount(after?.allocations[String(year)] ?? null);
      if (x !== y) rows.push({ measureId: became.id, ...label, field: `allocations.${year}`, fundingSource: line.source, was: x, became: y });
    }
  }
  return rows;
}

/** A row per part (section, direction) on one side only, or described otherwise on the two, in the order of `became`, then of `was`. */
function structureRows<T extends { readonly id: string; readonly number: string | null }>(
  field: 'section' | 'direction',
  was: readonly T[],
  became: readonly T[],
  describe: (part: T, side: 'was' | 'became') => object,
): DiffRow[] {
  const before = new Map(was.map((part) => [part.id, part]));
  const after = new Map(became.map((part) => [part.id, part]));
  const rows: DiffRow[] = [];
  for (const id of new Set([...after.keys(), ...before.keys()])) {
    const a = before.get(id);
    const b = after.get(id);
    const x = a ? describe(a, 'was') : null;
    const y = b ? describe(b, 'became') : null;
    if (JSON.stringify(x) !== JSON.stringify(y)) rows.push({ measureId: null, number: (b ?? a)?.number ?? null, field, was: x, became: y });
  }
  return rows;
}
