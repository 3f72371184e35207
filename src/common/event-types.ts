/**
 * A stored event read back as one of an aggregate's own events. `types` names every type of the union as a key,
 * so that a type added to the union and not there fails to compile. A type the code does not know (one a later
 * version of the server wrote) is undefined, which every fold of that aggregate passes by alike: evolve never
 * throws, and a projection does not stop on it.
 */
export function eventReader<E extends { readonly type: string; readonly data: unknown }>(types: Readonly<Record<E['type'], true>>): (stored: { readonly type: string; readonly data: unknown }) => E | undefined {
  const known: ReadonlySet<string> = new Set(Object.keys(types));
  return (stored) => (known.has(stored.type) ? ({ type: stored.type, data: stored.data } as E) : undefined);
}
