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
  const [y, m, d] = todayInKyiv(at).split('-');
  const part = Object.fromEntries(KYIV_TIME.formatToParts(at).map(({ type, value }) => [type, value]));
  const milliseconds = String(at.getUTCMilliseconds()).padStart(3, '0');
  return `${d}.${m}.${y} ${part.hour}:${part.minute}:${part.second},${milliseconds} (${(part.timeZoneName ?? '').replace('GMT', 'UTC')})`;
}
