import { kyivDateTime, kyivMidnight, todayInKyiv } from './clock';

describe('dates and times as councils in Ukraine read them', () => {
  it('gives an instant in Kyiv time with its offset, summer (UTC+3) and winter (UTC+2), the date turning over at its midnight, not at UTC’s', () => {
    expect(kyivDateTime('2026-06-30T21:30:00.000Z')).toBe('01.07.2026 00:30:00,000 (UTC+3)');
    expect(kyivDateTime('2026-12-07T16:25:35.308Z')).toBe('07.12.2026 18:25:35,308 (UTC+2)');
    expect(kyivDateTime('2025-12-31T21:59:59.999Z')).toBe('31.12.2025 23:59:59,999 (UTC+2)');
    expect(kyivDateTime('2025-12-31T22:00:00Z')).toBe('01.01.2026 00:00:00,000 (UTC+2)');
  });

  it('tells apart the two hours the autumn change of the clocks repeats, and the spring change skips none it prints', () => {
    // 26.10.2025: 04:00 summer time became 03:00 winter time
    expect(kyivDateTime('2025-10-26T00:30:00Z')).toBe('26.10.2025 03:30:00,000 (UTC+3)');
    expect(kyivDateTime('2025-10-26T01:30:00Z')).toBe('26.10.2025 03:30:00,000 (UTC+2)');
    // 30.03.2025: 03:00 winter time became 04:00 summer time
    expect(kyivDateTime('2025-03-30T00:59:59Z')).toBe('30.03.2025 02:59:59,000 (UTC+2)');
    expect(kyivDateTime('2025-03-30T01:00:00Z')).toBe('30.03.2025 04:00:00,000 (UTC+3)');
  });

  it('begins a date at its midnight in Kyiv, winter (UTC+2) and summer (UTC+3), on the days the clocks change too', () => {
    expect(kyivMidnight('2026-12-08').toISOString()).toBe('2026-12-07T22:00:00.000Z');
    expect(kyivMidnight('2026-07-01').toISOString()).toBe('2026-06-30T21:00:00.000Z');
    // the clocks change at 03:00 or 04:00: the midnight before keeps the offset of the day before
    expect(kyivMidnight('2025-03-30').toISOString()).toBe('2025-03-29T22:00:00.000Z');
    expect(kyivMidnight('2025-03-31').toISOString()).toBe('2025-03-30T21:00:00.000Z');
    expect(kyivMidnight('2025-10-26').toISOString()).toBe('2025-10-25T21:00:00.000Z');
    expect(kyivMidnight('2025-10-27').toISOString()).toBe('2025-10-26T22:00:00.000Z');
    // in 1981 (Moscow time, UTC+3, +4 in summer) the clocks changed at midnight itself: 1 April began at 01:00
    // summer time, as 00:00 was skipped; 1 October at 00:00 winter time, as 24:00 summer time became 23:00 of 30 September
    expect(kyivMidnight('1981-04-01').toISOString()).toBe('1981-03-31T21:00:00.000Z');
    expect(kyivMidnight('1981-10-01').toISOString()).toBe('1981-09-30T21:00:00.000Z');
    // before 1924 Kyiv kept its local mean time, 2:02:04 ahead of UTC
    expect(kyivMidnight('1900-01-01').toISOString()).toBe('1899-12-31T21:57:56.000Z');
    // and each is the instant the date turns over in Kyiv
    for (const date of ['2026-12-08', '2025-03-30', '2025-03-31', '2025-10-26', '2025-10-27', '1981-04-01', '1981-10-01', '1900-01-01']) {
      const midnight = kyivMidnight(date).getTime();
      expect([todayInKyiv(new Date(midnight - 1)) < date, todayInKyiv(new Date(midnight))]).toEqual([true, date]);
    }
  });

  it('says today as the date in Kyiv', () => {
    expect(todayInKyiv(new Date('2025-03-29T22:30:00Z'))).toBe('2025-03-30');
    expect(todayInKyiv(new Date('2025-03-29T21:30:00Z'))).toBe('2025-03-29');
  });
});
