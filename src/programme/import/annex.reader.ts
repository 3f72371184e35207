import { codePoint, INVISIBLE, latinRomanNumeral, mixedScriptWords, ROMAN_DIGIT, unquoted } from '../../common/characters';
import { type Amount, formatAmount, type Kopecks, parseAmount, totalOf } from '../domain/money';
import { decisionNumber } from '../../decision/domain/decision.decider';
import type {
  Annex,
  AnnexDecisionRef,
  AnnexDirection,
  AnnexFundingSource,
  AnnexMeasure,
  AnnexProblem,
  AnnexReading,
  AnnexSection,
} from './annex.model';

/** Control characters but the tab: Word's line break inside a cell (U+000B), and what a pasted document may carry. */
const CONTROL_CHARACTERS = /[^\P{Cc}\t]/gu;

/** Word's optional hyphen (U+00AD), a zero-width space: invisible, and the API refuses them in what it is sent. */
const INVISIBLE_CHARACTERS = new RegExp(INVISIBLE.source, 'gu');

/**
 * A line with its control characters read as spaces and its invisible characters dropped: they are no text (the API
 * refuses them in what it is sent). Word's line break inside a cell and its optional hyphen are common: only the
 * others are worth a warning.
 */
function invisibleCharactersRead(line: string, number: number, warnings: AnnexProblem[]): string {
  const control = line.match(CONTROL_CHARACTERS)?.find((c) => c !== '\u000b');
  if (control) warnings.push({ line: number, message: `a control character (${codePoint(control)}) is read as a space` });
  const invisible = line.match(INVISIBLE_CHARACTERS)?.find((c) => c !== '\u00ad');
  if (invisible) warnings.push({ line: number, message: `an invisible character (${codePoint(invisible)}) is left out` });
  return line.replace(CONTROL_CHARACTERS, ' ').replace(INVISIBLE_CHARACTERS, '');
}

/**
 * Reads a programme annex as a Word table comes out as text: one row per line, cells separated by tabs,
 * a blank line wherever a page ends. Columns: № | direction | measure | term | executors | funding source |
 * one amount column per year | expected results.
 */
export function readAnnex(text: string): AnnexReading {
  const warnings: AnnexProblem[] = [];
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => invisibleCharactersRead(line, index + 1, warnings));
  const mend = wordMender(lines);
  const tidy = (cell: string) => rejoinHyphenated(mend(cell));
  const firstRow = lines.findIndex((l) => l.includes('\t'));
  if (firstRow < 0) return { ok: false, errors: [{ line: 1, message: 'no table (no tab-separated rows) in the document' }] };

  const errors: AnnexProblem[] = [];
  const prelude = paragraphsOf(lines.slice(0, firstRow), tidy);
  const cited = readDecision(prelude);
  const decision = cited && 'unread' in cited ? null : cited;
  const unreadDecision = cited && 'unread' in cited ? cited.unread : null;
  // Unread, the header is a warning: a request that names the decision needs none (the importer refuses one that does not).
  if (unreadDecision) warnings.push(unreadDecision);

  const rows = tableRows(lines, firstRow, tidy);
  const { layout, body } = readLayout(rows, errors);
  if (!layout) return { ok: false, errors };

  const table = new TableReader(layout);
  for (const row of body) {
    // Text past the results column is a cell the header does not name: an amount or a result would be lost, or read as another.
    if (row.cells.slice(layout.resultsColumn + 1).some((c) => c !== '')) {
      errors.push({ line: row.line, message: `the row has ${row.cells.length} cells, more than the ${layout.resultsColumn + 1} columns the table's header names` });
    }
    if (table.read(row) === 'end of table') break;
  }
  errors.push(...table.errors);
  if (table.sections.length === 0) errors.push({ line: firstRow + 1, message: 'no section (I, II, …) in the table' });

  const heading = readHeading(prelude, layout.years, errors, warnings);
  if (errors.length > 0 || !heading) return { ok: false, errors: byLine(errors) };

  const annex: Annex = { decision, unreadDecision, ...heading, years: layout.years, sections: table.sections.map(finishSection) };
  warnings.push(...checkTotals(annex, table.totals, lines.length), ...mixedScripts(lines, firstRow), ...strayMeasures(annex));
  return { ok: true, annex, warnings: byLine(warnings) };
}

/** A word mixing Cyrillic with other letters is kept as written, but the secretariat is told (the API refuses one). */
function mixedScripts(lines: readonly string[], firstRow: number): AnnexProblem[] {
  return lines.flatMap((text, i) =>
    i < firstRow ? [] : mixedScriptWords(text).map(({ word }) => ({ line: i + 1, message: `the word "${word}" mixes Cyrillic with other letters` })),
  );
}

// ─── Text clean-up ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Word's export sometimes breaks a word inside a cell ("Коростенськ ої"). "A B" is one word when "AB" occurs
 * elsewhere in the document and "B" never stands on its own, i.e. every "B" is such a broken tail.
 * The mended text has single spaces only.
 */
function wordMender(lines: readonly string[]): (cell: string) => string {
  const cells = lines.flatMap((l) => l.split('\t')).map((c) => c.split(/\s+/).filter(Boolean));
  const vocabulary = new Set(cells.flat().map(core));
  const joinsPrevious = (prev: string | undefined, word: string) =>
    prev !== undefined && /\p{L}$/u.test(prev) && /^\p{Ll}/u.test(word) && vocabulary.has(core(prev + word));
  const standalone = new Set<string>();
  for (const words of cells) words.forEach((w, i) => joinsPrevious(words[i - 1], w) || standalone.add(core(w)));

  return (cell) =>
    cell
      .split(/\s+/)
      .filter(Boolean)
      .reduce<string[]>((out, w) => {
        if (joinsPrevious(out[out.length - 1], w) && !standalone.has(core(w))) out[out.length - 1] += w;
        else out.push(w);
        return out;
      }, [])
      .join(' ');
}

function core(word: string): string {
  return word.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '').toLowerCase();
}

/**
 * A word hyphenated at a line end inside a cell comes out as "роз'яснювально- інформаційної". A suspended hyphen
 * ("соціально- та економічний") is followed by a conjunction and stays.
 */
function rejoinHyphenated(text: string): string {
  return text.replace(/(\p{L})-\s+(?=\p{Ll})(?!(?:та|і|й|або|чи)(?:\s|$))/gu, '$1-');
}

/** Cell fragments split by a page break: a fragment ending in "режимно-" runs on into the next without a space. */
function joinFragments(fragments: readonly string[]): string {
  return fragments
    .filter(Boolean)
    .reduce((joined, next) => (joined === '' ? next : /\p{L}-$/u.test(joined) ? joined + next : `${joined} ${next}`), '');
}

// ─── Before the table: decision, title, community ───────────────────────────────────────────────────────────────

interface Paragraph {
  readonly line: number;
  readonly text: string;
}

function paragraphsOf(lines: readonly string[], tidy: (text: string) => string): Paragraph[] {
  const paragraphs: { line: number; parts: string[] }[] = [];
  let open = false;
  lines.forEach((raw, i) => {
    const text = tidy(raw.replace(/\*\*/g, ''));
    if (text === '') open = false;
    else if (open) paragraphs[paragraphs.length - 1].parts.push(text);
    else {
      paragraphs.push({ line: i + 1, parts: [text] });
      open = true;
    }
  });
  return paragraphs.map((p) => ({ line: p.line, text: rejoinHyphenated(p.parts.join(' ')) }));
}

const DECISION = new RegExp(
  String.raw`до\s+рішення\s+(\d+)\s+сесії\s+(.+?\s+ради)\s+(${ROMAN_DIGIT}+)\s+скликання\s+від\s+(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:р\.?|року)?\s*(?:№\s*(.*))?$`,
  'iu',
);

/** The decision the header cites; null where it cites none, `unread` where it cites one in a form not read. */
function readDecision(prelude: readonly Paragraph[]): AnnexDecisionRef | { unread: AnnexProblem } | null {
  const paragraph = prelude.find((p) => /до\s+рішення/iu.test(p.text));
  if (!paragraph) return null;
  const m = DECISION.exec(paragraph.text);
  const adoptedOn = m && isoDate(Number(m[6]), Number(m[5]), Number(m[4]));
  if (!m || !adoptedOn) return { unread: { line: paragraph.line, message: `cannot read the decision reference in "${paragraph.text}"` } };
  return {
    council: nominative(m[2]),
    session: Number(m[1]),
    convocation: latinRomanNumeral(m[3].toUpperCase()),
    adoptedOn,
    number: decisionNumber(m[7] ?? ''),
    line: paragraph.line,
  };
}

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** The programme is named in the genitive ("до Програми …", "до Комплексної програми …"). */
const PROGRAMME = /(?:^|\s)((?:[\p{L}'’-]+ої\s+)*програми)(\s.+)$/iu;
const COMMUNITY = /(?<!\p{L})(?:[\p{L}'’-]+ої\s+)+громади(?!\p{L})/u;
const PERIOD = /на\s+(\d{4})(?:\s*[-–—]\s*(\d{4}))?\s*(?:роки|рік|рр?\.)/u;

type Heading = Pick<Annex, 'title' | 'titleAsCited' | 'community' | 'period'>;

function readHeading(prelude: readonly Paragraph[], years: readonly number[], errors: AnnexProblem[], warnings: AnnexProblem[]): Heading | null {
  const named = prelude.map((p) => ({ p, m: PROGRAMME.exec(p.text) })).find((x) => x.m);
  if (!named?.m) {
    errors.push({ line: 1, message: 'no programme title ("… до Програми …") above the table' });
    return null;
  }
  const title = nominative(named.m[1]) + named.m[2];
  const community = COMMUNITY.exec(title) ?? prelude.map((p) => COMMUNITY.exec(p.text)).find(Boolean);
  if (!community) {
    errors.push({ line: named.p.line, message: 'no "… міської територіальної громади" naming the community' });
    return null;
  }
  // The columns carry the money, so they give the period. A title may name other years — one whose period an
  // amendment extended keeps its words — but a column heading gone missing shows here too.
  const period = PERIOD.exec(title);
  const columns = { from: years[0], to: years[years.length - 1] };
  if (period && (Number(period[1]) !== columns.from || Number(period[2] ?? period[1]) !== columns.to)) {
    const span = (from: number | string, to: number | string) => (String(from) === String(to) ? `${from}` : `${from}–${to}`);
    warnings.push({ line: named.p.line, message: `the title names ${span(period[1], period[2] ?? period[1])}, the table's columns ${span(columns.from, columns.to)}: the programme runs ${span(columns.from, columns.to)}` });
  }
  return { title, titleAsCited: named.m[1] + named.m[2], community: nominative(community[0]), period: columns };
}

/** Feminine genitive to nominative, which is all annex headings need: "Коростенської міської ради" → "… міська рада". */
function nominative(genitive: string): string {
  return genitive
    .split(' ')
    .map((w) => w.replace(/ьої$/u, 'я').replace(/ої$/u, 'а').replace(/и$/u, 'а'))
    .join(' ');
}

// ─── The table ──────────────────────────────────────────────────────────────────────────────────────────────────

const COLUMN = { number: 0, direction: 1, measure: 2, term: 3, executors: 4, source: 5 } as const;

interface Row {
  readonly line: number;
  readonly cells: readonly string[];
  /** A page ended just before this row; only such a row may continue the row above. */
  readonly afterPageBreak: boolean;
}

function cell(row: Row, index: number): string {
  return row.cells[index] ?? '';
}

/**
 * The table runs from the first tab-separated line to the last one, so that a row Word exported without tabs
 * (a one-cell section heading) is still read rather than silently dropped; the reader stops earlier at
 * "Всього по Програмі". Text below the table (the secretary's signature) is not part of it.
 */
function tableRows(lines: readonly string[], first: number, tidy: (cell: string) => string): Row[] {
  const last = lines.findLastIndex((l) => l.includes('\t'));
  const rows: Row[] = [];
  let afterPageBreak = false;
  for (let i = first; i <= last; i++) {
    const cells = lines[i].split('\t').map(tidy);
    if (cells.every((c) => c === '')) {
      afterPageBreak = true;
      continue;
    }
    rows.push({ line: i + 1, cells, afterPageBreak });
    afterPageBreak = false;
  }
  return rows;
}

interface Layout {
  readonly years: readonly number[];
  /** Cell index of each year's amount, in the order of `years`. */
  readonly amountColumns: readonly number[];
  readonly resultsColumn: number;
}

/** "2024 рік", "2024 р.", "2024"; with the unit too where the table has no column group to carry it ("2024 рік, тис. грн"). */
const YEAR_HEADING = /^(\d{4})\s*(?:р\.?|рік|року)?(?:\s*,?\s*\(?тис\.\s*грн\.?\)?)?$/u;

/** Header rows: "№ п/п …", the row of years, a row of column numbers; the years give the amount columns. */
function readLayout(rows: readonly Row[], errors: AnnexProblem[]): { layout: Layout | null; body: readonly Row[] } {
  const isHeader = (row: Row) =>
    cell(row, COLUMN.number).startsWith('№') ||
    row.cells.every((c) => c === '' || YEAR_HEADING.test(c)) ||
    row.cells.every((c) => c === '' || /^\d{1,2}$/.test(c));
  const headerCount = rows.findIndex((r) => !isHeader(r));
  const header = headerCount < 0 ? rows : rows.slice(0, headerCount);
  const body = rows.slice(header.length);
  const yearCells = header.flatMap((r) =>
    r.cells.flatMap((c, index) => (YEAR_HEADING.test(c) ? [{ index, year: Number(c.slice(0, 4)) }] : [])),
  );
  const line = rows[0]?.line ?? 1;
  if (yearCells.length === 0) {
    errors.push({ line, message: 'no year columns ("2024 рік", …) in the table header' });
    return { layout: null, body };
  }
  if (yearCells[0].index !== COLUMN.source + 1) {
    errors.push({ line, message: 'the year columns do not follow the funding-source column' });
    return { layout: null, body };
  }
  // One column a year, side by side: a repeated or skipped heading would put a year's amounts under another year.
  const misplaced = yearCells.find((y, i) => y.year !== yearCells[0].year + i || y.index !== yearCells[0].index + i);
  if (misplaced) {
    const headings = yearCells.map((y) => y.year).join(', ');
    errors.push({ line, message: `the year columns read ${headings}: each year heads one column, in order, side by side (${misplaced.year} does not follow)` });
    return { layout: null, body };
  }
  const amountColumns = yearCells.map((y) => y.index);
  return {
    layout: { years: yearCells.map((y) => y.year), amountColumns, resultsColumn: amountColumns[amountColumns.length - 1] + 1 },
    body,
  };
}

// ─── Rows into sections, directions and measures ────────────────────────────────────────────────────────────────

interface SectionDraft {
  number: string;
  title: string;
  line: number;
  directions: DirectionDraft[];
}

interface DirectionDraft {
  number: string | null;
  titleParts: string[];
  line: number;
  measures: MeasureDraft[];
}

interface MeasureDraft {
  number: string;
  titleParts: string[];
  term: { from: number; to: number };
  executorParts: string[];
  fundingSources: { sourceParts: string[]; allocations: Record<string, Amount> }[];
  resultParts: string[];
  lines: number[];
}

type TotalScope =
  | { kind: 'section'; number: string }
  /** `from`/`to` as written; null where the label names no range ("Всього по розділах"). */
  | { kind: 'sections'; from: string | null; to: string | null }
  | { kind: 'programme' };

interface StatedTotal {
  readonly line: number;
  readonly scope: TotalScope;
  readonly amounts: readonly Amount[];
}

const TOTAL = /^(?:Всього|Разом)\s/iu;
const SECTION = new RegExp(String.raw`^(${ROMAN_DIGIT}+)\.?(?:\s+(.+))?$`, 'u');
const DIRECTION_NUMBER = /^(\d+)\.?$/;
const MEASURE = /^(\d+(?:\.\d+)+)\.?\s*(.*)$/u;
const TERM = /^(\d{4})\s*(?:[-–—]\s*(\d{4}))?\s*(?:рр?\.?|роки|рік)?$/u;

class TableReader {
  readonly sections: SectionDraft[] = [];
  readonly totals: StatedTotal[] = [];
  readonly errors: AnnexProblem[] = [];
  private section: SectionDraft | null = null;
  // A misplaced direction or measure is still kept here (detached) so the rows continuing it raise no further errors.
  private direction: DirectionDraft | null = null;
  private measure: MeasureDraft | null = null;

  constructor(private readonly layout: Layout) {}

  read(row: Row): 'end of table' | void {
    const first = cell(row, COLUMN.number);
    if (TOTAL.test(first)) return this.readTotal(row, first);
    const section = SECTION.exec(first);
    if (section && cell(row, COLUMN.measure) === '') {
      return this.openSection(row, section[1], section[2] ?? cell(row, COLUMN.direction));
    }
    const measure = MEASURE.exec(cell(row, COLUMN.measure));
    if (measure) return this.readMeasure(row, measure[1], measure[2]);
    if (this.isDirectionOnly(row)) return void this.openDirection(row);
    if (this.isFundingSourceRow(row)) return this.addFundingSource(row);
    if (row.afterPageBreak && this.isContinuation(row)) return this.continueRows(row);
    this.fail(row, `cannot place this row: "${excerpt(row.cells.filter(Boolean).join(' | '))}"`);
  }

  private openSection(row: Row, number: string, title: string): void {
    this.section = { number: latinRomanNumeral(number), title: unquoted(title), line: row.line, directions: [] };
    this.sections.push(this.section);
    this.direction = this.measure = null;
    if (this.section.title === '') this.fail(row, `section ${this.section.number} has no title`);
  }

  /** A direction is numbered ("1.") or not; either way its title opens a new one unless the row continues a page. */
  private isDirectionOnly(row: Row): boolean {
    const first = cell(row, COLUMN.number);
    const opens = DIRECTION_NUMBER.test(first) || (first === '' && !row.afterPageBreak && cell(row, COLUMN.direction) !== '');
    return opens && row.cells.every((c, i) => i <= COLUMN.direction || c === '');
  }

  private openDirection(row: Row): DirectionDraft {
    const number = DIRECTION_NUMBER.exec(cell(row, COLUMN.number))?.[1] ?? null;
    this.direction = { number, titleParts: [cell(row, COLUMN.direction)], line: row.line, measures: [] };
    this.measure = null;
    if (!this.section) this.fail(row, 'a direction before any section');
    else this.section.directions.push(this.direction);
    if (cell(row, COLUMN.direction) === '') this.fail(row, `direction ${number} has no title`);
    return this.direction;
  }

  private readMeasure(row: Row, number: string, title: string): void {
    const first = cell(row, COLUMN.number);
    if (first !== '' && !DIRECTION_NUMBER.test(first)) this.fail(row, `"${excerpt(first)}" in the № column of measure ${number}`);
    const direction = first !== '' || cell(row, COLUMN.direction) !== '' ? this.openDirection(row) : this.direction;
    const term = TERM.exec(cell(row, COLUMN.term));
    if (!term) this.fail(row, `measure ${number} has no term one can read ("${cell(row, COLUMN.term)}")`);
    this.measure = {
      number,
      titleParts: [title],
      term: { from: Number(term?.[1] ?? 0), to: Number(term?.[2] ?? term?.[1] ?? 0) },
      executorParts: [cell(row, COLUMN.executors)],
      fundingSources: [],
      resultParts: [cell(row, this.layout.resultsColumn)],
      lines: [row.line],
    };
    if (title === '') this.fail(row, `measure ${number} has no title`);
    if (this.measure.term.to < this.measure.term.from) this.fail(row, `measure ${number} ends before it starts`);
    if (!this.section) this.fail(row, `measure ${number} before any section`);
    else if (!direction) this.fail(row, `measure ${number} belongs to no direction`);
    else direction.measures.push(this.measure);
    if (cell(row, COLUMN.source) !== '') this.addFundingSourceTo(this.measure, row);
    else if (this.layout.amountColumns.some((i) => cell(row, i) !== '')) {
      this.fail(row, `measure ${number} has amounts but no funding source`);
    }
  }

  /** A measure financed from several sources has one row per further source, its other cells left empty. */
  private isFundingSourceRow(row: Row): boolean {
    return (
      row.cells.every((c, i) => i >= COLUMN.source || c === '') &&
      cell(row, COLUMN.source) !== '' &&
      this.layout.amountColumns.some((i) => cell(row, i) !== '')
    );
  }

  private addFundingSource(row: Row): void {
    if (!this.measure) return this.fail(row, 'a funding source outside any measure');
    this.addFundingSourceTo(this.measure, row);
    this.measure.resultParts.push(cell(row, this.layout.resultsColumn));
    this.measure.lines.push(row.line);
  }

  private addFundingSourceTo(measure: MeasureDraft, row: Row): void {
    const amounts = this.amountsOf(row, `measure ${measure.number}`);
    const allocations = Object.fromEntries(this.layout.years.map((year, i) => [String(year), amounts[i]]));
    measure.fundingSources.push({ sourceParts: [cell(row, COLUMN.source)], allocations });
  }

  /** The rest of a row cut by a page break carries only text: no numbers, no term, no amounts. */
  private isContinuation(row: Row): boolean {
    return [COLUMN.number, COLUMN.term, ...this.layout.amountColumns].every((i) => cell(row, i) === '');
  }

  private continueRows(row: Row): void {
    const direction = cell(row, COLUMN.direction);
    if (direction !== '') {
      if (!this.direction) return this.fail(row, 'continues a direction, but none is open');
      this.direction.titleParts.push(direction);
    }
    const measureTexts = [COLUMN.measure, COLUMN.executors, COLUMN.source, this.layout.resultsColumn].map((i) => cell(row, i));
    if (measureTexts.every((t) => t === '')) return;
    if (!this.measure) return this.fail(row, 'continues a measure, but none is open');
    const [title, executors, source, results] = measureTexts;
    this.measure.titleParts.push(title);
    this.measure.executorParts.push(executors);
    const lastSource = this.measure.fundingSources[this.measure.fundingSources.length - 1];
    if (lastSource) lastSource.sourceParts.push(source);
    else if (source !== '') this.fail(row, `continues a funding source measure ${this.measure.number} does not have`);
    this.measure.resultParts.push(results);
    this.measure.lines.push(row.line);
  }

  private readTotal(row: Row, label: string): 'end of table' | void {
    const scope = this.totalScope(row, label);
    const amounts = this.amountsOf(row, `"${excerpt(label)}"`);
    if (scope) this.totals.push({ line: row.line, scope, amounts });
    this.direction = this.measure = null;
    if (scope?.kind === 'programme') return 'end of table';
  }

  private totalScope(row: Row, label: string): TotalScope | null {
    const normalised = latinRomanNumeral(label);
    const range = /розділах(?:\s+([IVXLC]+)\s*[-–—]\s*([IVXLC]+))?/iu.exec(normalised);
    if (range) return { kind: 'sections', from: range[1] ?? null, to: range[2] ?? null };
    const one = /розділу(?:\s+([IVXLC]+)(?!\p{L}))?/iu.exec(normalised);
    if (one) {
      const number = one[1] ?? this.section?.number;
      if (number && this.sections.some((s) => s.number === number)) return { kind: 'section', number };
      this.fail(row, `a total for section ${number ?? '?'}, which the document does not have`);
      return null;
    }
    if (/програмі/iu.test(normalised)) return { kind: 'programme' };
    this.fail(row, `a total of what? "${excerpt(label)}"`);
    return null;
  }

  /** In the order of the year columns. */
  private amountsOf(row: Row, what: string): Amount[] {
    return this.layout.years.map((year, i) => {
      const parsed = parseAmount(cell(row, this.layout.amountColumns[i]));
      if (parsed.ok) return parsed.amount;
      this.fail(row, `${what}, ${year}: ${parsed.reason}`);
      return null;
    });
  }

  private fail(row: Row, message: string): void {
    this.errors.push({ line: row.line, message });
  }
}

/**
 * A measure numbered for another section ("3.9" among section I's 1.1, 1.2…, or 4.1–4.3 read into section III
 * when section IV's heading slipped into another column) is read where it stands, with a warning: a document may
 * number its measures otherwise, so this is said only where the section's other measures follow its number.
 */
function strayMeasures(annex: Annex): AnnexProblem[] {
  return annex.sections.flatMap((section) => {
    const prefix = String(romanValue(section.number));
    const measures = section.directions.flatMap((d) => d.measures);
    if (!measures.some((m) => m.number.split('.')[0] === prefix)) return [];
    return measures
      .filter((m) => m.number.split('.')[0] !== prefix)
      .map((m) => ({ line: m.lines[0], message: `measure ${m.number} is read into section ${section.number}, whose other measures are numbered ${prefix}.…: check that its section heading is where it should be` }));
  });
}

function romanValue(roman: string): number {
  const digit: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };
  return [...roman].reduce((sum, ch, i) => {
    const value = digit[ch];
    return value < (digit[roman[i + 1]] ?? 0) ? sum - value : sum + value;
  }, 0);
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function byLine(problems: readonly AnnexProblem[]): AnnexProblem[] {
  return [...problems].sort((a, b) => a.line - b.line);
}

// ─── Drafts into the annex ──────────────────────────────────────────────────────────────────────────────────────

function finishSection(s: SectionDraft): AnnexSection {
  return { number: s.number, title: s.title, line: s.line, directions: s.directions.map(finishDirection) };
}

function finishDirection(d: DirectionDraft): AnnexDirection {
  return { number: d.number, title: joinFragments(d.titleParts), line: d.line, measures: d.measures.map(finishMeasure) };
}

function finishMeasure(m: MeasureDraft): AnnexMeasure {
  return {
    number: m.number,
    title: joinFragments(m.titleParts),
    term: m.term,
    executors: executorsOf(joinFragments(m.executorParts)),
    fundingSources: m.fundingSources.map(
      (f): AnnexFundingSource => ({ source: joinFragments(f.sourceParts), allocations: f.allocations }),
    ),
    expectedResults: resultsOf(m.resultParts),
    lines: m.lines,
  };
}

// ─── Executors ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Nouns that head an executor's name in the nominative. */
const HEAD_NOUNS = new Set([
  'відділ', 'відділи', 'управління', 'служба', 'сектор', 'сектори', 'департамент', 'департаменти', 'комітет',
  'комітети', 'центр', 'центри', 'секретар', 'заступник', 'заступники', 'керуючий', 'начальник', 'начальники',
  'керівник', 'керівники', 'депутат', 'депутати', 'голова', 'голови', 'орган', 'органи', 'розпорядник',
  'розпорядники', 'організація', 'установа', 'підприємство', 'комісія', 'рада', 'староста', 'старости', 'члени',
  'заклад', 'заклади', 'працівники', 'фахівці', 'спеціалісти', 'особа', 'виконком', 'міськвиконком', 'адміністрація',
]);
/** Nominative plural identical to genitive singular: a head noun only after a nominative adjective ("громадські організації"). */
const HEAD_NOUNS_AFTER_ADJECTIVE = new Set(['організації', 'установи', 'підприємства', 'комісії', 'служби', 'особи']);
/** Hard-stem endings only: soft ones ("-ій", "-я", "-ї") are far more often genitive nouns ("інвестицій", "комісії"). */
const NOMINATIVE_ADJECTIVE = /(?:ий|а|е|і)$/u;
const CONJUNCTION = new Set(['та', 'і', 'й']);

/**
 * Executors are listed with commas (or semicolons), but a name may hold commas too ("відділ з питань внутрішньої
 * політики, оргроботи та контролю"): a comma starts a new executor only where a nominative noun phrase follows.
 */
function executorsOf(cellText: string): string[] {
  // A semicolon, which no unit's name holds, always ends one.
  return numberedItems(cellText)
    .flatMap((item) => item.split(';'))
    .flatMap(commaSeparatedExecutors);
}

/**
 * A list item's number where an item may start: at the cell's start, or after a space, comma or semicolon, but not
 * after "№" or "N" ("школа № 2."); the item opens with a word, a quoted name («Центр…», ”Центр”) or, after a space, a
 * digit ("3D-центр").
 */
const ITEM_NUMBER = /(?<=^|[\s,;])(?<!(?:№|\bN)\s*)(\d{1,2})[.)](?=\s*[\p{L}\p{Pi}\p{Pf}«"']|\s+\d)\s*/gu;

/**
 * A cell typed as a numbered list ("1) відділ освіти 2) фінансове управління", "1. …, 2. …"), item by item without
 * the numbers, which may come without a comma between them. Only a cell that opens with "1" is such a list, and only
 * the next number in turn, outside parentheses, starts an item: a name's own digits ("ліцеї 1 та 2) міської ради",
 * "корпус 1) управління") stay in it.
 */
function numberedItems(cellText: string): string[] {
  const text = cellText.trim();
  const [first, ...numbers] = text.matchAll(ITEM_NUMBER);
  if (first?.index !== 0 || first[1] !== '1') return [cellText];
  const withoutNumber = (item: string) => item.replace(/^\d{1,2}[.)]\s*/u, '');
  const items: string[] = [];
  let start = 0;
  for (const match of numbers) {
    const item = withoutNumber(text.slice(start, match.index));
    if (Number(match[1]) !== items.length + 2 || openParentheses(item) > 0) continue;
    items.push(item);
    start = match.index;
  }
  return [...items, withoutNumber(text.slice(start))];
}

const openParentheses = (text: string) => (text.match(/\(/g)?.length ?? 0) - (text.match(/\)/g)?.length ?? 0);

function commaSeparatedExecutors(cellText: string): string[] {
  return cellText
    .split(',')
    // A list typed with bullets ("-Секретар міської ради") names the unit after its bullet.
    .map((f) => f.trim().replace(/^[-–—•]\s*(?=\p{L})/u, ''))
    // "тощо" (etc.) names no one; nor does a dash, the documents' mark for a cell left empty.
    .filter((f) => f !== '' && !/^тощо\.?$/iu.test(f) && !/^[-–—]+$/u.test(f))
    .reduce<string[]>((executors, fragment) => {
      if (executors.length === 0 || startsAnExecutor(fragment)) executors.push(fragment);
      else executors[executors.length - 1] += `, ${fragment}`;
      return executors;
    }, []);
}

/** A head noun, reached through nothing but nominative adjectives and "та"; or an abbreviation such as "КП". */
function startsAnExecutor(fragment: string): boolean {
  if (/^\p{Lu}{2,}(?!\p{Ll})/u.test(fragment)) return true;
  let afterAdjective = false;
  for (const word of fragment.toLowerCase().split(' ')) {
    if (HEAD_NOUNS.has(word) || (afterAdjective && HEAD_NOUNS_AFTER_ADJECTIVE.has(word))) return true;
    if (CONJUNCTION.has(word)) continue;
    if (!isNominativeAdjective(word)) return false;
    afterAdjective = true;
  }
  return false;
}

/** By its ending only; short words ("за", "на") are prepositions, not adjectives. */
function isNominativeAdjective(word: string): boolean {
  return word.length >= 4 && NOMINATIVE_ADJECTIVE.test(word);
}

// ─── Expected results ───────────────────────────────────────────────────────────────────────────────────────────

const BULLET = /^[-–—•]\s*/u;

/**
 * Results are bulleted with "-" and separated by a comma, semicolon or full stop before the next bullet. A page-break
 * fragment that does not open with a bullet continues the last result.
 */
function resultsOf(fragments: readonly string[]): string[] {
  const results: string[] = [];
  for (const fragment of fragments.filter(Boolean)) {
    fragment.split(/[,;.]\s*(?=[-–—•]\s*\p{L})/u).forEach((item, i) => {
      const text = item.replace(BULLET, '').trim();
      const continuesLast = i === 0 && !BULLET.test(item) && results.length > 0;
      if (continuesLast) results[results.length - 1] = joinFragments([results[results.length - 1], text]);
      else results.push(text);
    });
  }
  return results.filter(Boolean);
}

// ─── Totals ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Each stated total against the measures it covers. A document with no total covering every section is said so
 * too: a table cut short, or pasted without its last rows, would otherwise go in unnoticed.
 */
function checkTotals(annex: Annex, totals: readonly StatedTotal[], lastLine: number): AnnexProblem[] {
  const statesWhole = totals.some(({ scope }) => annex.sections.every((section) => inScope(section, scope)));
  const unchecked: AnnexProblem[] = statesWhole
    ? []
    : [{ line: lastLine, message: 'the document states no total of the whole programme ("Всього по Програмі"), so its amounts were checked against none; is it whole?' }];
  return [...unchecked, ...totals.flatMap((total) => {
    const sections = annex.sections.filter((s) => inScope(s, total.scope));
    const measures = sections.flatMap((s) => s.directions.flatMap((d) => d.measures));
    const computedIn = (year: number) =>
      totalOf(measures.flatMap((m) => m.fundingSources.map((f) => f.allocations[String(year)])));
    const what = describeScope(total.scope);
    // "Всього по Програмі" states the whole programme in the first amount column.
    if (total.scope.kind === 'programme' && total.amounts.slice(1).every((a) => a === null)) {
      return mismatch(total.line, what, totalOf(total.amounts.slice(0, 1)), totalOf(annex.years.map(computedIn)));
    }
    return annex.years.flatMap((year, i) =>
      mismatch(total.line, `${what} in ${year}`, totalOf([total.amounts[i]]), computedIn(year)),
    );
  })];
}

function inScope(section: AnnexSection, scope: TotalScope): boolean {
  if (scope.kind === 'programme') return true;
  if (scope.kind === 'section') return section.number === scope.number;
  const value = romanValue(section.number);
  return value >= romanValue(scope.from ?? 'I') && value <= (scope.to ? romanValue(scope.to) : Infinity);
}

function describeScope(scope: TotalScope): string {
  if (scope.kind === 'section') return `the total of section ${scope.number}`;
  if (scope.kind === 'programme') return 'the total of the programme';
  return scope.from && scope.to ? `the total of sections ${scope.from}-${scope.to}` : 'the total of all sections';
}

function mismatch(line: number, what: string, stated: Kopecks, computed: Kopecks): AnnexProblem[] {
  if (stated === computed) return [];
  const message = `${what} is stated as ${formatAmount(stated)}, but its measures add up to ${formatAmount(computed)}`;
  return [{ line, message }];
}
