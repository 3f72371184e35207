import type { NewEvent, StreamFold } from '../../event-store/aggregate.repository';
import type { ProgrammeEvent } from '../domain/programme.events';
import { EMPTY_TIMELINE, evolveTimeline, type ProgrammeTimeline } from '../domain/timeline';

/** The programme aggregate's state is its timeline, folded a whole append at a time. */
export const programmeFold: StreamFold<ProgrammeTimeline> = { initial: EMPTY_TIMELINE, evolve: evolveTimeline };

/** Every event of an amendment carries its amendmentId, decisionId and effectiveFrom (DESIGN §3). */
export function withProgrammeMetadata(events: readonly ProgrammeEvent[]): NewEvent[] {
  const header = events[0];
  const metadata =
    header?.type === 'AmendmentRegistered'
      ? { amendmentId: header.data.amendmentId, decisionId: header.data.decisionId, effectiveFrom: header.data.effectiveFrom }
      : header?.type === 'AmendmentRevoked'
        ? { amendmentId: header.data.amendmentId }
        : {};
  return events.map((event) => ({ type: event.type, data: event.data, metadata }));
}
