/** A state as it was recorded, one entry per change: read models answer "as known at" from it. */
export interface Recorded<State> {
  readonly recordedAt: string;
  readonly state: State;
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
