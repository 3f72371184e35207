import { nameKey } from '../../common/name-key';
import type { Amount } from './money';

// The programme's content at one point of its timeline. Totals are never stored: see totals.ts.

export interface Period {
  readonly from: number;
  readonly to: number;
}

export type Term = Period;

export interface FundingLine {
  readonly source: string;
  /** Year ("2024") → amount; null = none. */
  readonly allocations: Readonly<Record<string, Amount>>;
}

/**
 * A measure's funding line for a source, whatever case and spacing name it: the decider, every rule and the fold
 * find lines so, or an amendment inserted before another could spell one source two ways and fund it twice.
 */
export function lineOf(funding: readonly FundingLine[], source: string): FundingLine | undefined {
  // The name as the line has it is the usual case, and the fold's, so it is tried before any normalising.
  const exact = funding.find((line) => line.source === source);
  if (exact) return exact;
  const key = nameKey(source);
  return funding.find((line) => nameKey(line.source) === key);
}

export interface Measure {
  readonly id: string;
  readonly directionId: string;
  /** "1.3" */
  readonly number: string;
  readonly title: string;
  readonly term: Term;
  readonly executorIds: readonly string[];
  readonly funding: readonly FundingLine[];
  readonly expectedResults: readonly string[];
}

export interface Direction {
  readonly id: string;
  readonly sectionId: string;
  readonly number: string | null;
  readonly title: string;
}

export interface Section {
  readonly id: string;
  /** Roman numeral, "I". */
  readonly number: string;
  readonly title: string;
}

export interface ProgrammeContent {
  readonly id: string;
  readonly title: string;
  readonly community: string;
  readonly period: Period;
  readonly sections: readonly Section[];
  readonly directions: readonly Direction[];
  /** In the order they were added; views sort by number. */
  readonly measures: readonly Measure[];
}

export function yearsOf(period: Period): number[] {
  const years: number[] = [];
  for (let y = period.from; y <= period.to; y++) years.push(y);
  return years;
}

/** "1.10" after "1.9": numbers compare part by part. */
export function compareNumbers(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}
