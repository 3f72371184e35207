import { z } from 'zod';
import { codePoint, INVISIBLE, mixedScriptWords } from '../common/characters';
import { kyivMidnight } from '../common/clock';
import { FIRST_PROGRAMME_YEAR } from '../decision/domain/decision.decider';
import { AMOUNT_PATTERN, type Amount, parseAmount } from '../programme/domain/money';
// Extends zod with `.openapi()`, used below, whichever module loads these schemas first.
import './openapi';

// Shapes shared by the request schemas.

/** A calendar date: "2025-02-30" is a mistake, not 2 March. */
function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

export const dateSchema = z
  .string()
  // One problem per value: a date not written as YYYY-MM-DD is not also reported as no calendar date.
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date as YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, 'not a calendar date')
  .openapi({ format: 'date' });

/** What an instant parameter takes, for descriptions that replace the schema's own. */
export const INSTANT_FORMS = 'ISO 8601 with an offset or Z; a date alone is its midnight in Kyiv';

/** RFC 3339 lets "t" and "z" be lower case; the offset may also be written without its colon (+0200), and the seconds left out. */
const INSTANT = /^\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;
const DATE_ALONE = /^\d{4}-\d{2}-\d{2}$/;
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt][\d:.]+$/;

/**
 * An instant as the store writes its own (UTC, milliseconds), so that it compares with recorded times as text; or
 * what is wrong with it. A date alone is its midnight in Kyiv, as `asOf` keeps Kyiv's calendar. Its date must be a
 * calendar date (Date.parse would read "2026-11-31T00:00Z" as 1 December), and in UTC it must stay within years
 * 0000–9999: "+010000-01-01…" would sort before every recorded time.
 */
export function readInstant(text: string): { instant: string } | { problem: string } {
  if (!INSTANT.test(text)) {
    return WITHOUT_OFFSET.test(text)
      ? { problem: 'an instant with its offset or Z, e.g. 2025-03-01T10:00:00Z or 2025-03-01T12:00:00+02:00' }
      : { problem: 'an ISO 8601 instant, e.g. 2025-03-01T10:00:00Z, or a date alone (its midnight in Kyiv)' };
  }
  if (!isCalendarDate(text.slice(0, 10))) return { problem: 'not a calendar date' };
  const at = DATE_ALONE.test(text) ? kyivMidnight(text) : new Date(text.toUpperCase());
  if (Number.isNaN(at.getTime())) return { problem: 'not a time of day, or an offset no clock has' };
  const instant = at.toISOString();
  return /^\d{4}-/.test(instant) ? { instant } : { problem: 'an instant from year 0000 to 9999 in UTC' };
}

export const instantSchema = z
  .string()
  .transform((text, ctx) => {
    const read = readInstant(text);
    if ('problem' in read) ctx.addIssue({ code: 'custom', message: read.problem });
    return 'instant' in read ? read.instant : z.NEVER;
  })
  // A pattern, not format date-time: a date alone, an offset without its colon and a time without seconds are taken too.
  .openapi({ type: 'string', pattern: INSTANT.source, description: `an instant (${INSTANT_FORMS})` });

/**
 * A whole number in a range. The range is checked first and ends the check: 1e30 is "at most …" once, not also
 * "not a safe integer" at the same path.
 */
export const wholeNumber = (min: number, max: number) => z.number().min(min, { abort: true }).max(max, { abort: true }).int();

export const yearSchema = wholeNumber(FIRST_PROGRAMME_YEAR, 2100);

export const termSchema = z
  .object({ from: yearSchema, to: yearSchema })
  .strict()
  .refine((t) => t.from <= t.to, { message: 'a term ends no earlier than it starts', path: ['to'] });

const AMOUNT_TEXT = /^(0|[1-9]\d*)(\.\d+)?$/;

/** Thousand UAH as a decimal string ("2000.00"), or null for none. Never a JSON number: no floating point. */
export const amountSchema = z
  .string()
  .max(32)
  .nullable()
  .transform((text, ctx): Amount => {
    if (text === null) return null;
    // Any number of decimals gets through here, so that parseAmount can say "finer than a kopeck" for the sixth.
    // Written as JSON writes a number: no spaces, no leading zeros (documents are read with parseAmount alone).
    if (!AMOUNT_TEXT.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'an amount in thousand UAH as a decimal string with a dot, e.g. "2000.00"' });
      return z.NEVER;
    }
    const parsed = parseAmount(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    return parsed.amount;
  })
  // The document states the whole rule; the check above is looser only to say which part of it an amount breaks.
  .openapi({ type: ['string', 'null'], pattern: AMOUNT_PATTERN, maxLength: 32, example: '2000.00', description: 'thousand UAH, at most 5 decimals (a kopeck); null: none' });

/** Control characters but tab and line breaks: no document, CSV or screen shows them, so text that holds one is refused. */
const CONTROL_CHARACTER = /[^\P{Cc}\t\n\r]/u;

/**
 * Any text the API stores: a name, a title, a note, a number, an id. Invisible characters (a zero-width space, a
 * soft hyphen) and mixed-alphabet words show nowhere or read like another word, yet make two names that read the
 * same differ: "Відділ\u200bкультури" would slip past the check for a name already taken.
 */
export const plainText = (schema: z.ZodString) =>
  schema.superRefine((text, ctx) => {
    const control = text.match(CONTROL_CHARACTER)?.[0];
    if (control) ctx.addIssue({ code: 'custom', message: `holds a control character (${codePoint(control)}), which is not text` });
    const invisible = text.match(INVISIBLE)?.[0];
    if (invisible) ctx.addIssue({ code: 'custom', message: `holds an invisible character (${codePoint(invisible)}), which no document shows; remove it` });
    const [mixed] = mixedScriptWords(text);
    if (mixed) ctx.addIssue({ code: 'custom', message: `the word "${mixed.word}" mixes Cyrillic with other letters ("${mixed.foreign}"); type it in one alphabet` });
  });

export const textSchema = (max: number) => plainText(z.string().trim().min(1, 'must not be empty').max(max));

/** Also the router's limit on a path segment: a longer one cannot be an id (414). */
export const ID_MAX_LENGTH = 100;

export const idSchema = plainText(z.string().trim().min(1).max(ID_MAX_LENGTH));

export const programmeIdSchema = z
  .string()
  .regex(new RegExp(`^[a-z0-9][a-z0-9-]{0,${ID_MAX_LENGTH - 1}}$`), `up to ${ID_MAX_LENGTH} lower-case letters, digits and hyphens, starting with a letter or digit, e.g. korosten-self-government-2024-2026`);

/**
 * For reads that take no parameter: they refuse one as the others refuse a key they do not know, or a
 * `knownAt` sent to them would go unheeded.
 */
export const noQuerySchema = z.object({}).strict();
