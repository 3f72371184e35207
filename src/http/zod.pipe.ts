import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { jsonPath, ProblemException } from './problem';

/**
 * Validates a request part with its zod schema — the same schema the OpenAPI document is generated from —
 * and lists every issue with its JSON path. The handler receives the parsed value.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly part: 'body' | 'query' | 'params' = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value ?? (this.part === 'body' ? undefined : {}));
    // JSON may escape half a surrogate pair ("\ud800"), which is no character: it cannot be stored as UTF-8, nor
    // become an id. Query and path text is percent-decoded, which never yields one.
    const illFormed = this.part === 'body' ? illFormedStrings(value) : [];
    if (parsed.success && illFormed.length === 0) return parsed.data;
    const issues = parsed.success ? [] : parsed.error.issues;
    throw new ProblemException(
      400,
      this.part === 'body' ? 'InvalidBody' : this.part === 'query' ? 'InvalidQuery' : 'InvalidPath',
      `the request ${this.part === 'params' ? 'path' : this.part} is not valid: ${issues.length + illFormed.length} problem(s)`,
      [
        ...illFormed.map((path) => ({ path: jsonPath(path), code: 'ill_formed_unicode', message: 'holds half a surrogate pair (such as \\ud800), which is no character' })),
        // A key the schema does not know is a problem at that key, one per key, not at the object holding them.
        ...issues.flatMap((issue) =>
          (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map((path) => ({
            path: this.part === 'body' ? jsonPath(path) : `${this.part}:${path.join('.') || '(all)'}`,
            code: issue.code,
            message: issue.code === 'unrecognized_keys' ? (this.part === 'body' ? 'not a field this body takes' : 'not a parameter this request takes') : issue.message,
          })),
        ),
      ],
    );
  }
}

/** Read by code points, half a pair stands alone as a surrogate (Cs); a whole pair is one character of another plane. */
const LONE_SURROGATE = /\p{Cs}/u;

/** A place in the body, linked to its parent: a path costs nothing until one is reported. */
interface Place {
  readonly parent: Place | null;
  readonly key: PropertyKey;
}

const pathOf = (place: Place | null): PropertyKey[] => {
  const path: PropertyKey[] = [];
  for (let at = place; at; at = at.parent) path.push(at.key);
  return path.reverse();
};

/**
 * The paths of every string (value or key) that is not well-formed UTF-16. Without recursion, and without
 * copying paths on the way down: a body may nest deeper than the stack, and as deep as its size allows.
 */
function illFormedStrings(body: unknown): PropertyKey[][] {
  const found: PropertyKey[][] = [];
  const pending: [unknown, Place | null][] = [[body, null]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, place] = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) found.push(pathOf(place));
    } else if (typeof value === 'object' && value !== null) {
      const array = Array.isArray(value);
      for (const [key, item] of Object.entries(value)) {
        const at: Place = { parent: place, key: array ? Number(key) : key };
        if (!array && LONE_SURROGATE.test(key)) found.push(pathOf(at));
        else pending.push([item, at]);
      }
    }
  }
  return found.reverse();
}
