import fc from 'fast-check';
import { checkNames } from './json-names';

const repeatedNames = (text: string, atMost = Number.POSITIVE_INFINITY) => {
  const check = checkNames(text, { atMost, deepest: 64 });
  return 'repeated' in check ? check.repeated : check;
};

/** JSON as a tree that keeps every member an object's text gives, repeats included, in order. */
type Tree = { object: [string, Tree][] } | { array: Tree[] } | { leaf: string | number | boolean | null };

const text = (tree: Tree): string =>
  'object' in tree
    ? `{${tree.object.map(([name, value]) => `${JSON.stringify(name)}: ${text(value)}`).join(', ')}}`
    : 'array' in tree
      ? `[${tree.array.map(text).join(',')}]`
      : JSON.stringify(tree.leaf);

/** What repeatedNames should find, in the order the text gives the second of each name. */
function repeatsOf(tree: Tree, path: (string | number)[] = []): (string | number)[][] {
  if ('array' in tree) return tree.array.flatMap((value, i) => repeatsOf(value, [...path, i]));
  if (!('object' in tree)) return [];
  const seen = new Map<string, number>();
  return tree.object.flatMap(([name, value]) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return [...(count === 2 ? [[...path, name]] : []), ...repeatsOf(value, [...path, name])];
  });
}

// Names from a few letters, quotes, backslashes and braces, so that they repeat and test the string scanning.
const name = fc.string({ unit: fc.constantFrom('a', 'b', '"', '\\', '{', ']', ',', 'ї'), maxLength: 3 });
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ leaf: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null)) }),
    fc.record({ object: fc.array(fc.tuple(name, tie('tree')), { maxLength: 5 }) }),
    fc.record({ array: fc.array(tie('tree'), { maxLength: 4 }) }),
  ),
}));

describe('repeatedNames', () => {
  it('given names each object gives once, then there is nothing to refuse, whatever other objects or strings repeat', () => {
    expect(repeatedNames('{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}], "d": "\\"a\\": 5, \\"a\\""}')).toEqual([]);
    expect(repeatedNames('[1, "x", {"x": "x"}]')).toEqual([]);
    expect(repeatedNames('"just text"')).toEqual([]);
  });

  it('given an object that gives a name twice or more, then that member is named once, by its path', () => {
    const body = '{"decisionId": "d", "changes": [{"op": "setAllocation"}, {"op": "setAllocation", "amount": "1", "amount": "999.00", "amount": "2"}]}';
    expect(repeatedNames(body)).toEqual([['changes', 1, 'amount']]);
  });

  it('given a name written with escapes, then it is the name it decodes to', () => {
    expect(repeatedNames('{"amount": "1", "\\u0061mount": "2", "x\\\\": 1, "x\\\\": 2}')).toEqual([['amount'], ['x\\']]);
  });

  it('given more repeats than asked for, then it stops at that many', () => {
    const body = JSON.stringify(Array.from({ length: 50 }, () => ({}))).replaceAll('{}', '{"a": 1, "a": 2}');
    expect(repeatedNames(body, 3)).toEqual([[0, 'a'], [1, 'a'], [2, 'a']]);
  });

  it('given any JSON text, then it names exactly the members an object gives a second time, in the order of the text', () => {
    fc.assert(fc.property(tree, (t) => expect(repeatedNames(text(t))).toEqual(repeatsOf(t))), { numRuns: 2_000 });
  });

  it('given text nested deeper than asked, then it says so, however deep, and at once', () => {
    expect(checkNames(`${'['.repeat(65)}${']'.repeat(65)}`, { atMost: 20, deepest: 64 })).toEqual({ nestedDeeperThan: 64 });
    expect(checkNames(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`, { atMost: 20, deepest: 64 })).toEqual({ repeated: [] });
    const deep = 400_000;
    expect(checkNames(`${'['.repeat(deep)}{"a":1,"a":2}${']'.repeat(deep)}`, { atMost: 20, deepest: Number.POSITIVE_INFINITY })).toEqual({ repeated: [[...Array(deep).fill(0), 'a']] });
  });

  it('given repeats in several objects, then each is named', () => {
    expect(repeatedNames('{"a": {"b": 1, "b": 2}, "a": [[{"c": 1, "c": 2}]]}')).toEqual([['a', 'b'], ['a'], ['a', 0, 0, 'c']]);
  });
});
