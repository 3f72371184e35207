import type { DomainProblem } from '../../common/domain-error';
import { nameKey } from '../../common/name-key';
import { formatAmount, type Amount } from './money';
import type { ProgrammeChange } from './programme.events';
import { type FundingLine, lineOf, type Measure, type ProgrammeContent, type Term } from './programme.types';
import { exhaustive } from '../../common/exhaustive';

/**
 * The rules every change must satisfy at the point of the timeline where it takes effect. The decider
 * checks a new amendment's changes with them, and re-checks every later change the amendment would
 * precede (the timeline invariant, DESIGN §5). A problem's `path` is relative to the change.
 */
export function checkChange(content: ProgrammeContent | null, change: ProgrammeChange): DomainProblem[] {
  if (change.type === 'ProgrammeRegistered') {
    const { period } = change.data;
    return [
      ...(content !== null ? [problem('ProgrammeAlreadyRegistered', 'the programme is already registered')] : []),
      ...(period.from > period.to ? [problem('InvalidPeriod', `the period ${period.from}–${period.to} ends before it starts`, ['period'])] : []),
    ];
  }
  if (content === null) return [problem('ProgrammeNotInForce', 'the programme is not in force at this date')];
  switch (change.type) {
    case 'SectionAdded':
      return sectionRules(content, change.data);
    case 'DirectionAdded':
      return directionRules(content, change.data);
    case 'MeasureAdded':
      return measureAddedRules(content, change.data);
    case 'MeasureReworded':
      return withMeasure(content, change.data.measureId, (m) => [
        ...expected('title', m.title, change.data.expectedWas),
        ...(change.data.title.trim() === '' ? [problem('EmptyTitle', 'a measure needs a title', ['title'])] : []),
      ]);
    case 'MeasureRenumbered':
      return withMeasure(content, change.data.measureId, (m) => [
        ...expected('number', m.number, change.data.expectedWas),
        ...numberFree(content, change.data.number, m.id),
      ]);
    case 'MeasureTermChanged':
      return withMeasure(content, change.data.measureId, (m) => [
        ...expected('term', m.term, change.data.expectedWas),
        ...termRules(content, change.data.term, m.funding),
      ]);
    case 'MeasureExpectedResultsChanged':
      return withMeasure(content, change.data.measureId, (m) => expected('expectedResults', m.expectedResults, change.data.expectedWas));
    case 'MeasureRemoved':
      return withMeasure(content, change.data.measureId, () => []);
    case 'AllocationSet':
      return withMeasure(content, change.data.measureId, (m) => [
        ...sourceRules(m, change.data),
        ...allocationRules(m, change.data),
        ...totalsExact(content, (change.data.amount ?? 0) - (allocationOf(m, change.data.source, change.data.year) ?? 0), ['amount']),
      ]);
    case 'ExecutorAssigned':
      return withMeasure(content, change.data.measureId, (m) =>
        m.executorIds.includes(change.data.executorId)
          ? [problem('ExecutorAlreadyAssigned', `executor ${change.data.executorId} is already assigned to measure ${m.number}`, ['executor'])]
          : [],
      );
    case 'ExecutorUnassigned':
      return withMeasure(content, change.data.measureId, (m) =>
        m.executorIds.includes(change.data.executorId)
          ? []
          : [problem('ExecutorNotAssigned', `executor ${change.data.executorId} is not assigned to measure ${m.number}`, ['executor'])],
      );
    case 'FundingSourceChanged':
      return withMeasure(content, change.data.measureId, (m) => fundingSourceRules(m, change.data.from, change.data.to));
    case 'ProgrammeRenamed':
      return expected('title', content.title, change.data.expectedWas);
    case 'ProgrammePeriodExtended':
      return [
        ...expected('to', content.period.to, change.data.expectedWas),
        ...(change.data.to <= content.period.to
          ? [problem('PeriodNotExtended', `the programme already runs to ${content.period.to}; a period can only be extended`, ['to'])]
          : []),
      ];
    default:
      return exhaustive(change);
  }
}

/** The rule for allocations: an amount only inside the measure's term, and `was` as the secretariat said. */
function allocationRules(measure: Measure, data: { year: number; source: string; amount: Amount; expectedWas?: Amount }): DomainProblem[] {
  const current = allocationOf(measure, data.source, data.year);
  return [
    ...expected('amount', current, data.expectedWas, formatAmount),
    ...(data.amount !== null && (data.year < measure.term.from || data.year > measure.term.to)
      ? [
          problem(
            'YearOutsideTerm',
            `measure ${measure.number} runs ${measure.term.from}–${measure.term.to}: no amount can be allocated for ${data.year}`,
            ['year'],
          ),
        ]
      : []),
  ];
}

/**
 * An amount set on a source the measure had must find it there still: an amendment inserted before it that
 * renamed or dropped the source would otherwise have it open a new co-funding line with that money.
 */
function sourceRules(measure: Measure, data: { source: string; existingSource?: true }): DomainProblem[] {
  if (!data.existingSource || lineOf(measure.funding, data.source)) return [];
  return [problem('FundingSourceNotFound', `measure ${measure.number} is no longer funded from "${data.source}" on this date`, ['fundingSource'])];
}

export function allocationOf(measure: Measure, source: string, year: number): Amount {
  return lineOf(measure.funding, source)?.allocations[String(year)] ?? null;
}

function termRules(content: ProgrammeContent, term: Term, funding: readonly FundingLine[]): DomainProblem[] {
  const problems: DomainProblem[] = [];
  if (term.from > term.to) problems.push(problem('InvalidTerm', `the term ${term.from}–${term.to} ends before it starts`, ['term']));
  if (term.from < content.period.from || term.to > content.period.to) {
    problems.push(
      problem('TermOutsidePeriod', `the term ${term.from}–${term.to} lies outside the programme period ${content.period.from}–${content.period.to}`, ['term']),
    );
  }
  for (const line of funding) {
    for (const [year, amount] of Object.entries(line.allocations)) {
      if (amount !== null && (Number(year) < term.from || Number(year) > term.to)) {
        problems.push(problem('AllocationOutsideTerm', `${line.source} allocates ${formatAmount(amount)} for ${year}, outside the term ${term.from}–${term.to}`, ['term']));
      }
    }
  }
  return problems;
}

function fundingSourceRules(measure: Measure, from: string, to: string): DomainProblem[] {
  const renamed = lineOf(measure.funding, from);
  if (!renamed) {
    return [problem('FundingSourceNotFound', `measure ${measure.number} is not funded from "${from}"`, ['from'])];
  }
  // Another source of the measure under any case or spacing is taken; its own name in another case is a correction.
  const key = nameKey(to);
  if (measure.funding.some((l) => nameKey(l.source) === key && (l !== renamed || to === from))) {
    return [problem('FundingSourceTaken', `measure ${measure.number} is already funded from "${to}"`, ['to'])];
  }
  return [];
}

function sectionRules(content: ProgrammeContent, data: { sectionId: string; number: string }): DomainProblem[] {
  return [
    ...(content.sections.some((s) => s.id === data.sectionId) ? [problem('SectionIdTaken', `a section with id ${data.sectionId} exists`, ['sectionId'])] : []),
    ...(content.sections.some((s) => s.number === data.number) ? [problem('SectionNumberTaken', `section ${data.number} exists`, ['number'])] : []),
  ];
}

function directionRules(content: ProgrammeContent, data: { directionId: string; sectionId: string; number: string | null }): DomainProblem[] {
  const numberTaken = data.number !== null && content.directions.some((d) => d.sectionId === data.sectionId && d.number === data.number);
  return [
    ...(numberTaken ? [problem('DirectionNumberTaken', `the section already has a direction ${data.number}`, ['number'])] : []),
    ...(content.sections.some((s) => s.id === data.sectionId) ? [] : [problem('SectionNotFound', `no section ${data.sectionId}`, ['section'])]),
    ...(content.directions.some((d) => d.id === data.directionId)
      ? [problem('DirectionIdTaken', `a direction with id ${data.directionId} exists`, ['directionId'])]
      : []),
  ];
}

function measureAddedRules(content: ProgrammeContent, data: { directionId: string } & NewMeasure): DomainProblem[] {
  return [
    ...(content.directions.some((d) => d.id === data.directionId) ? [] : [problem('DirectionNotFound', `no direction ${data.directionId}`, ['direction'])]),
    ...newMeasureRules(content, data),
  ];
}

interface NewMeasure {
  readonly measureId: string;
  readonly number: string;
  readonly title: string;
  readonly term: Term;
  readonly funding: readonly FundingLine[];
}

/** The rules on a measure being added that hold wherever it goes: its id, number, title, term and money. */
export function newMeasureRules(content: ProgrammeContent, data: NewMeasure): DomainProblem[] {
  const sources = data.funding.map((l) => l.source);
  return [
    ...(content.measures.some((m) => m.id === data.measureId) ? [problem('MeasureIdTaken', `a measure with id ${data.measureId} exists`, ['measureId'])] : []),
    ...numberFree(content, data.number),
    ...(data.title.trim() === '' ? [problem('EmptyTitle', 'a measure needs a title', ['title'])] : []),
    ...(new Set(sources.map(nameKey)).size !== sources.length ? [problem('FundingSourceTaken', 'a funding source is listed twice', ['fundingSources'])] : []),
    ...termRules(content, data.term, data.funding),
    ...totalsExact(content, sumOfAllocations(data.funding), ['fundingSources']),
  ];
}

/**
 * Every total (a measure's year, a section, the programme) is at most the sum of all allocations, which must
 * stay an exact integer of kopecks (below 2^53, ≈ 90 billion thousand UAH): past it, totals would be wrong
 * and the read models, which refuse inexact amounts, would stop. Summed as doubles, the sum is exact below
 * 2^53 and at least 2^53 above it, so the comparison is exact.
 */
function totalsExact(content: ProgrammeContent, change: number, path: (string | number)[]): DomainProblem[] {
  let total = change;
  for (const measure of content.measures) total += measureSum(measure);
  return total > Number.MAX_SAFE_INTEGER
    ? [problem('TotalTooLarge', `the programme's allocations would add up to more than ${formatAmount(Number.MAX_SAFE_INTEGER as Amount)} thousand UAH`, path)]
    : [];
}

/** Measures are immutable and a change replaces only the one it touches: a later check of the same timeline reuses the rest. */
const measureSums = new WeakMap<Measure, number>();

function measureSum(measure: Measure): number {
  let sum = measureSums.get(measure);
  if (sum === undefined) {
    sum = sumOfAllocations(measure.funding);
    measureSums.set(measure, sum);
  }
  return sum;
}

function sumOfAllocations(funding: readonly FundingLine[]): number {
  let sum = 0;
  for (const line of funding) for (const year in line.allocations) sum += line.allocations[year] ?? 0;
  return sum;
}

function numberFree(content: ProgrammeContent, number: string, except?: string): DomainProblem[] {
  const holder = content.measures.find((m) => m.number === number && m.id !== except);
  return holder ? [problem('MeasureNumberTaken', `measure number ${number} is taken`, ['number'], { measureId: holder.id })] : [];
}

function withMeasure(content: ProgrammeContent, measureId: string, rules: (m: Measure) => DomainProblem[]): DomainProblem[] {
  const measure = content.measures.find((m) => m.id === measureId);
  return measure ? rules(measure) : [problem('MeasureNotFound', `measure ${measureId} is not in the programme at this date`, ['measure'], { measureId })];
}

function expected<T>(field: string, actual: T, claimed: T | undefined, show: (v: T) => unknown = (v) => v): DomainProblem[] {
  if (claimed === undefined || JSON.stringify(claimed) === JSON.stringify(actual)) return [];
  return [
    problem('WasMismatch', `${field} was ${JSON.stringify(show(actual))}, not ${JSON.stringify(show(claimed))}`, ['was'], {
      field,
      actual: show(actual),
      claimed: show(claimed),
    }),
  ];
}

export function problem(code: string, message: string, path?: (string | number)[], details?: Record<string, unknown>): DomainProblem {
  return { code, message, ...(path ? { path } : {}), ...(details ? { details } : {}) };
}

/**
 * The part of the programme a change sets, for the rule that one amendment gives each part one value: its
 * comparative table has one було/стало row for it, so a second value in the same request is a slip in the entry
 * that would silently win. None for what a change adds anew (under an id of its own) or removes (a second removal
 * finds no measure), nor for a number.
 */
export function settingOf(change: ProgrammeChange): string | undefined {
  switch (change.type) {
    case 'ProgrammeRegistered':
    case 'SectionAdded':
    case 'DirectionAdded':
    case 'MeasureAdded':
    case 'MeasureRemoved':
    // Numbers are unique at every step, so two measures swap theirs through a third: 2.9 → 99, 2.10 → 2.9, 99 → 2.10.
    case 'MeasureRenumbered':
      return undefined;
    case 'MeasureReworded':
      return `${change.data.measureId} title`;
    case 'MeasureTermChanged':
      return `${change.data.measureId} term`;
    case 'MeasureExpectedResultsChanged':
      return `${change.data.measureId} expectedResults`;
    case 'AllocationSet':
      return `${change.data.measureId} allocations ${change.data.year} ${nameKey(change.data.source)}`;
    case 'ExecutorAssigned':
    case 'ExecutorUnassigned':
      return `${change.data.measureId} executor ${change.data.executorId}`;
    case 'FundingSourceChanged':
      return `${change.data.measureId} fundingSource ${nameKey(change.data.from)}`;
    case 'ProgrammePeriodExtended':
      return 'period';
    case 'ProgrammeRenamed':
      return 'title';
    default:
      return exhaustive(change);
  }
}

export function settingRepeated(path: readonly (string | number)[], earlier: number): DomainProblem {
  return {
    code: 'ChangeRepeated',
    message: `sets again what change ${earlier} of this amendment sets: an amendment gives each cell, title or term one value (its comparative table has one було/стало row for it); send the one it ends with`,
    path,
    details: { change: earlier },
  };
}
