import type { Amount } from '../domain/money';

/** What the annex reader understood of a document, before anything is registered. Lines are 1-based. */

export interface AnnexDecisionRef {
  /** Nominative, e.g. "Коростенська міська рада". */
  readonly council: string;
  readonly session: number;
  /** Roman numeral as written, e.g. "VIII". */
  readonly convocation: string;
  /** YYYY-MM-DD */
  readonly adoptedOn: string;
  /** null where the document leaves it blank ("№ _____"). */
  readonly number: string | null;
  readonly line: number;
}

export interface AnnexFundingSource {
  readonly source: string;
  /** Year (as a string key, e.g. "2024") → amount; null = none ("---"). */
  readonly allocations: Readonly<Record<string, Amount>>;
}

export interface AnnexMeasure {
  /** As written without the trailing dot: "1.1", "2.10". */
  readonly number: string;
  readonly title: string;
  readonly term: { readonly from: number; readonly to: number };
  readonly executors: readonly string[];
  readonly fundingSources: readonly AnnexFundingSource[];
  readonly expectedResults: readonly string[];
  /** Every line the measure was read from (continuations after a page break included). */
  readonly lines: readonly number[];
}

export interface AnnexDirection {
  /** "1" where the document numbers it ("1."), null where it does not. */
  readonly number: string | null;
  readonly title: string;
  readonly line: number;
  readonly measures: readonly AnnexMeasure[];
}

export interface AnnexSection {
  /** Roman numeral: "I", "IV". */
  readonly number: string;
  /** Without the guillemets: "Розвиток місцевого самоврядування". */
  readonly title: string;
  readonly line: number;
  readonly directions: readonly AnnexDirection[];
}

export interface Annex {
  readonly decision: AnnexDecisionRef | null;
  /** A header that cites a decision the reader could not read (a date that does not exist, a date in words). */
  readonly unreadDecision: AnnexProblem | null;
  /** Nominative: "Програма розвитку місцевого самоврядування Коростенської міської територіальної громади на 2024-2026 роки". */
  readonly title: string;
  /** As the document cites it, in the genitive a decision's title needs: "Програми розвитку … на 2024-2026 роки". */
  readonly titleAsCited: string;
  /** Nominative: "Коростенська міська територіальна громада". */
  readonly community: string;
  readonly period: { readonly from: number; readonly to: number };
  /** The years of the funding columns, in column order. */
  readonly years: readonly number[];
  readonly sections: readonly AnnexSection[];
}

export interface AnnexProblem {
  readonly line: number;
  readonly message: string;
}

export type AnnexReading =
  | { readonly ok: true; readonly annex: Annex; readonly warnings: readonly AnnexProblem[] }
  | { readonly ok: false; readonly errors: readonly AnnexProblem[] };
