/** How a message names a character no one can see: "U+200B". */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A word with its apostrophes ("зв'язку", "обʼєкт" with U+02BC) and combining marks: what a reader takes for one word. */
const WORD = /[\p{L}\p{M}'’ʼ]+/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
/** A letter of an alphabet: ʼ (U+02BC) is a letter of no script in particular, and belongs to every word. */
const OTHER_LETTER = /[^\P{L}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}]/gu;
/** Roman numerals typed on a Ukrainian keyboard mix the alphabets by nature: "VІІІ" with a Cyrillic І. */
const ROMAN_NUMERAL = /^[IVXLCDMІХСМ]+$/u;

/** Characters that show nowhere: format characters (U+200B, U+00AD, U+FEFF) and the rest Unicode says to ignore (U+034F, variation selectors). */
export const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/**
 * The words that mix Cyrillic with letters of another alphabet — a Latin "i" or "K" typed into a Ukrainian word,
 * "Короستنень" in the Korosten annex — each with those letters. Such a word reads as one name and compares as
 * another, and search trips over it: almost always a typing slip.
 */
export function mixedScriptWords(text: string): { word: string; foreign: string }[] {
  return (text.match(WORD) ?? []).flatMap((word) => {
    const foreign = CYRILLIC.test(word) && !ROMAN_NUMERAL.test(word) ? word.match(OTHER_LETTER) : null;
    return foreign ? [{ word, foreign: foreign.join('') }] : [];
  });
}

/**
 * A title without the quotes documents put around it («Розвиток …», "…", „…“): a section's title is kept bare and
 * the annex quotes it. Only an enclosing pair with no quote inside goes: «A» і «B» keeps its own.
 */
export function unquoted(title: string): string {
  const inner = title.slice(1, -1);
  return /^[«"„“]/u.test(title) && /[»"”“]$/u.test(title) && !/[«»"„“”]/u.test(inner) ? inner.trim() : title;
}

/** A Roman numeral in Latin letters: Ukrainian typists often write one with the Cyrillic І, Х or С, which look the same. */
export function latinRomanNumeral(text: string): string {
  return text.replace(/[ІХС]/gu, (letter) => ({ І: 'I', Х: 'X', С: 'C' })[letter] as string);
}
