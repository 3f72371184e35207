/** Reads a stored event as one of an aggregate's own, or undefined for a type it does not know; `knows` says which. */
export type EventReader<E> = ((stored: { readonly type: string; readonly data: unknown }) => E | undefined) & { readonly knows: (type: string) => boolean };

/**
 * A stored event read back as one of an aggregate's own events. `types` names every type of the union as a key,
 * so that a type added to the union and not there fails to compile. A type the code does not know (one a later
 * version of the server wrote, then rolled back) is undefined: the read models pass it by and go on, and a command
 * on its stream is refused (AggregateRepository), as deciding without it could contradict it.
 */
export function eventReader<E extends { readonly type: string; readonly data: unknown }>(types: Readonly<Record<E['type'], true>>): EventReader<E> {
  const known: ReadonlySet<string> = new Set(Object.keys(types));
  const read = (stored: { readonly type: string; readonly data: unknown }) => (known.has(stored.type) ? ({ type: stored.type, data: stored.data } as E) : undefined);
  return Object.assign(read, { knows: (type: string) => known.has(type) });
}
