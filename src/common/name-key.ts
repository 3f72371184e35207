/** Every apostrophe a keyboard gives for the Ukrainian one ("сім'ї", "сім’ї", "сімʼї"), read as U+02BC. */
const APOSTROPHES = /['\u2018\u2019\u02BC\u0060\u00B4]/g;

/**
 * How two names typed by hand compare — an executor's, a funding source's: composed letters, single spaces, any
 * case, any apostrophe. "Відділ  бета" and "відділ бета" are one name; a decomposed "й" is the composed one;
 * "сім'ї" and "сім’ї" are one word.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').replace(APOSTROPHES, '\u02BC').trim().toLocaleLowerCase('uk');
}
