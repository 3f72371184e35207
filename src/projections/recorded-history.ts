import type { RecordedEvent } from '../event-store/event-store.port';

/** Who a change was recorded for, from its metadata (null for events written without one). */
export function actorOf(metadata: Readonly<Record<string, unknown>>): string | null {
  return typeof metadata.actor === 'string' ? metadata.actor : null;
}

export interface RecordedChange {
  readonly recordedAt: string;
  readonly actor: string | null;
  /** The event: "DecisionDetailsCorrected", "ExecutorRenamed", … */
  readonly type: string;
  /** What it recorded, with the values it replaced where it replaced any (`was`). */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * A state as it was recorded, one entry per change: read models answer "as known at" from it, and an auditor
 * reads from it who changed what (the change beside the state it led to).
 */
export interface Recorded<State> extends RecordedChange {
  readonly state: State;
}

/** The entry an event adds to a history, with the state it left: an auditor reads who did what, and what it made. */
export function recorded<State>(event: RecordedEvent, state: State): Recorded<State> {
  return { recordedAt: event.created, actor: actorOf(event.metadata), type: event.type, data: event.data, state };
}

/** A history as an auditor reads it: when, who, and what each change did; undefined for one never recorded. */
export function changesOf<State>(history: readonly Recorded<State>[]): RecordedChange[] | undefined {
  return history.length === 0 ? undefined : history.map(({ state: _state, ...change }) => change);
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
