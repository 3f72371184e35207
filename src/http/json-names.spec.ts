import { repeatedNames } from './json-names';

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

  it('given repeats in several objects, then each is named', () => {
    expect(repeatedNames('{"a": {"b": 1, "b": 2}, "a": [[{"c": 1, "c": 2}]]}')).toEqual([['a', 'b'], ['a'], ['a', 0, 0, 'c']]);
  });
});
