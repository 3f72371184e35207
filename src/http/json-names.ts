/** Where valid JSON text nests: an object (with the names it has given so far) or an array (at its index). */
interface Level {
  readonly path: readonly (string | number)[];
  /** Per name, how often this object gave it; undefined for an array. */
  readonly names: Map<string, number> | undefined;
  index: number;
  name: string;
  expectingName: boolean;
}

/**
 * The members whose name an object of valid JSON text gives twice or more, each once, as the path to it.
 * JSON.parse keeps the last value silently, so `{"amount": "1", "amount": "999.00"}` would be read as 999.00; a
 * body that says two things of one field is refused instead (RFC 8259: names SHOULD be unique). It runs after
 * JSON.parse has accepted the text, so every string it meets is closed and every bracket matched. `atMost`: where
 * it stops looking.
 */
export function repeatedNames(text: string, atMost = Number.POSITIVE_INFINITY): (string | number)[][] {
  const levels: Level[] = [];
  const repeated: (string | number)[][] = [];
  const here = (): (string | number)[] => {
    const top = levels[levels.length - 1];
    return top === undefined ? [] : [...top.path, top.names ? top.name : top.index];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = levels[levels.length - 1];
      if (top?.names && top.expectingName) {
        // Decoded: "\u0061mount" gives the name "amount" a second time as surely as "amount" does.
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        const seen = (top.names.get(name) ?? 0) + 1;
        top.names.set(name, seen);
        if (seen === 2 && repeated.push([...top.path, name]) === atMost) return repeated;
        top.name = name;
        top.expectingName = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      levels.push({ path: here(), names: char === '{' ? new Map() : undefined, index: 0, name: '', expectingName: char === '{' });
    } else if (char === '}' || char === ']') {
      levels.pop();
    } else if (char === ',') {
      const top = levels[levels.length - 1];
      if (top.names) top.expectingName = true;
      else top.index += 1;
    }
  }
  return repeated;
}
