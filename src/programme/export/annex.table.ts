import { unquoted } from '../../common/characters';
import { documentDate, kyivDateTime } from '../../common/clock';
import { documentText } from '../domain/money';
import type { MeasureRecord, ProgrammeDiff } from '../read/programme.diff';
import type { MeasureView, ProgrammeView } from '../read/programme.view';

/**
 * The annex "in a new wording" as the council's documents lay it out (the columns of the Korosten annex), and
 * the comparative table (було / стало) of a decision: one grid model, rendered as HTML, DOCX or CSV.
 */
export interface Grid {
  readonly heading: readonly string[];
  /** One heading per column. */
  readonly header: readonly string[];
  /**
   * A title over some columns' headings, on a row above them (the annex's "Орієнтовні обсяги фінансування" over the
   * years): the other headings then take both rows.
   */
  readonly headerGroup?: { readonly first: number; readonly span: number; readonly title: string };
  /** Each column's share of the table's width, in per cent (together 100): a printed table is laid out by them. */
  readonly widths: readonly number[];
  readonly rows: readonly GridRow[];
}

export interface GridRow {
  /** Sections and totals are set apart in print. */
  readonly kind: 'section' | 'item' | 'total';
  /** One per column, whatever is merged: a merged cell's text is in its first, the others are empty (as a spreadsheet reads them). */
  readonly cells: readonly string[];
  /** Cells merged with those after them in print: the first column's index → how many columns it covers. */
  readonly spans?: Readonly<Record<number, number>>;
  /** The columns whose cells hold amounts: set to the right, never broken at their spaces. */
  readonly amounts?: readonly number[];
}

/**
 * The annex's columns in proportion (№, direction, measure, term, executors, source, …years, results): the
 * narrow ones hold a number or a term, each year column an amount such as "11 181,90" on one line.
 */
export function annexWidths(years: number): number[] {
  // 7 % a year, but the years together never under 14 % (their heading reads across them) nor over half the page.
  const year = Math.min(Math.max(7, 14 / years), 50 / years);
  const before = [4, 11, 21, 6, 13, 10];
  const after = [14];
  // The text columns share what the years leave, in these proportions.
  const share = (100 - year * years) / [...before, ...after].reduce((a, b) => a + b, 0);
  return [...before.map((w) => w * share), ...Array<number>(years).fill(year), ...after.map((w) => w * share)];
}

/**
 * A cell opens with a capital, as the annexes write a list of units: the directory keeps one spelling of a unit,
 * and the one it saw first may have stood mid-list ("…, керуючий справами").
 */
const sentenceCase = (text: string) => text.charAt(0).toLocaleUpperCase('uk') + text.slice(1);

/** Bulleted and comma-separated, as the annexes write them and the importer reads them back. */
const resultsText = (results: readonly string[]) => results.map((r) => `-${r}`).join(', ');

const term = ({ from, to }: MeasureView['term']) => (from === to ? `${from} р.` : `${from}-${to} рр.`);

/**
 * A document of a view as known at an instant says so on the page: printed, it has no query string, and the same
 * date as known now may read otherwise.
 */
const knownAtLine = (knownAt: string | undefined) => (knownAt === undefined ? [] : [`за даними, внесеними станом на ${kyivDateTime(knownAt)} за київським часом`]);

export function annexGrid(view: ProgrammeView, knownAt?: string): Grid {
  const years = Object.keys(view.totals.byYear);
  const blankAmounts = years.map(() => '');
  // The annex's own headings, the years under the title of the amounts, as the importer reads them back.
  const beforeYears = ['№ п/п', 'Назва напрямку діяльності (пріоритетні завдання)', 'Перелік заходів Програми', 'Термін виконання', 'Виконавці', 'Джерела фінансування'];
  const header = [...beforeYears, ...years.map((y) => `${y} рік`), 'Очікувані результати'];
  const firstYear = beforeYears.length;
  const headerGroup = { first: firstYear, span: years.length, title: 'Орієнтовні обсяги фінансування (тис.грн.)' };
  const rows: GridRow[] = [];
  const columns = header.length;
  // A total's label reads across the columns before the amounts, as the annex sets it; the programme's own total spans the years.
  const totalLabel = { 0: firstYear };
  const amounts = years.map((_, i) => firstYear + i);
  for (const section of view.sections) {
    const quoted = `«${unquoted(section.title)}»`;
    rows.push({ kind: 'section', cells: [section.number, quoted, '', '', '', '', ...blankAmounts, ''], spans: { 1: columns - 1 } });
    for (const direction of section.directions) {
      direction.measures.forEach((measure, i) => {
        // As the council's annexes do (and the importer reads): each further source of a measure on a row of its own, with its own amounts.
        const [first, ...further] = measure.fundingSources;
        rows.push({
          kind: 'item',
          cells: [
            i === 0 && direction.number ? `${direction.number}.` : '',
            i === 0 ? direction.title : '',
            `${measure.number}. ${measure.title}`,
            term(measure.term),
            sentenceCase(measure.executors.map((e) => e.name).join(', ')),
            first?.source ?? '',
            ...years.map((y) => documentText((first ?? measure).allocations[y] ?? null)),
            resultsText(measure.expectedResults),
          ],
          amounts,
        });
        for (const source of further) {
          rows.push({ kind: 'item', cells: ['', '', '', '', '', source.source, ...years.map((y) => documentText(source.allocations[y] ?? null)), ''], amounts });
        }
      });
    }
    rows.push({ kind: 'total', cells: [`Всього по розділу ${section.number} ${quoted}`, '', '', '', '', '', ...years.map((y) => documentText(section.totals.byYear[y])), ''], spans: totalLabel, amounts });
  }
  const numbers = view.sections.map((s) => s.number);
  if (numbers.length > 0) {
    const range = numbers.length === 1 ? numbers[0] : `${numbers[0]}-${numbers[numbers.length - 1]}`;
    rows.push({ kind: 'total', cells: [`Всього по розділах ${range}`, '', '', '', '', '', ...years.map((y) => documentText(view.totals.byYear[y])), ''], spans: totalLabel, amounts });
  }
  rows.push({ kind: 'total', cells: ['Всього по Програмі', '', '', '', '', '', documentText(view.totals.overall), ...blankAmounts.slice(1), ''], spans: { ...totalLabel, [firstYear]: years.length }, amounts: [firstYear] });
  // The chain is written for a preamble ("до Програми …, затвердженої рішенням …"); under the title it agrees with it.
  const approval = view.amendmentChain.replace(/^затвердженої /, 'затверджена ');
  return { heading: [view.title, `у редакції станом на ${documentDate(view.asOf)}`, ...knownAtLine(knownAt), approval].filter((line) => line !== ''), header, headerGroup, widths: annexWidths(years.length), rows };
}

const FIELDS: Record<string, string> = {
  measure: 'Захід',
  number: 'Номер заходу',
  title: 'Назва',
  term: 'Термін виконання',
  executors: 'Виконавці',
  fundingSources: 'Джерела фінансування',
  expectedResults: 'Очікувані результати',
  period: 'Період дії програми',
  section: 'Розділ',
  direction: 'Напрям діяльності',
};

function fieldLabel(field: string, fundingSource?: string): string {
  const year = /^allocations\.(\d{4})$/.exec(field);
  if (!year) return FIELDS[field] ?? field;
  return `Обсяг фінансування на ${year[1]} рік, тис. грн${fundingSource === undefined ? '' : `: ${fundingSource}`}`;
}

const amountsText = (allocations: Readonly<Record<string, string | null>>) =>
  Object.entries(allocations)
    .map(([year, amount]) => `${year}: ${documentText(amount)}`)
    .join('; ');

/** A measure added or removed, line by line as its row of the annex reads: title, term, units, each source's amounts, results. */
function measureText(measure: MeasureRecord): string {
  return [
    measure.title,
    `Термін виконання: ${term(measure.term)}`,
    ...(measure.executors.length > 0 ? [`Виконавці: ${sentenceCase(measure.executors.join(', '))}`] : []),
    ...measure.fundingSources.map((line) => `${line.source}, тис. грн: ${amountsText(line.allocations)}`),
    // One source's amounts are the measure's; several are summed, as the annex's columns are.
    ...(measure.fundingSources.length === 1 ? [] : [`${measure.fundingSources.length === 0 ? 'Обсяг фінансування' : 'Разом'}, тис. грн: ${amountsText(measure.allocations)}`]),
    ...(measure.expectedResults.length > 0 ? [`Очікувані результати: ${resultsText(measure.expectedResults)}`] : []),
  ].join('\n');
}

/** A value of the comparative table as a reader of the decision expects it. */
function cellOf(field: string, value: unknown, side: 'was' | 'became'): string {
  // A measure struck out is said to be, as decisions word it; one not there before has nothing to show.
  if (value === null || value === undefined) return field.startsWith('allocations.') ? '---' : field === 'measure' && side === 'became' ? 'виключено' : '—';
  if (field.startsWith('allocations.')) return documentText(value as string);
  if (field === 'measure') return measureText(value as MeasureRecord);
  if (Array.isArray(value)) return field === 'expectedResults' ? resultsText(value as string[]) : value.join(', ');
  if (typeof value === 'object') {
    const v = value as { from?: number; to?: number; title?: string };
    if (v.title !== undefined) return v.title;
    if (v.from !== undefined && v.to !== undefined) return term({ from: v.from, to: v.to });
  }
  return String(value);
}

/** The comparative table's було and стало columns, where a row of money holds its amounts. */
const SIDES = [2, 3];

/** `ends`: how the document names the two sides, e.g. "на 01.01.2025", "у редакції рішення … № 1878". */
export function comparativeGrid(title: string, diff: ProgrammeDiff, ends: { from: string; to: string }, knownAt?: string): Grid {
  const years = [...new Set([...Object.keys(diff.totals.was.byYear), ...Object.keys(diff.totals.became.byYear)])].sort();
  return {
    heading: ['Порівняльна таблиця', title, `було: ${ends.from}; стало: ${ends.to}`, ...knownAtLine(knownAt)],
    header: ['№ заходу', 'Що змінюється', 'Було', 'Стало'],
    // The № column holds "2.9 → 2.10" for a renumbered measure on one line.
    widths: [11, 25, 32, 32],
    rows: [
      ...diff.rows.map((row) => ({
        kind: 'item' as const,
        cells: [row.numberWas === undefined ? (row.number ?? '') : `${row.numberWas} → ${row.number}`, fieldLabel(row.field, row.fundingSource), cellOf(row.field, row.was, 'was'), cellOf(row.field, row.became, 'became')],
        ...(row.field.startsWith('allocations.') ? { amounts: SIDES } : {}),
      })),
      ...years.map((year) => ({
        kind: 'total' as const,
        cells: ['', `Всього на ${year} рік, тис. грн`, documentText(diff.totals.was.byYear[year] ?? null), documentText(diff.totals.became.byYear[year] ?? null)],
        amounts: SIDES,
      })),
      { kind: 'total', cells: ['', 'Всього по Програмі, тис. грн', documentText(diff.totals.was.overall), documentText(diff.totals.became.overall)], amounts: SIDES },
    ],
  };
}
