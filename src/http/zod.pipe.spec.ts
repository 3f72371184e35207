import { z } from 'zod';
import { ProblemException } from './problem';
import { invalidRequest, ZodPipe } from './zod.pipe';

describe('ZodPipe', () => {
  it('parses a part once: the request guard checks it first, and the pipe then takes that result', () => {
    // given a schema that counts its runs, and a query object as Fastify hands it over
    let runs = 0;
    const pipe = new ZodPipe(z.object({ asOf: z.string() }).transform((query) => ((runs += 1), query)), 'query');
    const query = { asOf: '2025-06-01' };

    // when the guard checks it and the pipe transforms it
    pipe.check(query);
    const parsed = pipe.transform(query);

    // then
    expect(parsed).toEqual({ asOf: '2025-06-01' });
    expect(runs).toBe(1);
    // while another request's object, or another pipe, is parsed afresh
    pipe.transform({ asOf: '2025-06-02' });
    new ZodPipe(z.object({ asOf: z.string() }).transform((q) => ((runs += 1), q)), 'query').transform(query);
    expect(runs).toBe(3);
  });

  it('refuses a part that is not valid with every problem at its path, whether checked before or not', () => {
    const pipe = new ZodPipe(z.object({ year: z.number(), title: z.string() }).strict());
    const body = { year: '2025', colour: 'blue' };
    expect(pipe.check(body)).toEqual({ ok: false, problems: expect.any(Array) });
    let error: unknown;
    try {
      pipe.transform(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemException);
    const { status, code, problems } = error as ProblemException;
    expect({ status, code, paths: problems.map((p) => p.path).sort() }).toEqual({ status: 400, code: 'InvalidBody', paths: ['$.colour', '$.title', '$.year'] });
  });

  it('says a query parameter given twice is to be sent once, and a missing body is to be sent, where zod would name the type it got', () => {
    // given a query with asOf twice, and a write with no body at all
    const query = new ZodPipe(z.object({ asOf: z.string().optional(), knownAt: z.string().optional() }).strict(), 'query');
    const body = new ZodPipe(z.object({ reason: z.string() }).strict());

    // then
    expect(query.check({ asOf: ['2025-01-01', '2025-02-01'], knownAt: 5 })).toEqual({
      ok: false,
      problems: [
        { path: 'query:asOf', code: 'invalid_type', message: 'given 2 times: send it once' },
        { path: 'query:knownAt', code: 'invalid_type', message: 'must be a string, not a number' },
      ],
    });
    expect(body.check(undefined)).toEqual({ ok: false, problems: [{ path: '$', code: 'invalid_type', message: 'there is no body: send a JSON object' }] });
    expect(body.check(null)).toEqual({ ok: false, problems: [{ path: '$', code: 'invalid_type', message: 'the body is null: send a JSON object' }] });
  });

  it('names the type a field must have as JSON does, and what was sent instead', () => {
    const body = new ZodPipe(
      z.object({ year: z.number().int(), to: z.number().int(), session: z.number().int(), title: z.string(), number: z.string(), changes: z.array(z.string()), allocations: z.record(z.string(), z.string()), draft: z.boolean() }).strict(),
    );
    const result = body.check({ year: 2025.5, to: Infinity, session: '31', number: 1.5, changes: {}, allocations: [], draft: 'yes' });
    expect(result.ok ? [] : result.problems.map((p) => [p.path, p.message])).toEqual([
      ['$.year', 'must be a whole number, not a fraction'],
      ['$.to', 'a number too large to hold: send a number of a sensible size'],
      ['$.session', 'must be a number, not a string'],
      ['$.title', 'required: a string'],
      ['$.number', 'must be a string, not a number'],
      ['$.changes', 'must be a JSON array, not an object'],
      ['$.allocations', 'must be a JSON object, not an array'],
      ['$.draft', 'must be true or false, not a string'],
    ]);
    // a query or path value is a string whenever it is there
    const query = new ZodPipe(z.object({ from: z.string() }).strict(), 'query');
    expect(query.check({})).toEqual({ ok: false, problems: [{ path: 'query:from', code: 'invalid_type', message: 'required' }] });
  });
});

describe('invalidRequest', () => {
  const problems = (part: string, count: number) => Array.from({ length: count }, (_, i) => ({ path: `${part}:${i}`, code: 'x', message: 'x' }));

  it('given problems one answer can list, then it lists them all and counts them', () => {
    const answer = invalidRequest([{ part: 'body', problems: problems('body', 100) }]);
    expect([answer.detail, answer.problems.length]).toEqual(['the request body is not valid: 100 problem(s)', 100]);
  });

  it('given more, then each failing part keeps its share, so one part does not hide another', () => {
    const answer = invalidRequest([
      { part: 'query', problems: problems('query', 101) },
      { part: 'body', problems: problems('body', 3) },
    ]);
    expect(answer.detail).toBe('the request is not valid: more problems than one answer lists; 53 listed, in its query and body');
    expect(answer.problems.filter((p) => p.path?.startsWith('body:'))).toHaveLength(3);
  });
});
