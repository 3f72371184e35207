import { type JsonPlace, pathOf } from './problem';

/** Where valid JSON text nests: an object (with the names it has given so far) or an array (at its index). */
interface Level {
  readonly parent: Level | undefined;
  /** Where the level stands: under its parent's member or element; the root is the value itself (null). */
  readonly place: JsonPlace | null;
  /** Per name, how often this object gave it; undefined for an array. */
  readonly names: Map<string, number> | undefined;
  index: number;
  name: string;
  expectingName: boolean;
}

/** What the names of a JSON text show: the repeats, or that it nests deeper than `deepest`, where it stops looking. */
export type NamesCheck = { readonly repeated: PropertyKey[][] } | { readonly nestedDeeperThan: number };

/**
 * The members whose name an object of valid JSON text gives twice or more, each once, as the path to it, up to
 * `atMost` of them. JSON.parse keeps the last value silently, so `{"amount": "1", "amount": "999.00"}` would be read
 * as 999.00; a body that says two things of one field is refused instead (RFC 8259: names SHOULD be unique). Text
 * nested deeper than `deepest` is no body of this API, and is not looked into further. It runs after JSON.parse has
 * accepted the text, so every string it meets is closed and every bracket matched. A level links to its parent and
 * a path is built only for a repeat: copying the path at every bracket would cost the square of the depth.
 */
export function checkNames(text: string, { atMost, deepest }: { atMost: number; deepest: number }): NamesCheck {
  let top: Level | undefined;
  let depth = 0;
  const repeated: PropertyKey[][] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.names && top.expectingName) {
        // Decoded: "\u0061mount" gives the name "amount" a second time as surely as "amount" does.
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        const seen = (top.names.get(name) ?? 0) + 1;
        top.names.set(name, seen);
        if (seen === 2 && repeated.push([...pathOf(top.place), name]) === atMost) return { repeated };
        top.name = name;
        top.expectingName = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      if (++depth > deepest) return { nestedDeeperThan: deepest };
      const place = top === undefined ? null : { parent: top.place, key: top.names ? top.name : top.index };
      top = { parent: top, place, names: char === '{' ? new Map() : undefined, index: 0, name: '', expectingName: char === '{' };
    } else if (char === '}' || char === ']') {
      depth -= 1;
      top = top?.parent;
    } else if (char === ',' && top) {
      if (top.names) top.expectingName = true;
      else top.index += 1;
    }
  }
  return { repeated };
}
