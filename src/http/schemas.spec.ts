import { programmeIdSchema, wholeNumber, yearSchema } from './schemas';

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

describe('programmeIdSchema', () => {
  it('says the length limit along with the letters a programme id takes, since 101 good letters read as bad letters otherwise', () => {
    const result = programmeIdSchema.safeParse('a'.repeat(101));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/^up to 100 /);
    expect(programmeIdSchema.safeParse('a'.repeat(100)).success).toBe(true);
  });
});
