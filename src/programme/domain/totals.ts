import { type Amount, type Kopecks, kopecks, sumAmounts } from './money';
import type { Measure, Period, ProgrammeContent } from './programme.types';

/** Totals are always derived from the allocations, never stored in the stream. */
export interface Totals {
  readonly byYear: Readonly<Record<string, Kopecks>>;
  readonly overall: Kopecks;
}

/** A measure's amount for a year, summed over its funding sources; none where every source has none. */
export function measureYear(measure: Measure, year: number | string): Amount {
  return sumAmounts(measure.funding.map((line) => line.allocations[String(year)] ?? null));
}

/** Runs once per version on every rebuild, so it sums in place rather than through per-measure arrays. */
export function totalsOf(measures: readonly Measure[], period: Period): Totals {
  const byYear: Record<string, Kopecks> = {};
  let overall = 0;
  for (let year = period.from; year <= period.to; year++) {
    const key = String(year);
    let sum = 0;
    for (const measure of measures) for (const line of measure.funding) sum += line.allocations[key] ?? 0;
    byYear[key] = kopecks(sum);
    overall += sum;
  }
  return { byYear, overall: kopecks(overall) };
}

export function sectionMeasures(content: ProgrammeContent, sectionId: string): Measure[] {
  const directionIds = new Set(content.directions.filter((d) => d.sectionId === sectionId).map((d) => d.id));
  return content.measures.filter((m) => directionIds.has(m.directionId));
}

export function programmeTotals(content: ProgrammeContent): Totals {
  return totalsOf(content.measures, content.period);
}
