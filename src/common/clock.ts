/** Councils date their decisions in Kyiv time: "today" is the date there, not in UTC. */
export function todayInKyiv(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
