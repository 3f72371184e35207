/**
 * Streams of one kind are named `<category>-<id>`: the name for an id, and the id in a name — undefined for a
 * stream of another kind, which projections fed from `$all` pass by.
 */
export function streamCategory(category: string): { readonly stream: (id: string) => string; readonly idOf: (name: string) => string | undefined } {
  const prefix = `${category}-`;
  return { stream: (id) => `${prefix}${id}`, idOf: (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : undefined) };
}

/** The category of any stream's name (a metric's label): what comes before the first hyphen. */
export function categoryOf(streamName: string): string {
  return streamName.split('-')[0];
}
