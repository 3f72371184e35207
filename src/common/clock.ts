/** Made once: building a formatter with a time zone costs ~100 µs, more than serving a cached view. */
const KYIV_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Councils date their decisions in Kyiv time: "today" is the date there, not in UTC. */
export function todayInKyiv(now: Date = new Date()): string {
  return KYIV_DATE.format(now);
}

const KYIV_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Kyiv', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset' });

/**
 * An instant as a printed document gives it to a reader in Ukraine, Kyiv time: "07.12.2026 18:25:35,308 (UTC+2)".
 * With its milliseconds, which tell two appends apart, and its offset, as the hour after the autumn change of the
 * clocks comes twice.
 */
export function kyivDateTime(instant: string): string {
  const at = new Date(instant);
  const part = Object.fromEntries(KYIV_TIME.formatToParts(at).map(({ type, value }) => [type, value]));
  const milliseconds = String(at.getUTCMilliseconds()).padStart(3, '0');
  return `${documentDate(todayInKyiv(at))} ${part.hour}:${part.minute}:${part.second},${milliseconds} (${(part.timeZoneName ?? '').replace('GMT', 'UTC')})`;
}

/**
 * The instant a date begins in Kyiv, "2026-12-08" → 2026-12-07T22:00:00.000Z: what an auditor typing a date for an
 * instant means by it, on the calendar the council keeps.
 */
export function kyivMidnight(date: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset near the midnight, then at it: the second step matters where the clocks changed at midnight itself
  // (in 1924, 1930, 1941 and 1981–84, for one), so that UTC's midnight and Kyiv's fall on either side of the change.
  const near = utcMidnight - kyivOffsetMs(new Date(utcMidnight));
  return new Date(utcMidnight - kyivOffsetMs(new Date(near)));
}

/** How far Kyiv's clocks are ahead of UTC at an instant ("GMT+2" → 2 h; before 1924, local mean time "GMT+2:02:04"). */
function kyivOffsetMs(at: Date): number {
  const name = KYIV_TIME.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = /^GMT([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(name);
  if (!offset) return 0;
  return (offset[1] === '-' ? -1 : 1) * ((Number(offset[2]) * 60 + Number(offset[3] ?? 0)) * 60 + Number(offset[4] ?? 0)) * 1000;
}

/** "22.02.2024": a date as the council's documents write it. */
export function documentDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}
