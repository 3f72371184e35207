import { domainError, type DomainError, type DomainProblem } from '../../common/domain-error';
import { writtenNumber } from './change.translate';
import type { Change } from './programme.commands';
import type { AmendmentRecord } from './timeline';

// How a refused amendment or revocation is told to the secretariat: a measure not found with what became of it,
// and the later amendments a change would break, each measure named as its decision names it.

/**
 * A measure not found where a change names it, with what became of it: a secretary typing from the decision's
 * text names a measure by the number it had, and is to learn that an earlier change of the same request, or an
 * amendment in force by then, renumbered or removed it — or that it comes only later.
 */
export function withWhereabouts(
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

export interface Conflict {
  readonly amendment: AmendmentRecord;
  readonly problems: readonly DomainProblem[];
}

/**
 * `known`: the timeline in force as it stands, in effective order; `pathOf`: where in the request a conflict comes
 * from — the change that breaks it, or a revocation as a whole.
 */
export function timelineConflict(conflicts: readonly Conflict[], what: string, known: readonly AmendmentRecord[], pathOf: (conflict: Conflict) => (string | number)[]): DomainError {
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
        // Which amendment it broke, by which rule, and what the rule found.
        details: { amendmentId: amendment.amendmentId, decisionId: amendment.decisionId, effectiveFrom: amendment.effectiveFrom, rule: p.code, ...found(p) },
      }));
    }),
  );
}

/**
 * What a rule found that a later amendment broke on: the measure it no longer finds, the value its `was` named and
 * the one it met. Not the measure holding a number (MeasureNumberTaken), which may be the refused request's own
 * new measure, whose id was never stored.
 */
function found(problem: DomainProblem): Readonly<Record<string, unknown>> {
  if (problem.code === 'MeasureNotFound' || problem.code === 'WasMismatch') return problem.details ?? {};
  return {};
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
  return number === undefined ? problem.message : problem.message.replace(`measure ${measureId}`, `measure ${number}`);
}
