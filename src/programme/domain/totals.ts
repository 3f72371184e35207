import { type Amount, type Kopecks, sumAmounts, totalOf } from './money';
import { type Measure, type Period, type ProgrammeContent, yearsOf } from './programme.types';

/** Totals are always derived from the allocations, never stored in the stream. */
export interface Totals {
  readonly byYear: Readonly<Record<string, Kopecks>>;
  readonly overall: Kopecks;
}

/** A measure's amount for a year, summed over its funding sources; none where every source has none. */
export function measureYear(measure: Measure, year: number | string): Amount {
  return sumAmounts(measure.funding.map((line) => line.allocations[String(year)] ?? null));
}

export function totalsOf(measures: readonly Measure[], period: Period): Totals {
  const byYear: Record<string, Kopecks> = {};
  for (const year of yearsOf(period)) byYear[String(year)] = totalOf(measures.map((m) => measureYear(m, year)));
  return { byYear, overall: totalOf(Object.values(byYear)) };
}

export function sectionMeasures(content: ProgrammeContent, sectionId: string): Measure[] {
  const directionIds = new Set(content.directions.filter((d) => d.sectionId === sectionId).map((d) => d.id));
  return content.measures.filter((m) => directionIds.has(m.directionId));
}

export function programmeTotals(content: ProgrammeContent): Totals {
  return totalsOf(content.measures, content.period);
}
