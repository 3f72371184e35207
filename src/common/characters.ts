/** How a message names a character no one can see: "U+200B". */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A word with its apostrophes ("зв'язку") and combining marks: what a reader takes for one word. */
const WORD = /[\p{L}\p{M}'’]+/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const OTHER_LETTER = /[^\P{L}\p{Script=Cyrillic}]/gu;

/**
 * The words that mix Cyrillic with letters of another alphabet — a Latin "i" or "K" typed into a Ukrainian word,
 * "Короستنень" in the Korosten annex — each with those letters. Such a word reads as one name and compares as
 * another, and search trips over it: almost always a typing slip.
 */
export function mixedScriptWords(text: string): { word: string; foreign: string }[] {
  return (text.match(WORD) ?? []).flatMap((word) => {
    const foreign = CYRILLIC.test(word) ? word.match(OTHER_LETTER) : null;
    return foreign ? [{ word, foreign: foreign.join('') }] : [];
  });
}
