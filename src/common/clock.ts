/** Made once: building a formatter with a time zone costs ~100 µs, more than serving a cached view. */
const KYIV_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Councils date their decisions in Kyiv time: "today" is the date there, not in UTC. */
export function todayInKyiv(now: Date = new Date()): string {
  return KYIV_DATE.format(now);
}
