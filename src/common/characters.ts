/** How a message names a character no one can see: "U+200B". */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

const WORD = /\p{L}+/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The first word spelt in two alphabets — a Latin "i" or "K" typed into a Ukrainian word — with its Latin letters:
 * it reads as one name and compares as another.
 */
export function mixedScriptWord(text: string): { word: string; latin: string } | undefined {
  const word = text.match(WORD)?.find((w) => CYRILLIC.test(w) && LATIN.test(w));
  return word === undefined ? undefined : { word, latin: [...word].filter((c) => LATIN.test(c)).join('') };
}
