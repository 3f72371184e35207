import { domainError, type DomainError, type DomainProblem } from '../../common/domain-error';
import { type Conflict, timelineConflict, withWhereabouts } from './amendment.refusals';
import { checkChange } from './change.rules';
import { translateChanges } from './change.translate';
import type { InitialWording, ProgrammeCommand } from './programme.commands';
import type { AmendmentRegistered, ProgrammeChange, ProgrammeEvent } from './programme.events';
import { exhaustive } from '../../common/exhaustive';
import { evolve } from './programme.evolve';
import type { ProgrammeContent } from './programme.types';
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
