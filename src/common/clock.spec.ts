import { kyivDateTime, todayInKyiv } from './clock';

describe('dates and times as councils in Ukraine read them', () => {
  it('gives an instant in Kyiv time, summer (UTC+3) and winter (UTC+2), the date turning over at its midnight, not at UTC’s', () => {
    expect(kyivDateTime('2026-06-30T21:30:00.000Z')).toBe('01.07.2026 00:30:00');
    expect(kyivDateTime('2026-12-07T16:25:35.308Z')).toBe('07.12.2026 18:25:35');
    expect(kyivDateTime('2025-12-31T21:59:59Z')).toBe('31.12.2025 23:59:59');
    expect(kyivDateTime('2025-12-31T22:00:00Z')).toBe('01.01.2026 00:00:00');
  });

  it('says today as the date in Kyiv', () => {
    expect(todayInKyiv(new Date('2025-03-29T22:30:00Z'))).toBe('2025-03-30');
    expect(todayInKyiv(new Date('2025-03-29T21:30:00Z'))).toBe('2025-03-29');
  });
});
