import { latinRomanNumeral, unquoted } from '../../common/characters';
import { domainError, type DomainError, type DomainProblem } from '../../common/domain-error';
import { allocationOf, checkChange, newMeasureRules, settingOf, settingRepeated } from './change.rules';
import type { Change, ExecutorStatus, InitialWording, ProgrammeCommand } from './programme.commands';
import type { AmendmentRegistered, ProgrammeChange, ProgrammeEvent } from './programme.events';
import { exhaustive } from '../../common/exhaustive';
import { evolve } from './programme.evolve';
import { compareNumbers, type Direction, lineOf, type Measure, type ProgrammeContent, type Section } from './programme.types';
import { type AmendmentRecord, compareEffective, foldFromStart, inForce, initialAmendment, type ProgrammeTimeline } from './timeline';

export type Decided = ProgrammeEvent[] | DomainError;

export function decide(command: ProgrammeCommand, timeline: ProgrammeTimeline): Decided {
  switch (command.type) {
    case 'RegisterProgramme':
      return registerProgramme(command.data, timeline);
    case 'RegisterAmendment':
      return registerAmendment(command.data, timeline);
    case 'RevokeAmendment':
      return revokeAmendment(command.data, timeline);
    default:
      return exhaustive(command);
  }
}

type Data<T extends ProgrammeCommand['type']> = Extract<ProgrammeCommand, { type: T }>['data'];

function registerProgramme(data: Data<'RegisterProgramme'>, timeline: ProgrammeTimeline): Decided {
  if (timeline.amendments.length > 0) {
    return domainError('conflict', 'ProgrammeAlreadyRegistered', `programme ${data.programmeId} is already registered`);
  }
  const located = initialChanges(data.programmeId, data.wording);
  const changes = located.map(({ change }) => change);
  const header = amendmentHeader(data, { effectiveFrom: data.decision.effectiveFrom, note: null, initial: true, changeCount: changes.length });
  const problems = checkInOrder(null, located);
  if (problems.length > 0) return domainError('invalid', 'InvalidWording', 'the programme’s wording is not consistent', problems);
  return [header, ...changes];
}

/** The wording as changes, each located in the wording (`['sections', 3, 'directions', 0, 'measures', 2]`) for its problems. */
function initialChanges(programmeId: string, wording: InitialWording): { change: ProgrammeChange; path: (string | number)[] }[] {
  const { title, community, period } = wording;
  const changes: { change: ProgrammeChange; path: (string | number)[] }[] = [
    { change: { type: 'ProgrammeRegistered', data: { programmeId, title, community, period } }, path: [] },
  ];
  wording.sections.forEach((section, s) => {
    changes.push({ change: { type: 'SectionAdded', data: { sectionId: section.sectionId, number: section.number, title: section.title } }, path: ['sections', s] });
    section.directions.forEach((direction, d) => {
      const { directionId, number, title: directionTitle } = direction;
      changes.push({
        change: { type: 'DirectionAdded', data: { directionId, sectionId: section.sectionId, number, title: directionTitle } },
        path: ['sections', s, 'directions', d],
      });
      direction.measures.forEach(({ measureId, ...measure }, m) => {
        changes.push({ change: { type: 'MeasureAdded', data: { measureId, directionId, ...measure } }, path: ['sections', s, 'directions', d, 'measures', m] });
      });
    });
  });
  return changes;
}

function registerAmendment(data: Data<'RegisterAmendment'>, timeline: ProgrammeTimeline): Decided {
  const initial = initialAmendment(timeline);
  if (!initial) return domainError('not-found', 'ProgrammeNotFound', `programme ${data.programmeId} is not registered`);
  if (timeline.amendments.some((a) => a.amendmentId === data.amendmentId)) {
    return domainError('conflict', 'AmendmentAlreadyRegistered', `amendment ${data.amendmentId} is already registered`);
  }
  const effectiveFrom = data.effectiveFrom ?? data.decision.effectiveFrom;
  if (effectiveFrom < initial.effectiveFrom) {
    return domainError('conflict', 'EffectiveBeforeProgramme', `the programme is in force from ${initial.effectiveFrom}; an amendment cannot take effect on ${effectiveFrom}`, [
      { code: 'EffectiveBeforeProgramme', message: `effective from ${effectiveFrom}, before ${initial.effectiveFrom}`, path: ['effectiveFrom'] },
    ]);
  }
  // Almost always a slip in the date (an act of 2026 amending from 2024): a decision that does apply to an earlier
  // date says so in its own effectiveFrom, which the secretariat registers (or corrects) first.
  if (effectiveFrom < data.decision.effectiveFrom) {
    const message = `effective from ${effectiveFrom}, before decision ${data.decision.id} takes effect (${data.decision.effectiveFrom}); a decision that applies from an earlier date is registered with that effectiveFrom`;
    return domainError('conflict', 'EffectiveBeforeDecision', `an amendment cannot take effect before its decision: ${message}`, [
      { code: 'EffectiveBeforeDecision', message, path: ['effectiveFrom'], details: { decisionId: data.decision.id } },
    ]);
  }

  const known = inForce(timeline);
  const before = known.filter((a) => a.effectiveFrom <= effectiveFrom);
  const after = known.filter((a) => a.effectiveFrom > effectiveFrom);

  // Before the changes are checked where they would go: a repeat usually fails there (its `was` found moved, its
  // measure renumbered by the first), and the secretariat is to hear that it was entered already.
  const repeated = repeatOf(known, data, effectiveFrom);
  if (repeated) {
    const message = `decision ${data.decision.id} made these changes from ${effectiveFrom} already: amendment ${repeated.amendmentId}`;
    return domainError('conflict', 'AmendmentRepeated', message, [{ code: 'AmendmentRepeated', message, path: ['changes'], details: { amendmentId: repeated.amendmentId, decisionId: data.decision.id } }]);
  }

  const start = foldFromStart(before);
  const translated = translateChanges(data.changes, start, data.executors, effectiveFrom);
  if ('problems' in translated) {
    // A change refused here made nothing happen, so it is not what a later change's measure was lost to.
    const refused = new Set(translated.problems.map((problem) => problem.path?.[1]));
    const problems = translated.problems.map((problem) => withWhereabouts(problem, data.changes, refused, before, after));
    return domainError(translated.kind, 'InvalidChanges', `the changes cannot be made to the programme as it stands on ${effectiveFrom}`, problems);
  }

  const outside = afterPeriod(translated.content, effectiveFrom);
  if (outside) return domainError('conflict', 'EffectiveAfterPeriod', outside.message, [outside]);

  const conflicts = laterConflicts(translated.content, after);
  if (conflicts.length > 0) {
    return timelineConflict(conflicts, `an amendment effective ${effectiveFrom}`, known, (conflict) => ['changes', breakingChange(start, translated.events, after, conflict.amendment)]);
  }

  const header = amendmentHeader(data, { effectiveFrom, note: data.note ?? null, initial: false, changeCount: translated.events.length });
  return [header, ...translated.events];
}

/**
 * The same decision's changes entered a second time from the same date: the usual slip at the secretariat, which
 * would double the audit trail. The request is read as the earlier amendment was, against the programme just
 * before it, so that what that one moved (a `was` it changed, a number it renumbered) does not hide the repeat;
 * compared without what each change found (`was`), as an amendment entered later with an earlier date may have
 * moved that too. A change that merely repeats the value on its date is not refused: such an amendment can make
 * it a change again, and its decision said so.
 */
function repeatOf(known: readonly AmendmentRecord[], data: Data<'RegisterAmendment'>, effectiveFrom: string): AmendmentRecord | undefined {
  return known.find((earlier, index) => {
    if (earlier.initial || earlier.decisionId !== data.decision.id || earlier.effectiveFrom !== effectiveFrom) return false;
    const again = translateChanges(data.changes, foldFromStart(known.slice(0, index)), data.executors, effectiveFrom);
    return !('problems' in again) && changesKey(again.events) === changesKey(earlier.changes);
  });
}

function changesKey(changes: readonly ProgrammeChange[]): string {
  return JSON.stringify(
    changes.map(({ type, data }) => {
      const { was: _was, expectedWas: _expected, existingSource: _existing, ...asked } = data as Record<string, unknown>;
      return [type, asked];
    }),
  );
}

function amendmentHeader(
  command: { amendmentId: string; programmeId: string; decision: { id: string } },
  facts: Pick<AmendmentRegistered['data'], 'effectiveFrom' | 'note' | 'initial' | 'changeCount'>,
): AmendmentRegistered {
  return { type: 'AmendmentRegistered', data: { amendmentId: command.amendmentId, programmeId: command.programmeId, decisionId: command.decision.id, ...facts } };
}

function revokeAmendment(data: Data<'RevokeAmendment'>, timeline: ProgrammeTimeline): Decided {
  if (timeline.amendments.length === 0) return domainError('not-found', 'ProgrammeNotFound', 'the programme is not registered');
  const target = timeline.amendments.find((a) => a.amendmentId === data.amendmentId);
  if (!target) return domainError('not-found', 'AmendmentNotFound', `no amendment ${data.amendmentId} in this programme`);
  if (target.revoked) {
    return domainError('conflict', 'AmendmentAlreadyRevoked', `amendment ${data.amendmentId} was revoked at ${target.revoked.at}: ${target.revoked.reason}`);
  }
  if (target.initial) {
    return domainError('conflict', 'InitialWordingNotRevocable', 'the approving wording cannot be revoked; amend the programme or register it anew');
  }
  const remaining = inForce(timeline).filter((a) => a.amendmentId !== target.amendmentId);
  const before = remaining.filter((a) => compareEffective(a, target) < 0);
  const after = remaining.filter((a) => compareEffective(a, target) > 0);
  const conflicts = laterConflicts(foldFromStart(before), after);
  if (conflicts.length > 0) return timelineConflict(conflicts, `revoking amendment ${target.amendmentId}`, inForce(timeline), () => []);
  return [{ type: 'AmendmentRevoked', data: { amendmentId: data.amendmentId, reason: data.reason } }];
}

/**
 * A measure not found where a change names it, with what became of it: a secretary typing from the decision's
 * text names a measure by the number it had, and is to learn that an earlier change of the same request, or an
 * amendment in force by then, renumbered or removed it — or that it comes only later.
 */
function withWhereabouts(
  problem: DomainProblem,
  changes: readonly Change[],
  refused: ReadonlySet<unknown>,
  before: readonly AmendmentRecord[],
  after: readonly AmendmentRecord[],
): DomainProblem {
  const [list, index, field] = problem.path ?? [];
  if (problem.code !== 'MeasureNotFound' || list !== 'changes' || field !== 'measure' || typeof index !== 'number') return problem;
  // "1.3." and " 1.3" name measure 1.3, as findMeasure reads them.
  const ref = writtenNumber((changes[index] as { measure: string }).measure);
  const fate = inThisRequest(ref, changes.slice(0, index), refused) ?? inHistory(ref, before) ?? comesLater(ref, after);
  return fate ? { ...problem, message: `${problem.message}: ${fate}` } : problem;
}

function inThisRequest(ref: string, earlier: readonly Change[], refused: ReadonlySet<unknown>): string | undefined {
  for (let j = earlier.length - 1; j >= 0; j--) {
    if (refused.has(j)) continue;
    const change = earlier[j];
    if (change.op === 'renumberMeasure' && writtenNumber(change.measure) === ref) return `change ${j} of this amendment renumbers it ${change.number}; the changes after it name it so, or by its id`;
    if (change.op === 'removeMeasure' && writtenNumber(change.measure) === ref) return `change ${j} of this amendment removes it`;
  }
  return undefined;
}

/** The last thing the amendments in force by the date did to the measure numbered `ref` (or with that id), renumbered on. */
function inHistory(ref: string, before: readonly AmendmentRecord[]): string | undefined {
  let fate: string | undefined;
  let measureId: string | undefined;
  for (const amendment of before) {
    for (const change of amendment.changes) {
      if (change.type === 'MeasureRenumbered' && (change.data.was === ref || change.data.measureId === measureId)) {
        measureId = change.data.measureId;
        fate = `it is numbered ${change.data.number} from ${amendment.effectiveFrom}`;
      } else if (change.type === 'MeasureRemoved' && (change.data.number === ref || change.data.measureId === ref || change.data.measureId === measureId)) {
        fate = `measure ${change.data.number} was removed from ${amendment.effectiveFrom}`;
      } else if (change.type === 'MeasureAdded' && (change.data.number === ref || change.data.measureId === ref)) {
        fate = measureId = undefined;
      }
    }
  }
  return fate;
}

function comesLater(ref: string, after: readonly AmendmentRecord[]): string | undefined {
  const adding = after.find((amendment) => amendment.changes.some((c) => c.type === 'MeasureAdded' && (c.data.number === ref || c.data.measureId === ref)));
  return adding && `it is added only from ${adding.effectiveFrom}`;
}

/**
 * `events`: one per requested change, in request order, so that an event's place is its change's (the write's
 * warnings point at changes by it).
 */
type Translation = { events: ProgrammeChange[]; content: ProgrammeContent } | { kind: 'conflict'; problems: DomainProblem[] };

/**
 * Turns the requested changes into events against the programme as it stands at the effective date,
 * each change seeing the ones before it, and checks each with the same rules the timeline uses.
 */
function translateChanges(
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

/** Checks changes in order, folding each valid one so the next sees it. */
function checkInOrder(start: ProgrammeContent | null, changes: readonly { change: ProgrammeChange; path: readonly (string | number)[] }[]): DomainProblem[] {
  let content = start;
  const problems: DomainProblem[] = [];
  for (const { change, path } of changes) {
    const found = checkChange(content, change);
    if (found.length > 0) problems.push(...found.map((p) => ({ ...p, path: [...path, ...(p.path ?? [])] })));
    else content = evolve(content, change);
  }
  return problems;
}

interface Conflict {
  readonly amendment: AmendmentRecord;
  readonly problems: readonly DomainProblem[];
}

/**
 * After its last year nothing the programme plans is left to change: an amendment from then on is a slip of the
 * keyboard (2205 for 2025), which would hide a version centuries ahead.
 */
function afterPeriod(content: ProgrammeContent, effectiveFrom: string): DomainProblem | undefined {
  const end = `${content.period.to}-12-31`;
  if (effectiveFrom <= end) return undefined;
  return { code: 'EffectiveAfterPeriod', message: `the programme runs to ${content.period.to}: from ${effectiveFrom} is after it ends (a date no later than ${end}, or extend the period first)`, path: ['effectiveFrom'] };
}

/** The timeline invariant: every later change must still hold on the content this one leaves behind. */
function laterConflicts(start: ProgrammeContent | null, later: readonly AmendmentRecord[]): Conflict[] {
  let content = start;
  const conflicts: Conflict[] = [];
  for (const amendment of later) {
    const problems: DomainProblem[] = [];
    for (const change of amendment.changes) {
      problems.push(...checkChange(content, change));
      content = evolve(content, change);
    }
    // A revoked extension of the period would leave the amendments dated in the years it added after the end.
    const outside = content && afterPeriod(content, amendment.effectiveFrom);
    if (outside) problems.push(outside);
    if (problems.length > 0) conflicts.push({ amendment, problems });
  }
  return conflicts;
}

/**
 * The first change of the request that makes `later` invalid: the first k changes leave it valid and the first k + 1
 * do not. A search by halves keeps that so without assuming more changes break more; it runs only on a refusal. Every
 * problem of `later` is reported there, though a further change may break it in another way too.
 */
function breakingChange(start: ProgrammeContent | null, events: readonly ProgrammeChange[], after: readonly AmendmentRecord[], later: AmendmentRecord): number {
  const breaks = (count: number) => {
    const content = events.slice(0, count).reduce<ProgrammeContent | null>(evolve, start);
    return laterConflicts(content, after.slice(0, after.indexOf(later) + 1)).some((c) => c.amendment === later);
  };
  let valid = 0;
  let broken = events.length;
  while (broken - valid > 1) {
    const middle = (valid + broken) >>> 1;
    if (breaks(middle)) broken = middle;
    else valid = middle;
  }
  return broken - 1;
}

/**
 * `known`: the timeline in force as it stands, in effective order; `pathOf`: where in the request a conflict comes
 * from — the change that breaks it, or a revocation as a whole.
 */
function timelineConflict(conflicts: readonly Conflict[], what: string, known: readonly AmendmentRecord[], pathOf: (conflict: Conflict) => (string | number)[]): DomainError {
  return domainError(
    'conflict',
    'TimelineConflict',
    `${what} would make ${conflicts.length} later amendment(s) invalid`,
    conflicts.flatMap((conflict) => {
      const { amendment } = conflict;
      const path = pathOf(conflict);
      // Several changes of one amendment can fail alike (two changes to a measure removed before them): reported once.
      const distinct = [...new Map(conflict.problems.map((p) => [`${p.code}\u0000${p.message}`, p])).values()];
      return distinct.map((p) => ({
        code: 'TimelineConflict',
        path,
        message: `amendment ${amendment.amendmentId} (decision ${amendment.decisionId}, effective ${amendment.effectiveFrom}): ${numbered(p, known, amendment)}`,
        // What the rule found (the measure it looked for, the values it compared), and which amendment it broke.
        details: { ...p.details, amendmentId: amendment.amendmentId, decisionId: amendment.decisionId, effectiveFrom: amendment.effectiveFrom, rule: p.code },
      }));
    }),
  );
}

/**
 * A measure a later amendment no longer finds is named by the number it had where that amendment takes effect, as
 * the amendment's decision names it: its events hold only the id.
 */
function numbered(problem: DomainProblem, known: readonly AmendmentRecord[], later: AmendmentRecord): string {
  const measureId = problem.details?.measureId;
  if (problem.code !== 'MeasureNotFound' || typeof measureId !== 'string') return problem.message;
  let number: string | undefined;
  for (const amendment of known) {
    if (amendment === later) break;
    for (const change of amendment.changes) {
      if ((change.type === 'MeasureAdded' || change.type === 'MeasureRenumbered') && change.data.measureId === measureId) number = change.data.number;
    }
  }
  return number === undefined ? problem.message : `measure ${number} is not in the programme at this date`;
}

/** A requested change's one event, or what is wrong with it. */
type Translated = ProgrammeChange | { problems: DomainProblem[] };

const fail = (code: string, message: string, path: (string | number)[]): { problems: DomainProblem[] } => ({ problems: [{ code, message, path }] });

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
