import type { NewEvent, StreamFold } from '../../event-store/aggregate.repository';
import { type ProgrammeEvent, programmeEventOf } from '../domain/programme.events';
import { EMPTY_TIMELINE, evolveTimeline, type ProgrammeTimeline } from '../domain/timeline';

/** The programme aggregate's state is its timeline, folded a whole append at a time. */
export const programmeFold: StreamFold<ProgrammeTimeline> = { initial: EMPTY_TIMELINE, evolve: evolveTimeline, knows: programmeEventOf.knows };

/**
 * Every event of an amendment carries its amendmentId, decisionId and effectiveFrom (DESIGN §3); a revocation
 * carries those of the amendment it revokes (read from the timeline it was decided on), so that a reader of
 * `$all` can tell which decision's change went away without folding the stream.
 */
export function withProgrammeMetadata(events: readonly ProgrammeEvent[], timeline: ProgrammeTimeline): NewEvent[] {
  const header = events[0];
  let metadata = {};
  if (header?.type === 'AmendmentRegistered') {
    metadata = { amendmentId: header.data.amendmentId, decisionId: header.data.decisionId, effectiveFrom: header.data.effectiveFrom };
  } else if (header?.type === 'AmendmentRevoked') {
    const revoked = timeline.amendments.find((a) => a.amendmentId === header.data.amendmentId);
    metadata = { amendmentId: header.data.amendmentId, ...(revoked ? { decisionId: revoked.decisionId, effectiveFrom: revoked.effectiveFrom } : {}) };
  }
  return events.map((event) => ({ type: event.type, data: event.data, metadata }));
}
