import * as fs from 'fs';
import * as path from 'path';
import { type DomainError, type DomainProblem, isDomainError } from '../../src/common/domain-error';
import { normalizeExecutorName } from '../../src/executor/domain/executor.decider';
import { type Amount, parseAmount } from '../../src/programme/domain/money';
import type { Change, ExecutorStatus, InitialMeasure, InitialWording, ProgrammeCommand } from '../../src/programme/domain/programme.commands';
import { type Decided, decide } from '../../src/programme/domain/programme.decider';
import type { AmendmentRegistered, ProgrammeEvent } from '../../src/programme/domain/programme.events';
import type { FundingLine, Measure, ProgrammeContent, Term } from '../../src/programme/domain/programme.types';
import { type Axes, EMPTY_TIMELINE, evolveTimeline, inForce, type ProgrammeTimeline, type StoredProgrammeEvent, viewAt } from '../../src/programme/domain/timeline';
import type { Annex } from '../../src/programme/import/annex.model';
import { readAnnex } from '../../src/programme/import/annex.reader';
import { wordingOf } from '../../src/programme/import/annex.importer';

/**
 * given(commands…).when(command).then(events) / .thenFails(code, …) for the programme decider.
 *
 * Each given command is decided against the timeline so far and its events are appended as one append: every
 * event gets the next stream revision, and the append gets a `created` instant from a fake clock that starts at
 * T0 and advances one minute per append. So append n (0-based) is recorded at `recordedAt(n)`, which makes
 * record order and knownAt testable.
 */

// ─── The fake clock ──────────────────────────────────────────────────────────────────────────────────────────────

export const T0 = '2025-09-01T08:00:00.000Z';

/** When the n-th append (0-based, in the order of the given steps) was recorded. */
export function recordedAt(append: number): string {
  return new Date(Date.parse(T0) + append * 60_000).toISOString();
}

/** Half a minute after the n-th append: a knownAt that sees append n but not append n + 1. */
export function justAfter(append: number): string {
  return new Date(Date.parse(recordedAt(append)) + 30_000).toISOString();
}

// ─── History: a timeline built append by append ────────────────────────────────────────────────────────────────

export class History {
  constructor(
    readonly timeline: ProgrammeTimeline = EMPTY_TIMELINE,
    readonly appends = 0,
  ) {}

  /** The events of one decision, stored as one append at the next minute of the fake clock. */
  append(events: readonly ProgrammeEvent[]): History {
    const created = recordedAt(this.appends);
    const stored: StoredProgrammeEvent[] = events.map((event, i) => ({
      type: event.type,
      data: event.data,
      revision: this.timeline.revision + 1 + i,
      created,
      metadata: {},
    }));
    return new History(evolveTimeline(this.timeline, stored), this.appends + 1);
  }

  view(axes: Axes = {}): ProgrammeContent | null {
    return viewAt(this.timeline, axes);
  }

  /** The ids of the amendments a view folds, in the order it folds them. */
  inForce(axes: Axes = {}): string[] {
    return inForce(this.timeline, axes).map((a) => a.amendmentId);
  }
}

export interface Given {
  readonly history: History;
  readonly timeline: ProgrammeTimeline;
  when(command: ProgrammeCommand): When;
}

export interface Accepted {
  readonly events: readonly ProgrammeEvent[];
  /** The history with the accepted events appended (at the next minute of the fake clock). */
  readonly history: History;
  view(axes?: Axes): ProgrammeContent | null;
}

export interface ExpectedFailure {
  readonly kind: DomainError['kind'];
  /** Exactly the amendments a TimelineConflict names, in the order it names them (each once). */
  readonly conflictingAmendments?: readonly string[];
  /** Exactly these problems, in this order; each is matched with `toMatchObject` (give code, path, details). */
  readonly problems?: readonly (Partial<DomainProblem> & { readonly code: string })[];
}

export interface When {
  readonly result: Decided;
  /** The command is accepted with exactly these events. */
  then(expected: readonly ProgrammeEvent[]): Accepted;
  /** The command is accepted, whatever its events (for specs that look at the views after it). */
  thenAccepted(): Accepted;
  thenFails(code: string, expected: ExpectedFailure): DomainError;
}

export function given(...steps: readonly ProgrammeCommand[]): Given {
  let history = new History();
  steps.forEach((command, i) => {
    const decided = decide(command, history.timeline);
    if (isDomainError(decided)) {
      throw new Error(`given step ${i + 1} (${command.type}) was rejected: ${describeError(decided)}`);
    }
    history = history.append(decided);
  });
  return givenHistory(history);
}

export function givenHistory(history: History): Given {
  return {
    history,
    timeline: history.timeline,
    when: (command) => whenDeciding(history, command),
  };
}

function whenDeciding(history: History, command: ProgrammeCommand): When {
  const result = decide(command, history.timeline);
  const accepted = (): Accepted => {
    if (isDomainError(result)) throw new Error(`expected ${command.type} to be accepted, but it was rejected: ${describeError(result)}`);
    const after = history.append(result);
    return { events: result, history: after, view: (axes) => after.view(axes) };
  };
  return {
    result,
    then(expected) {
      const outcome = accepted();
      expect(outcome.events).toStrictEqual(expected);
      return outcome;
    },
    thenAccepted: accepted,
    thenFails(code, expected) {
      if (!isDomainError(result)) {
        throw new Error(`expected ${command.type} to fail with ${code}, but it was accepted with ${JSON.stringify(result.map((e) => e.type))}`);
      }
      expect({ code: result.code, kind: result.kind }).toEqual({ code, kind: expected.kind });
      if (expected.conflictingAmendments) {
        const named = [...new Set(result.problems.map((p) => p.details?.amendmentId))];
        expect(named).toEqual(expected.conflictingAmendments);
      }
      if (expected.problems) {
        expect(result.problems.map((p) => p.code)).toEqual(expected.problems.map((p) => p.code));
        expected.problems.forEach((p, i) => expect(result.problems[i]).toMatchObject(p));
      }
      return result;
    },
  };
}

function describeError(error: DomainError): string {
  return `${error.code} (${error.kind}): ${error.message}${error.problems.length ? ` ${JSON.stringify(error.problems)}` : ''}`;
}

// ─── Money ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** "350.00" → kopecks; null → none. Throws on anything else, so a typo in a spec is loud. */
export function amount(text: string | null): Amount {
  if (text === null) return null;
  const parsed = parseAmount(text);
  if (!parsed.ok || parsed.amount === null) throw new Error(`not an amount: "${text}"`);
  return parsed.amount;
}

/** A funding line as documents give it: one amount (or none) per year. */
export function fundingLine(source: string, byYear: Readonly<Record<number, string | null>>): FundingLine {
  return { source, allocations: Object.fromEntries(Object.entries(byYear).map(([year, a]) => [year, amount(a)])) };
}

// ─── A small programme ──────────────────────────────────────────────────────────────────────────────────────────

export const PROGRAMME_ID = 'small-programme-2024-2026';
export const INITIAL_AMENDMENT = 'a-initial';
export const APPROVAL = { id: 'd-approval', effectiveFrom: '2024-01-15' } as const;
export const BUDGET = 'Бюджет громади';
export const REGIONAL = 'Обласний бюджет';

/** Executors the directory knows, and how it knows them. */
export const DIRECTORY: Readonly<Record<string, ExecutorStatus>> = {
  'exec-committee': 'active',
  'exec-secretary': 'active',
  'exec-press': 'active',
  'exec-old': 'retired',
};

function initialMeasure(number: string, title: string, term: Term, executorIds: string[], byYear: Record<number, string | null>, result: string): InitialMeasure {
  return { measureId: `m-${number}`, number, title, term, executorIds, funding: [fundingLine(BUDGET, byYear)], expectedResults: [result] };
}

/**
 * Period 2024–2026, one funding source (BUDGET), two sections:
 * I  (s-I)  direction d-1 "1": 1.1 (75.00 a year), 1.2 (150.00 a year); direction d-2 "2": 1.3 (300.00 a year)
 * II (s-II) direction d-3 (unnumbered): 2.1 (term 2024–2025: 270.00, 270.00, none), 2.2 (none every year)
 * Measure ids are "m-" + the number they started with.
 */
export function smallWording(): InitialWording {
  return {
    title: 'Програма розвитку місцевого самоврядування на 2024-2026 роки',
    community: 'Тестова міська територіальна громада',
    period: { from: 2024, to: 2026 },
    sections: [
      {
        sectionId: 's-I',
        number: 'I',
        title: 'Розвиток місцевого самоврядування',
        directions: [
          {
            directionId: 'd-1',
            number: '1',
            title: 'Сприяння розвитку місцевого самоврядування',
            measures: [
              initialMeasure('1.1', 'Членський внесок до асоціації', { from: 2024, to: 2026 }, ['exec-committee'], { 2024: '75.00', 2025: '75.00', 2026: '75.00' }, 'Підвищено ефективність'),
              initialMeasure('1.2', 'Атрибутика міста', { from: 2024, to: 2026 }, ['exec-secretary'], { 2024: '150.00', 2025: '150.00', 2026: '150.00' }, 'Популяризовано громаду'),
            ],
          },
          {
            directionId: 'd-2',
            number: '2',
            title: 'Обмін досвідом',
            measures: [
              initialMeasure('1.3', 'Семінари та конференції', { from: 2024, to: 2026 }, ['exec-committee', 'exec-secretary'], { 2024: '300.00', 2025: '300.00', 2026: '300.00' }, 'Впроваджено кращі практики'),
            ],
          },
        ],
      },
      {
        sectionId: 's-II',
        number: 'II',
        title: 'Формування іміджу громади',
        directions: [
          {
            directionId: 'd-3',
            number: null,
            title: 'Формування позитивного іміджу',
            measures: [
              initialMeasure('2.1', 'Вшанування кращих посадових осіб', { from: 2024, to: 2025 }, ['exec-secretary'], { 2024: '270.00', 2025: '270.00', 2026: null }, 'Поширено позитивний досвід'),
              initialMeasure('2.2', 'Щорічне звітування', { from: 2024, to: 2026 }, ['exec-press'], { 2024: null, 2025: null, 2026: null }, 'Проінформовано жителів'),
            ],
          },
        ],
      },
    ],
  };
}

export function programmeRegistered(
  options: { wording?: InitialWording; amendmentId?: string; decision?: { id: string; effectiveFrom: string }; programmeId?: string } = {},
): ProgrammeCommand {
  return {
    type: 'RegisterProgramme',
    data: {
      programmeId: options.programmeId ?? PROGRAMME_ID,
      amendmentId: options.amendmentId ?? INITIAL_AMENDMENT,
      decision: options.decision ?? APPROVAL,
      wording: options.wording ?? smallWording(),
    },
  };
}

// ─── Amendments ──────────────────────────────────────────────────────────────────────────────────────────────────

export interface AmendmentOptions {
  /** Default "a@" + the effective date (or the decision's): give one when two amendments share a date. */
  readonly id?: string;
  /** Left out of the command when absent: the decision's date applies. */
  readonly effectiveFrom?: string;
  /** Default: "d@" + effectiveFrom, effective from that date. */
  readonly decision?: { readonly id: string; readonly effectiveFrom: string };
  readonly note?: string;
  readonly changes: readonly Change[];
  readonly executors?: Readonly<Record<string, ExecutorStatus>>;
  readonly programmeId?: string;
}

export function amendment(options: AmendmentOptions): ProgrammeCommand {
  const date = options.effectiveFrom ?? options.decision?.effectiveFrom;
  if (date === undefined) throw new Error('an amendment needs an effectiveFrom or a decision');
  return {
    type: 'RegisterAmendment',
    data: {
      programmeId: options.programmeId ?? PROGRAMME_ID,
      amendmentId: options.id ?? amendmentIdFor(date),
      decision: options.decision ?? { id: `d@${date}`, effectiveFrom: date },
      ...(options.effectiveFrom !== undefined ? { effectiveFrom: options.effectiveFrom } : {}),
      ...(options.note !== undefined ? { note: options.note } : {}),
      changes: options.changes,
      executors: options.executors ?? DIRECTORY,
    },
  };
}

export const amendmentIdFor = (effectiveFrom: string) => `a@${effectiveFrom}`;

export function revoke(amendmentId: string, reason = 'entered by mistake'): ProgrammeCommand {
  return { type: 'RevokeAmendment', data: { amendmentId, reason } };
}

/** The header an accepted amendment starts with. */
export function amendmentHeader(
  effectiveFrom: string,
  changeCount: number,
  options: { id?: string; decisionId?: string; note?: string | null; programmeId?: string } = {},
): AmendmentRegistered {
  return {
    type: 'AmendmentRegistered',
    data: {
      amendmentId: options.id ?? amendmentIdFor(effectiveFrom),
      programmeId: options.programmeId ?? PROGRAMME_ID,
      decisionId: options.decisionId ?? `d@${effectiveFrom}`,
      effectiveFrom,
      note: options.note ?? null,
      initial: false,
      changeCount,
    },
  };
}

// ─── Changes that say what they change ──────────────────────────────────────────────────────────────────────────

type WasOption<T> = { readonly was?: T };

export function setAllocation(
  measure: string,
  year: number,
  to: string | null,
  options: { readonly source?: string; readonly was?: string | null } = {},
): Change {
  return {
    op: 'setAllocation',
    measure,
    year,
    amount: amount(to),
    ...(options.source !== undefined ? { fundingSource: options.source } : {}),
    ...(options.was !== undefined ? { was: amount(options.was) } : {}),
  };
}

export function removeMeasure(measure: string): Change {
  return { op: 'removeMeasure', measure };
}

export function renumber(measure: string, number: string, options: WasOption<string> = {}): Change {
  return { op: 'renumberMeasure', measure, number, ...options };
}

export function reword(measure: string, title: string, options: WasOption<string> = {}): Change {
  return { op: 'rewordMeasure', measure, title, ...options };
}

export function changeTerm(measure: string, from: number, to: number, options: WasOption<Term> = {}): Change {
  return { op: 'changeTerm', measure, term: { from, to }, ...options };
}

export function changeExpectedResults(measure: string, expectedResults: string[], options: WasOption<string[]> = {}): Change {
  return { op: 'changeExpectedResults', measure, expectedResults, ...options };
}

export function assignExecutor(measure: string, executor: string): Change {
  return { op: 'assignExecutor', measure, executor };
}

export function unassignExecutor(measure: string, executor: string): Change {
  return { op: 'unassignExecutor', measure, executor };
}

export function changeFundingSource(measure: string, to: string, options: { readonly from?: string } = {}): Change {
  return { op: 'changeFundingSource', measure, to, ...options };
}

export function extendPeriod(to: number, options: WasOption<number> = {}): Change {
  return { op: 'extendPeriod', to, ...options };
}

export function renameProgramme(title: string, options: WasOption<string> = {}): Change {
  return { op: 'renameProgramme', title, ...options };
}

export function addSection(number: string, title: string, sectionId = `s-${number}`): Change {
  return { op: 'addSection', sectionId, number, title };
}

export function addDirection(section: string, number: string | null, title: string, directionId = `d-new-${section}-${number ?? 'x'}`): Change {
  return { op: 'addDirection', directionId, section, number, title };
}

export function addMeasure(
  number: string,
  options: {
    readonly measureId?: string;
    readonly direction?: string;
    readonly section?: string;
    readonly title?: string;
    readonly term?: Term;
    readonly executors?: string[];
    readonly funding?: FundingLine[];
    readonly expectedResults?: string[];
  } = {},
): Change {
  return {
    op: 'addMeasure',
    measureId: options.measureId ?? `m-${number}`,
    ...(options.direction !== undefined ? { direction: options.direction } : {}),
    ...(options.section !== undefined ? { section: options.section } : {}),
    number,
    title: options.title ?? `Новий захід ${number}`,
    term: options.term ?? { from: 2025, to: 2026 },
    executors: options.executors ?? ['exec-committee'],
    fundingSources: options.funding ?? [fundingLine(BUDGET, { 2025: '10.00', 2026: '20.00' })],
    expectedResults: options.expectedResults ?? ['Досягнуто результату'],
  };
}

// ─── Reading a view ─────────────────────────────────────────────────────────────────────────────────────────────

export function measureIn(content: ProgrammeContent | null, ref: string): Measure | undefined {
  if (content === null) throw new Error('the programme is not in force in this view');
  return content.measures.find((m) => m.id === ref) ?? content.measures.find((m) => m.number === ref);
}

/** One funding source's amount for a year in kopecks (compare with `amount('300.00')`); null = none, undefined = no such measure. */
export function cell(content: ProgrammeContent | null, measure: string, year: number, source = BUDGET): Amount | undefined {
  const m = measureIn(content, measure);
  if (!m) return undefined;
  return m.funding.find((l) => l.source === source)?.allocations[String(year)] ?? null;
}

// ─── The real Korosten annex ────────────────────────────────────────────────────────────────────────────────────

export const KOROSTEN_ID = 'korosten-self-government-2024-2026';
export const KOROSTEN_INITIAL = 'korosten-initial';

/** The executor id the specs give a name: the same unit, however it is spelled, gets the same id. */
export const executorIdOf = (name: string) => `executor:${normalizeExecutorName(name)}`;

export interface Korosten {
  readonly annex: Annex;
  readonly wording: InitialWording;
  readonly decision: { readonly id: string; readonly effectiveFrom: string };
  /** Every executor of the annex, active. */
  readonly directory: Readonly<Record<string, ExecutorStatus>>;
  /** The measure id the importer gives a measure number ("1.3"). */
  measureId(number: string): string;
  registered(): ProgrammeCommand;
  amendment(options: Omit<AmendmentOptions, 'programmeId'>): ProgrammeCommand;
}

let korosten: Korosten | undefined;

/** The bundled annex read by the real reader and worded by the real importer's `wordingOf`. */
export function korostenAnnex(): Korosten {
  if (korosten) return korosten;
  const text = fs.readFileSync(path.join(__dirname, '../../examples/korosten-self-government-2024-2026.txt'), 'utf8');
  const reading = readAnnex(text);
  if (!reading.ok) throw new Error(`the Korosten annex does not read: ${JSON.stringify(reading.errors)}`);
  const { annex } = reading;
  if (!annex.decision) throw new Error('the Korosten annex names no approving decision');
  const wording = wordingOf(KOROSTEN_ID, annex, executorIdOf);
  const measureIds = new Map(wording.sections.flatMap((s) => s.directions.flatMap((d) => d.measures.map((m) => [m.number, m.measureId] as const))));
  const directory = Object.fromEntries(
    wording.sections.flatMap((s) => s.directions.flatMap((d) => d.measures.flatMap((m) => m.executorIds.map((id) => [id, 'active' as const])))),
  );
  const decision = { id: 'korosten-31-VIII-2024-02-22', effectiveFrom: annex.decision.adoptedOn };
  korosten = {
    annex,
    wording,
    decision,
    directory,
    measureId(number) {
      const id = measureIds.get(number);
      if (!id) throw new Error(`no measure ${number} in the Korosten annex`);
      return id;
    },
    registered: () => programmeRegistered({ programmeId: KOROSTEN_ID, amendmentId: KOROSTEN_INITIAL, decision, wording }),
    amendment: (options) => amendment({ executors: directory, ...options, programmeId: KOROSTEN_ID }),
  };
  return korosten;
}
