import { latinRomanNumeral, unquoted } from '../../common/characters';
import type { DomainProblem } from '../../common/domain-error';
import { exhaustive } from '../../common/exhaustive';
import { allocationOf, checkChange, newMeasureRules, problem, settingOf, settingRepeated } from './change.rules';
import type { Change, ExecutorStatus } from './programme.commands';
import type { ProgrammeChange } from './programme.events';
import { evolve } from './programme.evolve';
import { compareNumbers, type Direction, lineOf, type Measure, type ProgrammeContent, type Section } from './programme.types';

// An amendment's requested changes (the API's words: a measure by its number, a source by its name) turned into
// the events they make on the programme as it stands at the effective date, each checked by change.rules.ts.

/**
 * `events`: one per requested change, in request order, so that an event's place is its change's (the write's
 * warnings point at changes by it).
 */
type Translation = { events: ProgrammeChange[]; content: ProgrammeContent } | { kind: 'conflict'; problems: DomainProblem[] };

/**
 * Turns the requested changes into events against the programme as it stands at the effective date,
 * each change seeing the ones before it, and checks each with the same rules the timeline uses.
 */
export function translateChanges(
  changes: readonly Change[],
  start: ProgrammeContent | null,
  executors: Readonly<Record<string, ExecutorStatus>>,
  effectiveFrom: string,
): Translation {
  let content = start;
  const events: ProgrammeChange[] = [];
  const problems: DomainProblem[] = [];
  /** What each part of the programme set so far was set by: the index of the change. */
  const setBy = new Map<string, number>();
  changes.forEach((change, index) => {
    const path = ['changes', index];
    if (content === null) {
      problems.push({ code: 'ProgrammeNotInForce', message: `the programme is not in force on ${effectiveFrom}`, path });
      return;
    }
    const located = (found: readonly DomainProblem[]) => found.map((p) => ({ ...p, path: [...path, ...(p.path ?? [])] }));
    const event = changeToEvent(change, content, executors, effectiveFrom);
    if ('problems' in event) {
      problems.push(...located(event.problems));
      return;
    }
    const found = checkChange(content, event);
    if (found.length > 0) {
      problems.push(...located(found));
      return;
    }
    const setting = settingOf(event);
    if (setting !== undefined) {
      const earlier = setBy.get(setting);
      if (earlier !== undefined) problems.push(settingRepeated(path, earlier));
      setBy.set(setting, index);
    }
    events.push(event);
    content = evolve(content, event);
  });
  if (problems.length > 0 || content === null) return { kind: 'conflict', problems };
  return { events, content };
}

/** A requested change's one event, or what is wrong with it. */
type Translated = ProgrammeChange | { problems: DomainProblem[] };

const fail = (code: string, message: string, path: (string | number)[]): { problems: DomainProblem[] } => ({ problems: [problem(code, message, path)] });

function changeToEvent(change: Change, content: ProgrammeContent, executors: Readonly<Record<string, ExecutorStatus>>, date: string): Translated {
  switch (change.op) {
    case 'extendPeriod':
      return { type: 'ProgrammePeriodExtended', data: { to: change.to, was: content.period.to, ...optional('expectedWas', change.was) } };
    case 'renameProgramme':
      return { type: 'ProgrammeRenamed', data: { title: change.title, was: content.title, ...optional('expectedWas', change.was) } };
    case 'addSection':
      return { type: 'SectionAdded', data: { sectionId: change.sectionId, number: latinRomanNumeral(change.number), title: unquoted(change.title) } };
    case 'addDirection': {
      const section = findSection(content, change.section);
      if (!section) return fail('SectionNotFound', `no section "${change.section}" on ${date}`, ['section']);
      return { type: 'DirectionAdded', data: { directionId: change.directionId, sectionId: section.id, number: change.number, title: change.title } };
    }
    case 'addMeasure':
      return addMeasure(change, content, executors, date);
    default:
      return measureChangeToEvent(change, content, executors, date);
  }
}

/** A change to a measure the programme has on the change's date: found by id, or by the number it has then. */
function measureChangeToEvent(
  change: Exclude<Change, { op: 'extendPeriod' | 'renameProgramme' | 'addSection' | 'addDirection' | 'addMeasure' }>,
  content: ProgrammeContent,
  executors: Readonly<Record<string, ExecutorStatus>>,
  date: string,
): Translated {
  const measure = findMeasure(content, change.measure);
  if (!measure) return fail('MeasureNotFound', `no measure "${change.measure}" in the programme on ${date}`, ['measure']);
  const measureId = measure.id;
  switch (change.op) {
    case 'rewordMeasure':
      return { type: 'MeasureReworded', data: { measureId, title: change.title, was: measure.title, ...optional('expectedWas', change.was) } };
    case 'renumberMeasure':
      return { type: 'MeasureRenumbered', data: { measureId, number: change.number, was: measure.number, ...optional('expectedWas', change.was) } };
    case 'changeTerm':
      return { type: 'MeasureTermChanged', data: { measureId, term: change.term, was: measure.term, ...optional('expectedWas', change.was) } };
    case 'changeExpectedResults':
      return {
        type: 'MeasureExpectedResultsChanged',
        data: { measureId, expectedResults: change.expectedResults, was: measure.expectedResults, ...optional('expectedWas', change.was) },
      };
    case 'removeMeasure':
      return { type: 'MeasureRemoved', data: { measureId, number: measure.number, title: measure.title } };
    case 'setAllocation': {
      const source = change.fundingSource === undefined ? soleSource(measure) : sourceNamed(measure, change.fundingSource);
      if (source === undefined) {
        return fail('FundingSourceRequired', `measure ${measure.number} has ${measure.funding.length} funding sources: name one`, ['fundingSource']);
      }
      const was = allocationOf(measure, source, change.year);
      const existingSource = lineOf(measure.funding, source) ? { existingSource: true as const } : {};
      return { type: 'AllocationSet', data: { measureId, year: change.year, source, amount: change.amount, was, ...optional('expectedWas', change.was), ...existingSource } };
    }
    case 'assignExecutor': {
      const unusable = executorProblem(change.executor, executors, ['executor']);
      return unusable ?? { type: 'ExecutorAssigned', data: { measureId, executorId: change.executor } };
    }
    case 'unassignExecutor':
      return { type: 'ExecutorUnassigned', data: { measureId, executorId: change.executor } };
    case 'changeFundingSource': {
      const from = change.from === undefined ? soleSource(measure) : sourceNamed(measure, change.from);
      if (from === undefined) return fail('FundingSourceRequired', `measure ${measure.number} has several funding sources: say which one changes`, ['from']);
      return { type: 'FundingSourceChanged', data: { measureId, from, to: change.to } };
    }
    default:
      return exhaustive(change);
  }
}

function addMeasure(change: Extract<Change, { op: 'addMeasure' }>, content: ProgrammeContent, executors: Readonly<Record<string, ExecutorStatus>>, date: string): Translated {
  const placed = directionOf(change, content, date);
  // Every unusable executor is listed (DESIGN §7), not just the first.
  const unusable = change.executors.flatMap((executorId, i) => executorProblem(executorId, executors, ['executors', i])?.problems ?? []);
  const { measureId, number, title, term, expectedResults, fundingSources: funding } = change;
  // Where the measure goes, or who carries it out, is wrong: its own rules (number, term, money) are checked too, so that one answer lists every problem.
  if (typeof placed !== 'string' || unusable.length > 0) {
    return { problems: [...(typeof placed === 'string' ? [] : placed.problems), ...unusable, ...newMeasureRules(content, { measureId, number, title, term, funding })] };
  }
  return { type: 'MeasureAdded', data: { measureId, directionId: placed, number, title, term, executorIds: [...new Set(change.executors)], funding, expectedResults } };
}

/** The direction a new measure joins: named (within a section, if given), or that of the measures numbered like it. */
function directionOf(change: Extract<Change, { op: 'addMeasure' }>, content: ProgrammeContent, date: string): string | { problems: DomainProblem[] } {
  if (change.direction === undefined) {
    if (change.section !== undefined) return fail('DirectionRequired', `name the direction in section ${change.section} the measure joins`, ['direction']);
    return directionOfSiblings(content, change.number) ?? fail('DirectionRequired', `no measure is numbered like ${change.number}: name its direction`, ['direction']);
  }
  const section = change.section === undefined ? undefined : findSection(content, change.section);
  if (change.section !== undefined && !section) return fail('SectionNotFound', `no section "${change.section}" on ${date}`, ['section']);
  const candidates = findDirections(content, change.direction).filter((d) => !section || d.sectionId === section.id);
  if (candidates.length === 0) return fail('DirectionNotFound', `no direction "${change.direction}"${section ? ` in section ${section.number}` : ''} on ${date}`, ['direction']);
  if (candidates.length > 1) {
    const sections = candidates.map((d) => content.sections.find((s) => s.id === d.sectionId)?.number ?? d.sectionId);
    return fail('DirectionAmbiguous', `sections ${sections.join(', ')} each have a direction "${change.direction}": name the section`, ['section']);
  }
  return candidates[0].id;
}

function executorProblem(executorId: string, executors: Readonly<Record<string, ExecutorStatus>>, path: (string | number)[]): { problems: DomainProblem[] } | undefined {
  const status = executors[executorId] ?? 'unknown';
  if (status === 'unknown') return fail('ExecutorNotFound', `no executor ${executorId} in the directory`, path);
  if (status === 'retired') return fail('ExecutorRetired', `executor ${executorId} is retired`, path);
  return undefined;
}

/** A measure's or direction's number as documents write it, "1.3" or "1.3.": the number is "1.3". */
export const writtenNumber = (ref: string): string => ref.trim().replace(/\.$/, '');

/** By id, or by number as written in documents ("1.3" or "1.3."). */
function findMeasure(content: ProgrammeContent, ref: string): Measure | undefined {
  const number = writtenNumber(ref);
  return content.measures.find((m) => m.id === ref) ?? content.measures.find((m) => m.number === number);
}

/** A change names a section by id, or as the documents do, by its Roman numeral. */
function findSection(content: ProgrammeContent, ref: string): Section | undefined {
  return content.sections.find((s) => s.id === ref || s.number === latinRomanNumeral(ref));
}

/** By id, or by number: direction numbers are unique only within a section, so a number may name several. */
function findDirections(content: ProgrammeContent, ref: string): Direction[] {
  const byId = content.directions.find((d) => d.id === ref);
  if (byId) return [byId];
  const number = writtenNumber(ref);
  return content.directions.filter((d) => d.number !== null && d.number === number);
}

/** A new "2.11" goes where "2.10" is. */
function directionOfSiblings(content: ProgrammeContent, number: string): string | undefined {
  const prefix = number.includes('.') ? number.slice(0, number.lastIndexOf('.') + 1) : undefined;
  if (prefix === undefined) return undefined;
  const siblings = content.measures.filter((m) => m.number.startsWith(prefix)).sort((a, b) => compareNumbers(a.number, b.number));
  return siblings[siblings.length - 1]?.directionId;
}

/**
 * A source as the measure already names it, whatever the case and spacing the clerk typed: "бюджет  громади" is
 * its "Бюджет громади", not a new co-funding source beside it. A name it has in no form is a new source.
 */
function sourceNamed(measure: Measure, name: string): string {
  return lineOf(measure.funding, name)?.source ?? name;
}

function soleSource(measure: Measure): string | undefined {
  return measure.funding.length === 1 ? measure.funding[0].source : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
