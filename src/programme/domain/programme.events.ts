import { streamCategory } from '../../common/stream-name';
import type { Amount } from './money';
import type { Measure, Period, Term } from './programme.types';
import { eventReader } from '../../common/event-types';

/**
 * The events of a programme stream. An append is one amendment (`AmendmentRegistered` followed by its
 * changes) or one revocation. `was` is the value a change replaced when it was decided (for було/стало);
 * `expectedWas` is the value the secretariat said it replaces, checked wherever the change lands on the
 * timeline.
 */

export interface AmendmentRegistered {
  readonly type: 'AmendmentRegistered';
  readonly data: {
    readonly amendmentId: string;
    readonly programmeId: string;
    readonly decisionId: string;
    /** YYYY-MM-DD */
    readonly effectiveFrom: string;
    readonly note: string | null;
    /** The approving decision's wording, which registers the programme. */
    readonly initial: boolean;
    /** How many change events follow in the same append: a reader of `$all` knows when it has them all. */
    readonly changeCount: number;
  };
}

export interface AmendmentRevoked {
  readonly type: 'AmendmentRevoked';
  readonly data: { readonly amendmentId: string; readonly reason: string };
}

export interface ProgrammeRegistered {
  readonly type: 'ProgrammeRegistered';
  readonly data: { readonly programmeId: string; readonly title: string; readonly community: string; readonly period: Period };
}

export interface SectionAdded {
  readonly type: 'SectionAdded';
  readonly data: { readonly sectionId: string; readonly number: string; readonly title: string };
}

export interface DirectionAdded {
  readonly type: 'DirectionAdded';
  readonly data: { readonly directionId: string; readonly sectionId: string; readonly number: string | null; readonly title: string };
}

export interface MeasureAdded {
  readonly type: 'MeasureAdded';
  readonly data: Omit<Measure, 'id'> & { readonly measureId: string };
}

interface Replacement<T> {
  readonly measureId: string;
  readonly was: T;
  readonly expectedWas?: T;
}

export interface MeasureReworded {
  readonly type: 'MeasureReworded';
  readonly data: Replacement<string> & { readonly title: string };
}

export interface MeasureRenumbered {
  readonly type: 'MeasureRenumbered';
  readonly data: Replacement<string> & { readonly number: string };
}

export interface MeasureTermChanged {
  readonly type: 'MeasureTermChanged';
  readonly data: Replacement<Term> & { readonly term: Term };
}

export interface MeasureExpectedResultsChanged {
  readonly type: 'MeasureExpectedResultsChanged';
  readonly data: Replacement<readonly string[]> & { readonly expectedResults: readonly string[] };
}

export interface MeasureRemoved {
  readonly type: 'MeasureRemoved';
  readonly data: { readonly measureId: string; readonly number: string; readonly title: string };
}

export interface AllocationSet {
  readonly type: 'AllocationSet';
  readonly data: Replacement<Amount> & {
    readonly year: number;
    readonly source: string;
    readonly amount: Amount;
    /**
     * Set when the measure had the source as it was decided (absent when the change opened a new co-funding
     * line, and in events written before it existed): the timeline then checks the source is still there.
     */
    readonly existingSource?: true;
  };
}

export interface ExecutorAssigned {
  readonly type: 'ExecutorAssigned';
  readonly data: { readonly measureId: string; readonly executorId: string };
}

export interface ExecutorUnassigned {
  readonly type: 'ExecutorUnassigned';
  readonly data: { readonly measureId: string; readonly executorId: string };
}

export interface FundingSourceChanged {
  readonly type: 'FundingSourceChanged';
  readonly data: { readonly measureId: string; readonly from: string; readonly to: string };
}

export interface ProgrammePeriodExtended {
  readonly type: 'ProgrammePeriodExtended';
  readonly data: { readonly to: number; readonly was: number; readonly expectedWas?: number };
}

/** The programme's own title, as a decision words it anew (an extended period is usually in its name). */
export interface ProgrammeRenamed {
  readonly type: 'ProgrammeRenamed';
  readonly data: { readonly title: string; readonly was: string; readonly expectedWas?: string };
}

/** What an amendment changes: each one is folded by `evolve`. */
export type ProgrammeChange =
  | ProgrammeRegistered
  | SectionAdded
  | DirectionAdded
  | MeasureAdded
  | MeasureReworded
  | MeasureRenumbered
  | MeasureTermChanged
  | MeasureExpectedResultsChanged
  | MeasureRemoved
  | AllocationSet
  | ExecutorAssigned
  | ExecutorUnassigned
  | FundingSourceChanged
  | ProgrammePeriodExtended
  | ProgrammeRenamed;

export type ProgrammeEvent = AmendmentRegistered | AmendmentRevoked | ProgrammeChange;

/** A stored event as a programme event, or undefined for a type this code does not know (eventReader). */
export const programmeEventOf = eventReader<ProgrammeEvent>({
  AmendmentRegistered: true,
  AmendmentRevoked: true,
  ProgrammeRegistered: true,
  SectionAdded: true,
  DirectionAdded: true,
  MeasureAdded: true,
  MeasureReworded: true,
  MeasureRenumbered: true,
  MeasureTermChanged: true,
  MeasureExpectedResultsChanged: true,
  MeasureRemoved: true,
  AllocationSet: true,
  ExecutorAssigned: true,
  ExecutorUnassigned: true,
  FundingSourceChanged: true,
  ProgrammePeriodExtended: true,
  ProgrammeRenamed: true,
});

const programmes = streamCategory('programme');
export const programmeStream = programmes.stream;
export const programmeIdOf = programmes.idOf;
