import { type Amount, formatAmount } from '../domain/money';
import { compareNumbers, type Measure, type ProgrammeContent } from '../domain/programme.types';
import { measureYear, programmeTotals, sectionMeasures, type Totals, totalsOf } from '../domain/totals';
import { yearsOf } from '../domain/programme.types';

// The programme as REST clients read it (DESIGN §7): amounts as decimal strings, totals derived.

export interface TotalsView {
  readonly byYear: Record<string, string>;
  readonly overall: string;
}

export interface MeasureView {
  readonly id: string;
  readonly number: string;
  readonly title: string;
  readonly term: { readonly from: number; readonly to: number };
  readonly executors: readonly MeasureExecutorView[];
  readonly fundingSources: readonly { readonly source: string; readonly allocations: Record<string, string | null> }[];
  readonly allocations: Record<string, string | null>;
  readonly expectedResults: readonly string[];
}

/** `retiredFrom` only for a unit retired by the view's date: the measure still names it until an amendment says otherwise. */
export interface MeasureExecutorView {
  readonly id: string;
  readonly name: string;
  readonly retiredFrom?: string;
}

export interface AmendmentRef {
  readonly amendmentId: string;
  readonly decisionId: string;
  readonly effectiveFrom: string;
  readonly recordedAt: string;
}

export interface ProgrammeView {
  readonly id: string;
  readonly title: string;
  readonly community: string;
  readonly period: { readonly from: number; readonly to: number };
  readonly asOf: string;
  readonly knownAt: string;
  readonly revision: number;
  readonly lastAmendment: AmendmentRef | null;
  /** For the next decision's preamble: "затвердженої рішенням … (зі змінами, внесеними рішеннями …)". */
  readonly amendmentChain: string;
  readonly sections: readonly SectionView[];
  readonly totals: TotalsView;
}

export interface SectionView {
  readonly id: string;
  readonly number: string;
  readonly title: string;
  readonly totals: TotalsView;
  readonly directions: readonly DirectionView[];
}

export interface DirectionView {
  readonly id: string;
  readonly number: string | null;
  readonly title: string;
  readonly measures: readonly MeasureView[];
}

export interface ViewContext {
  readonly asOf: string;
  readonly knownAt: string;
  readonly revision: number;
  readonly lastAmendment: AmendmentRef | null;
  readonly amendmentChain: string;
  /** The executor as on `asOf`: its name then, and the date it was retired from if it was by then. */
  readonly executor: (executorId: string) => MeasureExecutorView;
}

export function formatTotals(totals: Totals): TotalsView {
  return {
    byYear: Object.fromEntries(Object.entries(totals.byYear).map(([year, amount]) => [year, formatAmount(amount) as string])),
    overall: formatAmount(totals.overall) as string,
  };
}

function formatAllocations(years: readonly number[], amountOf: (year: number) => Amount): Record<string, string | null> {
  return Object.fromEntries(years.map((year) => [String(year), formatAmount(amountOf(year))]));
}

export function measureView(measure: Measure, years: readonly number[], executor: (id: string) => MeasureExecutorView): MeasureView {
  return {
    id: measure.id,
    number: measure.number,
    title: measure.title,
    term: measure.term,
    executors: measure.executorIds.map(executor),
    fundingSources: measure.funding.map((line) => ({
      source: line.source,
      allocations: formatAllocations(years, (year) => line.allocations[String(year)] ?? null),
    })),
    allocations: formatAllocations(years, (year) => measureYear(measure, year)),
    expectedResults: measure.expectedResults,
  };
}

export function programmeView(content: ProgrammeContent, context: ViewContext): ProgrammeView {
  const years = yearsOf(content.period);
  return {
    id: content.id,
    title: content.title,
    community: content.community,
    period: content.period,
    asOf: context.asOf,
    knownAt: context.knownAt,
    revision: context.revision,
    lastAmendment: context.lastAmendment,
    amendmentChain: context.amendmentChain,
    sections: content.sections.map((section) => ({
      id: section.id,
      number: section.number,
      title: section.title,
      totals: formatTotals(totalsOf(sectionMeasures(content, section.id), content.period)),
      directions: content.directions
        .filter((d) => d.sectionId === section.id)
        .map((direction) => ({
          id: direction.id,
          number: direction.number,
          title: direction.title,
          measures: content.measures
            .filter((m) => m.directionId === direction.id)
            .sort((a, b) => compareNumbers(a.number, b.number))
            .map((m) => measureView(m, years, context.executor)),
        })),
    })),
    totals: formatTotals(programmeTotals(content)),
  };
}
