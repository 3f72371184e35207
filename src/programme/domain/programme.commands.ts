import type { Amount } from './money';
import type { FundingLine, Measure, Period, Term } from './programme.types';

/**
 * Commands as the decider takes them: already validated for shape at the edge (amounts are kopecks), with
 * every new id chosen by the caller, so that deciding stays pure and a retried request decides the same.
 */

/** A measure is referenced by its id or by its number as it stands at the effective date ("1.3"). */
export type MeasureRef = string;

export type Change =
  | {
      readonly op: 'addMeasure';
      readonly measureId: string;
      /** A direction id or number; absent: the direction of the measures numbered like this one. */
      readonly direction?: string;
      /** A section id or number: which section's direction a number means when several sections have one so numbered. */
      readonly section?: string;
      readonly number: string;
      readonly title: string;
      readonly term: Term;
      readonly executors: readonly string[];
      readonly fundingSources: readonly FundingLine[];
      readonly expectedResults: readonly string[];
    }
  | { readonly op: 'rewordMeasure'; readonly measure: MeasureRef; readonly title: string; readonly was?: string }
  | { readonly op: 'renumberMeasure'; readonly measure: MeasureRef; readonly number: string; readonly was?: string }
  | { readonly op: 'changeTerm'; readonly measure: MeasureRef; readonly term: Term; readonly was?: Term }
  | { readonly op: 'changeExpectedResults'; readonly measure: MeasureRef; readonly expectedResults: readonly string[]; readonly was?: readonly string[] }
  | { readonly op: 'removeMeasure'; readonly measure: MeasureRef }
  | {
      readonly op: 'setAllocation';
      readonly measure: MeasureRef;
      readonly year: number;
      readonly amount: Amount;
      /** Required when the measure has several sources; a new source adds a funding line. */
      readonly fundingSource?: string;
      /** `null` claims the cell was none; absent claims nothing. */
      readonly was?: Amount;
    }
  | { readonly op: 'assignExecutor'; readonly measure: MeasureRef; readonly executor: string }
  | { readonly op: 'unassignExecutor'; readonly measure: MeasureRef; readonly executor: string }
  | { readonly op: 'changeFundingSource'; readonly measure: MeasureRef; readonly from?: string; readonly to: string }
  | { readonly op: 'extendPeriod'; readonly to: number; readonly was?: number }
  | { readonly op: 'renameProgramme'; readonly title: string; readonly was?: string }
  | { readonly op: 'addSection'; readonly sectionId: string; readonly number: string; readonly title: string }
  | { readonly op: 'addDirection'; readonly directionId: string; readonly section: string; readonly number: string | null; readonly title: string };

export interface DecisionFacts {
  readonly id: string;
  /** The date the decision takes effect; an amendment's default effective date. */
  readonly effectiveFrom: string;
}

/** What the executor directory says about an id, at the moment of deciding. */
export type ExecutorStatus = 'active' | 'retired' | 'unknown';

/** A measure of the approving wording: its direction is where it stands in the wording. */
export type InitialMeasure = Omit<Measure, 'id' | 'directionId'> & { readonly measureId: string };

export interface InitialWording {
  readonly title: string;
  readonly community: string;
  readonly period: Period;
  readonly sections: readonly {
    readonly sectionId: string;
    readonly number: string;
    readonly title: string;
    readonly directions: readonly {
      readonly directionId: string;
      readonly number: string | null;
      readonly title: string;
      readonly measures: readonly InitialMeasure[];
    }[];
  }[];
}

export type ProgrammeCommand =
  | {
      readonly type: 'RegisterProgramme';
      readonly data: {
        readonly programmeId: string;
        readonly amendmentId: string;
        readonly decision: DecisionFacts;
        readonly wording: InitialWording;
      };
    }
  | {
      readonly type: 'RegisterAmendment';
      readonly data: {
        readonly programmeId: string;
        readonly amendmentId: string;
        readonly decision: DecisionFacts;
        readonly effectiveFrom?: string;
        readonly note?: string;
        readonly changes: readonly Change[];
        /** The directory's word on every executor the changes name; an id missing here is unknown. */
        readonly executors: Readonly<Record<string, ExecutorStatus>>;
      };
    }
  | { readonly type: 'RevokeAmendment'; readonly data: { readonly amendmentId: string; readonly reason: string } };
