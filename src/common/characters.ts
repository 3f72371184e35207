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
 * Each opening quote Ukrainian documents use, with the closing quotes that answer it: «…», „…“ (or „…”), “…”,
 * "…", and ”…” typed on both sides (КП ”Коростеньтепло”).
 */
const PARTNERS: Readonly<Record<string, string>> = { '«': '»', '„': '“”', '“': '”“', '"': '"', '”': '”', '‟': '”' };

/**
 * A title without the quotes documents put around it («Розвиток …», "…", „…“): a section's title is kept bare and
 * the annex quotes it. A pair goes when it encloses the whole title — «Програма „Розвиток“» and «Програма
 * «Розвиток»» lose the outer pair, «A» і «B» and ”A” і ”B” keep theirs — and so does a quote left unpaired at one
 * end («Розвиток …, a slip in a document) when nothing in the title answers it.
 */
export function unquoted(title: string): string {
  const first = title[0] ?? '';
  const last = title[title.length - 1] ?? '';
  const closing = PARTNERS[first];
  if (closing !== undefined && title.length >= 2 && closing.includes(last) && enclosesWhole(title)) return title.slice(1, -1).trim();
  if (closing !== undefined && ![...title.slice(1)].some((character) => closing.includes(character))) return title.slice(1).trim();
  const answered = Object.entries(PARTNERS).some(([opening, closings]) => closings.includes(last) && title.slice(0, -1).includes(opening));
  if (last !== first && Object.values(PARTNERS).some((closings) => closings.includes(last)) && !answered) return title.slice(0, -1).trim();
  return title;
}

/** Whether the first and last characters are one pair: guillemets between them nest and close before the end; other quotes do not recur. */
function enclosesWhole(title: string): boolean {
  const inner = title.slice(1, -1);
  if (title[0] !== '«') return ![...inner].some((character) => character === title[0] || PARTNERS[title[0]].includes(character));
  let depth = 0;
  for (const character of inner) {
    if (character === '«') depth += 1;
    else if (character === '»' && (depth -= 1) < 0) return false;
  }
  return depth === 0;
}

/** The Cyrillic letters a Ukrainian keyboard types for Roman digits, and the Latin ones they look like. */
const CYRILLIC_ROMAN: Readonly<Record<string, string>> = { І: 'I', Х: 'X', С: 'C' };
const CYRILLIC_LETTERS = Object.keys(CYRILLIC_ROMAN).join('');

/** One digit of a Roman numeral up to C as typed (a section's, a convocation's): Latin, or a Cyrillic look-alike latinRomanNumeral reads. */
export const ROMAN_DIGIT = `[IVXLC${CYRILLIC_LETTERS}]`;

/**
 * A pattern of Latin Roman numerals (with no character classes of its own) as typed: each I, X or C may come as the
 * Cyrillic letter that looks like it, which latinRomanNumeral reads.
 */
export function romanAsTyped(pattern: string): string {
  const cyrillicOf = Object.fromEntries(Object.entries(CYRILLIC_ROMAN).map(([cyrillic, latin]) => [latin, cyrillic]));
  return pattern.replace(/[IXC]/g, (latin) => `[${latin}${cyrillicOf[latin]}]`);
}

const CYRILLIC_ROMAN_LETTER = new RegExp(`[${CYRILLIC_LETTERS}]`, 'gu');

/** A Roman numeral in Latin letters: Ukrainian typists often write one with the Cyrillic І, Х or С, which look the same. */
export function latinRomanNumeral(text: string): string {
  return text.replace(CYRILLIC_ROMAN_LETTER, (letter) => CYRILLIC_ROMAN[letter]);
}
