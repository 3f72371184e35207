import { exhaustive } from '../../common/exhaustive';
import type { ProgrammeChange } from './programme.events';
import { type FundingLine, lineOf, type Measure, type ProgrammeContent } from './programme.types';

/**
 * Folds one change into the content. Events are facts: evolve never checks and never throws; a change that
 * refers to something absent leaves the content as it is (the rules in change.rules.ts keep such changes
 * out of the timeline in the first place).
 */
export function evolve(content: ProgrammeContent | null, change: ProgrammeChange): ProgrammeContent | null {
  if (change.type === 'ProgrammeRegistered') {
    const { programmeId, title, community, period } = change.data;
    return { id: programmeId, title, community, period, sections: [], directions: [], measures: [] };
  }
  if (content === null) return null;
  switch (change.type) {
    case 'SectionAdded': {
      const { sectionId, number, title } = change.data;
      return { ...content, sections: [...content.sections, { id: sectionId, number, title }] };
    }
    case 'DirectionAdded': {
      const { directionId, sectionId, number, title } = change.data;
      return { ...content, directions: [...content.directions, { id: directionId, sectionId, number, title }] };
    }
    case 'MeasureAdded': {
      const { measureId, ...rest } = change.data;
      return { ...content, measures: [...content.measures, { id: measureId, ...rest }] };
    }
    case 'MeasureReworded':
      return updateMeasure(content, change.data.measureId, () => ({ title: change.data.title }));
    case 'MeasureRenumbered':
      return updateMeasure(content, change.data.measureId, () => ({ number: change.data.number }));
    case 'MeasureTermChanged':
      return updateMeasure(content, change.data.measureId, () => ({ term: change.data.term }));
    case 'MeasureExpectedResultsChanged':
      return updateMeasure(content, change.data.measureId, () => ({ expectedResults: change.data.expectedResults }));
    case 'MeasureRemoved':
      return { ...content, measures: content.measures.filter((m) => m.id !== change.data.measureId) };
    case 'AllocationSet': {
      const { measureId, source, year, amount } = change.data;
      return updateMeasure(content, measureId, (m) => ({ funding: setAllocation(m.funding, source, year, amount) }));
    }
    case 'ExecutorAssigned':
      return updateMeasure(content, change.data.measureId, (m) => ({ executorIds: [...m.executorIds, change.data.executorId] }));
    case 'ExecutorUnassigned':
      return updateMeasure(content, change.data.measureId, (m) => ({
        executorIds: m.executorIds.filter((id) => id !== change.data.executorId),
      }));
    case 'FundingSourceChanged': {
      const { from, to } = change.data;
      return updateMeasure(content, change.data.measureId, (m) => {
        const renamed = lineOf(m.funding, from);
        return { funding: m.funding.map((line) => (line === renamed ? { ...line, source: to } : line)) };
      });
    }
    case 'ProgrammePeriodExtended':
      return { ...content, period: { ...content.period, to: change.data.to } };
    case 'ProgrammeRenamed':
      return { ...content, title: change.data.title };
    default:
      return exhaustive(change);
  }
}

function updateMeasure(content: ProgrammeContent, measureId: string, patch: (m: Measure) => Partial<Measure>): ProgrammeContent {
  return { ...content, measures: content.measures.map((m) => (m.id === measureId ? { ...m, ...patch(m) } : m)) };
}

/** A source the measure does not have yet becomes a new funding line (co-funding from another budget). */
function setAllocation(funding: readonly FundingLine[], source: string, year: number, amount: FundingLine['allocations'][string]): FundingLine[] {
  const key = String(year);
  const found = lineOf(funding, source);
  if (!found) return [...funding, { source, allocations: { [key]: amount } }];
  return funding.map((line) => (line === found ? { ...line, allocations: { ...line.allocations, [key]: amount } } : line));
}
