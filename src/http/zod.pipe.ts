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
    if (parsed.success) return parsed.data;
    throw new ProblemException(
      400,
      this.part === 'body' ? 'InvalidBody' : this.part === 'query' ? 'InvalidQuery' : 'InvalidPath',
      `the request ${this.part === 'params' ? 'path' : this.part} is not valid: ${parsed.error.issues.length} problem(s)`,
      // A key the schema does not know is a problem at that key, one per key, not at the object holding them.
      parsed.error.issues.flatMap((issue) =>
        (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]).map((path) => ({
          path: this.part === 'body' ? jsonPath(path) : `${this.part}:${path.join('.') || '(all)'}`,
          code: issue.code,
          message: issue.code === 'unrecognized_keys' ? (this.part === 'body' ? 'not a field this body takes' : 'not a parameter this request takes') : issue.message,
        })),
      ),
    );
  }
}
