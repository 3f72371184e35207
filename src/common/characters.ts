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
 * the annex quotes it. An enclosing pair goes when it encloses the whole title — «Програма „Розвиток“» and
 * «Програма «Розвиток»» lose the outer pair, «A» і «B» keeps its own — and so does a quote left unpaired at one end
 * («Розвиток …, a slip in a document).
 */
export function unquoted(title: string): string {
  const opens = /^[«"„“]/u.test(title);
  const closes = /[»"”“]$/u.test(title);
  if (opens && closes && title.length >= 2 && enclosesWhole(title)) return title.slice(1, -1).trim();
  if (opens && !/[»"”“]/u.test(title.slice(1))) return title.slice(1).trim();
  if (closes && !/[«"„“]/u.test(title.slice(0, -1))) return title.slice(0, -1).trim();
  return title;
}

/** Whether the first and last characters are one pair: the guillemets between them nest and close before the end. */
function enclosesWhole(title: string): boolean {
  const inner = title.slice(1, -1);
  if (title[0] !== '«') return !/[«»"„“”]/u.test(inner);
  let depth = 0;
  for (const character of inner) {
    if (character === '«') depth += 1;
    else if (character === '»' && (depth -= 1) < 0) return false;
  }
  return depth === 0;
}

/** A Roman numeral in Latin letters: Ukrainian typists often write one with the Cyrillic І, Х or С, which look the same. */
export function latinRomanNumeral(text: string): string {
  return text.replace(/[ІХС]/gu, (letter) => ({ І: 'I', Х: 'X', С: 'C' })[letter] as string);
}
