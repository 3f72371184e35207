import { formatAmount } from '../domain/money';
import type { ProgrammeChange } from '../domain/programme.events';
import { evolve } from '../domain/programme.evolve';
import { type Measure, type ProgrammeContent, yearsOf } from '../domain/programme.types';
import { measureView } from './programme.view';
import { exhaustive } from '../../common/exhaustive';

/** One line of the audit trail: a field of the programme that a change moved from `was` to `became`. */
export interface AuditChange {
  readonly measureId: string | null;
  readonly measureNumber: string | null;
  readonly field: string;
  readonly was: unknown;
  readonly became: unknown;
  /** For allocations: which source's cell changed. */
  readonly fundingSource?: string;
}

/**
 * The audit lines of an amendment's changes, read against the programme as it stood where the amendment
 * takes effect (so that a measure is named by its number at that date), and the programme after them.
 */
export function auditChanges(start: ProgrammeContent | null, changes: readonly ProgrammeChange[]): { lines: AuditChange[]; after: ProgrammeContent | null } {
  let content = start;
  const lines: AuditChange[] = [];
  for (const change of changes) {
    lines.push(...linesOf(content, change));
    content = evolve(content, change);
  }
  return { lines, after: content };
}

/**
 * A measure as a line of the trail shows it when it is added or removed: everything it carries, its money
 * included and formatted as the view formats it, so that the trail alone accounts for every change of the totals.
 */
function measureRecord(measure: Measure, content: ProgrammeContent | null) {
  const view = measureView(measure, content ? yearsOf(content.period) : [], (id) => ({ id, name: id }));
  return { number: view.number, title: view.title, term: view.term, executors: measure.executorIds, fundingSources: view.fundingSources, expectedResults: view.expectedResults };
}

function linesOf(content: ProgrammeContent | null, change: ProgrammeChange): AuditChange[] {
  const numberOf = (measureId: string) => content?.measures.find((m) => m.id === measureId)?.number ?? null;
  const line = (measureId: string | null, field: string, was: unknown, became: unknown, number = measureId && numberOf(measureId)): AuditChange => ({
    measureId,
    measureNumber: number ?? null,
    field,
    was,
    became,
  });
  switch (change.type) {
    case 'ProgrammeRegistered':
      return [line(null, 'programme', null, { title: change.data.title, period: change.data.period })];
    case 'SectionAdded':
      return [line(null, 'section', null, { number: change.data.number, title: change.data.title })];
    case 'DirectionAdded':
      return [line(null, 'direction', null, { number: change.data.number, title: change.data.title })];
    case 'MeasureAdded':
      return [line(change.data.measureId, 'measure', null, measureRecord({ ...change.data, id: change.data.measureId }, content), change.data.number)];
    case 'MeasureRemoved': {
      const removed = content?.measures.find((m) => m.id === change.data.measureId);
      // The decider removes only a measure in force, so it is found; the event's own number and title would
      // stand in rather than fail the read models on a stream written by some other means.
      return [line(change.data.measureId, 'measure', removed ? measureRecord(removed, content) : { number: change.data.number, title: change.data.title }, null, change.data.number)];
    }
    case 'MeasureReworded':
      return [line(change.data.measureId, 'title', change.data.was, change.data.title)];
    case 'MeasureRenumbered':
      return [line(change.data.measureId, 'number', change.data.was, change.data.number)];
    case 'MeasureTermChanged':
      return [line(change.data.measureId, 'term', change.data.was, change.data.term)];
    case 'MeasureExpectedResultsChanged':
      return [line(change.data.measureId, 'expectedResults', change.data.was, change.data.expectedResults)];
    case 'AllocationSet':
      return [
        {
          ...line(change.data.measureId, `allocations.${change.data.year}`, formatAmount(change.data.was), formatAmount(change.data.amount)),
          fundingSource: change.data.source,
        },
      ];
    case 'ExecutorAssigned':
      return [line(change.data.measureId, 'executors', null, change.data.executorId)];
    case 'ExecutorUnassigned':
      return [line(change.data.measureId, 'executors', change.data.executorId, null)];
    case 'FundingSourceChanged':
      return [line(change.data.measureId, 'fundingSource', change.data.from, change.data.to)];
    case 'ProgrammePeriodExtended':
      return [line(null, 'period.to', change.data.was, change.data.to)];
    case 'ProgrammeRenamed':
      return [line(null, 'title', change.data.was, change.data.title)];
    default:
      return exhaustive(change);
  }
}
