/**
 * Amounts are thousand UAH in documents and on the wire, an integer number of kopecks inside.
 * 1 thousand UAH = 100 000 kopecks, so a document amount has at most five decimals.
 * `null` is "none" ("---", "-", blank): it differs from zero but adds as zero.
 */
export type Kopecks = number & { readonly __brand: 'Kopecks' };
export type Amount = Kopecks | null;

const KOPECKS_PER_THOUSAND = 100_000;
const SCALE = 5;
/**
 * Below 10^10 thousand UAH: far above any municipal budget, and 10^10 × 100 000 = 10^15 kopecks stays below
 * 2^53 ≈ 9 × 10^15, so every accepted amount is an exact integer (12 digits overflowed and made `kopecks` throw).
 */
const MAX_WHOLE_DIGITS = 10;

export const ZERO = 0 as Kopecks;

/**
 * What the API takes as an amount, as a regular expression for its published document: JSON's way of writing a
 * number (no spaces, no leading zeros), at most MAX_WHOLE_DIGITS whole digits, and decimals no finer than a kopeck
 * but for trailing zeros, which say nothing finer.
 */
export const AMOUNT_PATTERN = `^(0|[1-9]\\d{0,${MAX_WHOLE_DIGITS - 1}})(\\.\\d{1,${SCALE}}0*)?$`;

export function kopecks(n: number): Kopecks {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a kopeck amount: ${n}`);
  return n as Kopecks;
}

const NONE_MARKS = new Set(['', '-', '--', '---', '—', '–']);

export type MoneyParse = { ok: true; amount: Amount } | { ok: false; reason: string };

/**
 * An amount as documents write it: a whole part, its thousands grouped by spaces (also no-break and thin ones) or
 * not at all, then a decimal comma or dot. A space anywhere else is no grouping: "75 75" is two cells run together,
 * not 7575.
 */
const WRITTEN_AMOUNT = /^(\d{1,3}(?:\s+\d{3})+|\d+)(?:[.,](\d*))?$/;

/**
 * Reads an amount as documents write it ("75,00", "2 000,00", "32,890", "0,0", "---") or as the API takes
 * it ("2000.00").
 */
export function parseAmount(text: string): MoneyParse {
  if (NONE_MARKS.has(text.replace(/\s/g, ''))) return { ok: true, amount: null };
  const m = WRITTEN_AMOUNT.exec(text.trim());
  if (!m) return { ok: false, reason: `"${text}" is not an amount in thousand UAH` };
  const whole = m[1].replace(/\s/g, '');
  const written = m[2] ?? '';
  if (whole.replace(/^0+(?=\d)/, '').length > MAX_WHOLE_DIGITS) return { ok: false, reason: `"${text}" is too large` };
  // Trailing zeros say nothing finer: "2.500000" is 2.5 thousand UAH exactly.
  const fraction = written.replace(/0+$/, '');
  if (fraction.length > SCALE) return { ok: false, reason: `"${text}" is finer than a kopeck (at most ${SCALE} decimals of thousand UAH)` };
  const value = Number(whole) * KOPECKS_PER_THOUSAND + Number(fraction.padEnd(SCALE, '0') || '0');
  return { ok: true, amount: kopecks(value) };
}

/** "2000.00", "32.89", "0.00001"; at least two decimals and as many more as the amount needs to be exact. */
export function formatAmount(amount: Amount): string | null {
  if (amount === null) return null;
  const whole = Math.floor(amount / KOPECKS_PER_THOUSAND);
  const fraction = String(amount % KOPECKS_PER_THOUSAND).padStart(SCALE, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${fraction}`;
}

/**
 * An amount as the API writes it ("2000.00") as the council's documents write it ("2 000,00", "---" for none): a
 * total may reach more whole digits than one amount that parseAmount takes, so it is regrouped as text, not parsed again.
 */
export function documentText(text: string | null): string {
  if (text === null) return '---';
  const [whole, fraction] = text.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${fraction}`;
}

/** Adds amounts where none counts as zero; the sum of nothing but nones is none. */
export function sumAmounts(amounts: Iterable<Amount>): Amount {
  let total: number | null = null;
  for (const a of amounts) {
    if (a === null) continue;
    total = (total ?? 0) + a;
  }
  return total === null ? null : kopecks(total);
}

/** The same sum, but zero where everything is none: used for totals, which a document always states. */
export function totalOf(amounts: Iterable<Amount>): Kopecks {
  return sumAmounts(amounts) ?? ZERO;
}
