import type { RecordedEvent } from '../event-store/event-store.port';

/**
 * A state as it was recorded, one entry per change: read models answer "as known at" from it, and an auditor
 * reads from it who changed what (`actor`, and the event with what it replaced).
 */
export interface Recorded<State> {
  readonly recordedAt: string;
  readonly state: State;
  readonly actor: string | null;
  readonly change: { readonly type: string; readonly data: Readonly<Record<string, unknown>> };
}

/** The entry an event adds to a history. */
export function recorded<State>(event: RecordedEvent, state: State): Recorded<State> {
  const actor = event.metadata.actor;
  return { recordedAt: event.created, state, actor: typeof actor === 'string' ? actor : null, change: { type: event.type, data: event.data } };
}

export interface RecordedChange {
  readonly recordedAt: string;
  readonly actor: string | null;
  /** The event: "DecisionDetailsCorrected", "ExecutorRenamed", … */
  readonly type: string;
  /** What it recorded, with the values it replaced where it replaced any (`was`). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** A history as an auditor reads it: when, who, and what each change did. */
export function changesOf<State>(history: readonly Recorded<State>[]): RecordedChange[] {
  return history.map(({ recordedAt, actor, change }) => ({ recordedAt, actor, type: change.type, data: change.data }));
}

/** The state known at `knownAt` (the latest without it); undefined when nothing was recorded by then. */
export function knownAt<State>(history: readonly Recorded<State>[] | undefined, at: string | undefined): State | undefined {
  if (!history || history.length === 0) return undefined;
  if (at === undefined) return history[history.length - 1].state;
  let known: State | undefined;
  for (const entry of history) {
    if (entry.recordedAt > at) break;
    known = entry.state;
  }
  return known;
}
