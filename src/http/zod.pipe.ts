import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { type JsonPlace, jsonPath, pathOf, ProblemException, type ProblemItem, PROBLEMS_LISTED, shownName } from './problem';

/**
 * Validates a request part with its zod schema — the same schema the OpenAPI document is generated from —
 * and lists every issue with its JSON path. The handler receives the parsed value.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    readonly part: RequestPart = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const checked = this.check(value);
    if (checked.ok) return checked.data;
    throw invalidRequest([{ part: this.part, problems: checked.problems }]);
  }

  /**
   * The part parsed, or every problem in it, each at its path. Kept with the part's object: the request guard
   * checks every part first (RequestValidationGuard), and the pipe then takes that result instead of parsing again.
   */
  check(value: unknown): Checked<z.output<S>> {
    if (typeof value !== 'object' || value === null) return this.parse(value);
    const known = CHECKED.get(value);
    if (known?.pipe === this) return known.checked as Checked<z.output<S>>;
    const checked = this.parse(value);
    CHECKED.set(value, { pipe: this, checked });
    return checked;
  }

  private parse(value: unknown): Checked<z.output<S>> {
    const parsed = this.schema.safeParse(value ?? (this.part === 'body' ? undefined : {}));
    // Query and path text is percent-decoded into a fresh object: what `unreadable` looks for comes only in JSON.
    const unreadable = this.part === 'body' ? unreadableParts(value) : [];
    if (parsed.success && unreadable.length === 0) return { ok: true, data: parsed.data };
    const issues = parsed.success ? [] : parsed.error.issues;
    // A key the schema does not know is a problem at that key, one per key, not at the object holding them.
    const schemaProblems = issues.flatMap((issue) =>
      (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map((path) => ({
        path: this.part === 'body' ? jsonPath(path) : `${this.part}:${partPath(path)}`,
        code: issue.code,
        message: issue.code === 'unrecognized_keys' ? (this.part === 'body' ? 'not a field this body takes' : 'not a parameter this request takes') : this.messageOf(issue, value),
      })),
    );
    // A key already reported as unreadable ("__proto__") is not reported again as one the schema does not know.
    const reported = new Set(unreadable.map((problem) => problem.path));
    return { ok: false, problems: [...unreadable, ...schemaProblems.filter((problem) => problem.code !== 'unrecognized_keys' || !reported.has(problem.path))] };
  }

  /**
   * A wrong type said as a client reads JSON ("must be a whole number, not a fraction"), not in zod's terms
   * ("expected int, received number"); and where zod would name a type the client did not mean to send, what it
   * did mean: a parameter given twice, no body at all. Query and path values are always strings, so one of them
   * missing is just "required".
   */
  private messageOf(issue: z.core.$ZodIssue, value: unknown): string {
    if (issue.code !== 'invalid_type') return issue.message;
    if (this.part === 'body' && issue.path.length === 0 && (value === undefined || value === null)) return `${value === null ? 'the body is null' : 'there is no body'}: send a JSON object`;
    const given = this.part === 'query' && issue.path.length === 1 ? (value as Record<PropertyKey, unknown> | undefined)?.[issue.path[0]] : undefined;
    if (Array.isArray(given)) return `given ${given.length} times: send it once`;
    const wanted = WANTED[issue.expected];
    if (!wanted) return issue.message;
    const sent = jsonTypeOf(value, issue.path, issue.expected);
    if (sent === undefined) return this.part === 'body' ? `required: ${wanted}` : 'required';
    return sent === TOO_LARGE ? `${TOO_LARGE}: send ${wanted} of a sensible size` : `must be ${wanted}, not ${sent}`;
  }
}

const TOO_LARGE = 'a number too large to hold';

/** Zod's type names as a client reads JSON. */
const WANTED: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a JSON object',
  record: 'a JSON object',
  array: 'a JSON array',
};

/**
 * What the client sent at `path`, named as JSON names it; undefined where nothing was. A number is "a fraction"
 * only where a whole number was wanted, and one JSON.parse read as Infinity (1e400) is too large to be held.
 */
function jsonTypeOf(root: unknown, path: readonly PropertyKey[], expected: string): string | undefined {
  const value = path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), root);
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return !Number.isFinite(value) ? TOO_LARGE : expected === 'int' && !Number.isInteger(value) ? 'a fraction' : 'a number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export type RequestPart = 'body' | 'query' | 'params';

type Checked<T> = { ok: true; data: T } | { ok: false; problems: ProblemItem[] };

const CHECKED = new WeakMap<object, { pipe: ZodPipe<z.ZodType>; checked: Checked<unknown> }>();

const PART_CODE = { params: 'InvalidPath', query: 'InvalidQuery', body: 'InvalidBody' } as const;
const PART_NAME = { params: 'path', query: 'query', body: 'body' } as const;

/**
 * The 400 for the parts of a request that are not valid, in the order given: one part keeps its own code. A body of
 * thousands of unknown fields is answered with PROBLEMS_LISTED of them, not thousands of problems.
 */
export function invalidRequest(failed: readonly { part: RequestPart; problems: readonly ProblemItem[] }[]): ProblemException {
  const problems = failed.flatMap((f) => f.problems);
  // Each part keeps its share, so the body's problems are not all left out behind a query's.
  const listed = problems.length <= PROBLEMS_LISTED ? problems : failed.flatMap((f) => f.problems.slice(0, Math.floor(PROBLEMS_LISTED / failed.length)));
  const count = problems.length === listed.length ? `${problems.length} problem(s)` : `more problems than one answer lists; ${listed.length} listed`;
  if (failed.length === 1) return new ProblemException(400, PART_CODE[failed[0].part], `the request ${PART_NAME[failed[0].part]} is not valid: ${count}`, listed);
  const parts = failed.map((f) => PART_NAME[f.part]);
  return new ProblemException(400, 'InvalidRequest', `the request is not valid: ${count}, in its ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`, listed);
}

/** Read by code points, half a pair stands alone as a surrogate (Cs); a whole pair is one character of another plane. */
const LONE_SURROGATE = /\p{Cs}/u;

const ILL_FORMED = { code: 'ill_formed_unicode', message: 'holds half a surrogate pair (such as \\ud800), which is no character' };
// A map such as `allocations` would drop it without a word (zod's records skip it), and no field is named so.
const PROTO_KEY = { code: 'forbidden_key', message: 'a key named __proto__ is not taken' };

/**
 * What a JSON body may hold that no schema can read: half a surrogate pair ("\ud800", which JSON may escape, is
 * no character: it cannot be stored as UTF-8, nor become an id), in a value or a key, and a key "__proto__".
 * Without recursion, and without copying paths on the way down: a body may nest deeper than the stack, and as
 * deep as its size allows.
 */
function unreadableParts(body: unknown): { path: string; code: string; message: string }[] {
  const found: { path: string; code: string; message: string }[] = [];
  const report = (place: JsonPlace | null, problem: { code: string; message: string }) => found.push({ path: jsonPath(pathOf(place)), ...problem });
  const pending: [unknown, JsonPlace | null][] = [[body, null]];
  // Past what one answer lists, more would only be work: ten thousand of them under a long key once took minutes.
  for (let next = pending.pop(); next && found.length <= PROBLEMS_LISTED; next = pending.pop()) {
    const [value, place] = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) report(place, ILL_FORMED);
    } else if (typeof value === 'object' && value !== null) {
      const array = Array.isArray(value);
      const children: [unknown, JsonPlace][] = [];
      for (const [key, item] of Object.entries(value)) {
        const at: JsonPlace = { parent: place, key: array ? Number(key) : key };
        if (!array && LONE_SURROGATE.test(key)) report(at, ILL_FORMED);
        else if (!array && key === '__proto__') report(at, PROTO_KEY);
        else children.push([item, at]);
      }
      // Taken off the stack in the body's order, so that the problems listed are the body's first.
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
    }
  }
  return found;
}

/** A query or path parameter's place: its name, shortened as a body's field names are, and `""` for a name left empty (`?=x`). */
function partPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(all)';
  return path.map((segment) => shownName(String(segment)) || '""').join('.');
}
