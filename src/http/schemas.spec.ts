import { wholeNumber, yearSchema } from './schemas';

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => (result.success ? [] : (result.error?.issues.map((i) => i.message) ?? []));

describe('wholeNumber', () => {
  it('takes a whole number in its range', () => {
    expect(wholeNumber(1, 1000).safeParse(45)).toEqual({ success: true, data: 45 });
  });

  it.each([
    [1e30, /<=1000/],
    [-1e30, />=1/],
    [0, />=1/],
    [2.5, /int/],
  ])('refuses %p with one problem, the one that says what to send', (value, message) => {
    const found = messages(wholeNumber(1, 1000).safeParse(value));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('gives a year past 2100 one problem, however far past', () => {
    expect(messages(yearSchema.safeParse(1e21))).toEqual([expect.stringMatching(/<=2100/)]);
  });
});
