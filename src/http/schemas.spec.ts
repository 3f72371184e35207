import { instantSchema, programmeIdSchema, wholeNumber, yearSchema } from './schemas';

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

describe('instantSchema', () => {
  const read = (text: string) => instantSchema.safeParse(text);

  it('reads an instant with its offset as the store writes instants: UTC, to the millisecond', () => {
    expect(read('2025-03-01T12:00:00+02:00').data).toBe('2025-03-01T10:00:00.000Z');
    expect(read('2025-03-01T10:00Z').data).toBe('2025-03-01T10:00:00.000Z');
  });

  it('takes "t" and "z" in lower case, as RFC 3339 does', () => {
    expect(read('2025-03-01t10:00:00.5z').data).toBe('2025-03-01T10:00:00.500Z');
  });

  it('reads a date alone as its midnight in Kyiv, the calendar asOf keeps, not in UTC', () => {
    expect(read('2026-12-08').data).toBe('2026-12-07T22:00:00.000Z');
    expect(read('2026-07-01').data).toBe('2026-06-30T21:00:00.000Z');
  });

  it('says what is wrong: a day the calendar does not have, a time without an offset, a year past 9999 in UTC, an hour no clock has, no instant at all', () => {
    const problems = Object.fromEntries(
      ['2026-11-31', '2026-11-31T00:00:00Z', '2025-03-01T10:00:00', '9999-12-31T23:00:00-05:00', '0000-01-01', '2025-03-01T25:00Z', 'yesterday'].map((text) => [text, read(text).error?.issues.map((issue) => issue.message)]),
    );
    expect(problems).toEqual({
      '2026-11-31': ['not a calendar date'],
      '2026-11-31T00:00:00Z': ['not a calendar date'],
      '2025-03-01T10:00:00': [expect.stringMatching(/^an instant with its offset or Z/)],
      '9999-12-31T23:00:00-05:00': ['an instant from year 0000 to 9999 in UTC'],
      // its midnight in Kyiv is still the year before in UTC
      '0000-01-01': ['an instant from year 0000 to 9999 in UTC'],
      '2025-03-01T25:00Z': [expect.stringMatching(/^not a time of day/)],
      yesterday: [expect.stringMatching(/^an ISO 8601 instant/)],
    });
  });
});
