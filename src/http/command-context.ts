import type { FastifyReply, FastifyRequest } from 'fastify';
import { type CommandContext, requestFingerprint } from '../event-store/aggregate.repository';
import { idempotencyKeySchema } from './openapi';
import { ProblemException } from './problem';
import { formatPosition, type Position } from '../event-store/event-store.port';
import type { ProjectionRunner } from '../projections/projection.runner';

/** RFC 9110's entity-tag: an opaque tag (visible characters but the quote, between quotes), W/ before a weak one. */
const ENTITY_TAG = '(?:W/)?"[\\x21\\x23-\\x7e]*"';
const ENTITY_TAGS = new RegExp(ENTITY_TAG, 'g');
/** RFC 9110 §5.6.1.2: a list's empty elements ("12",,"13") are ignored. */
const TAG_LIST = new RegExp(`^(?:,[ \\t]*)*${ENTITY_TAG}(?:(?:[ \\t]*,)+[ \\t]*${ENTITY_TAG})*(?:[ \\t]*,)*$`);
/** A revision is written without leading zeros: "046" is no ETag this API gives, though it reads as 46. */
const REVISION_TAG = /^"(0|[1-9]\d{0,14})"$/;

/**
 * If-Match (RFC 9110 §13.1.1): `*` asks only that the programme exist; a list of ETags, that it be at one of their
 * revisions. A weak ETag never matches in If-Match, nor does a well-formed one this API never gives; a list of
 * nothing else fails its precondition (412) here, before the programme is looked up, so even for one that does
 * not exist. Returns the revisions asked for (undefined: any).
 */
function parseIfMatch(header: string | undefined): readonly number[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  if (!TAG_LIST.test(value)) {
    throw new ProblemException(400, 'InvalidIfMatch', 'If-Match must be the ETag of the programme, e.g. "12", a list of them, or *', [
      { path: 'header:If-Match', code: 'invalid', message: 'an ETag such as "12"' },
    ]);
  }
  const tags = value.match(ENTITY_TAGS) ?? [];
  const revisions = [
    ...new Set(
      tags.flatMap((tag) => {
        const m = REVISION_TAG.exec(tag);
        return m ? [Number(m[1])] : [];
      }),
    ),
  ];
  if (revisions.length > 0) return revisions;
  const weak = tags.every((tag) => tag.startsWith('W/'));
  const message = weak ? 'a weak ETag never matches in If-Match: send the strong one, e.g. "12"' : `${value} is no programme's ETag: a programme's is its revision, e.g. "12"`;
  const code = weak ? 'WeakETag' : 'UnknownETag';
  throw new ProblemException(412, 'PreconditionFailed', message, [{ path: 'header:If-Match', code, message }]);
}

export function etag(revision: number): string {
  return `"${revision}"`;
}

/** Who acts, on behalf of which request, and how a retry is recognised. */
export function commandContext(request: FastifyRequest, body: unknown, options: { ifMatch?: boolean } = {}): CommandContext {
  const key = request.headers['idempotency-key'];
  const parsed = typeof key === 'string' ? idempotencyKeySchema.safeParse(key) : undefined;
  if (parsed && !parsed.success) {
    const [issue] = parsed.error.issues;
    throw new ProblemException(400, 'InvalidIdempotencyKey', `Idempotency-Key ${issue.message}`, [{ path: 'header:Idempotency-Key', code: issue.code, message: issue.message }]);
  }
  const idempotencyKey = parsed?.data;
  const ifMatchHeader = request.headers['if-match'] as string | undefined;
  // RFC 9110 has a server evaluate an If-Match it receives: one ignored would let the write a client made
  // conditional overwrite what it has not seen. Decisions and executors carry no ETag to send back.
  if (!options.ifMatch && ifMatchHeader !== undefined) {
    const message = 'this write is not conditional: If-Match is taken by a programme’s amendments and revocations, with the programme’s ETag';
    throw new ProblemException(400, 'IfMatchNotTaken', message, [{ path: 'header:If-Match', code: 'IfMatchNotTaken', message }]);
  }
  const ifMatch = options.ifMatch ? parseIfMatch(ifMatchHeader) : undefined;
  return {
    correlationId: String(request.id),
    actor: request.caller?.actor ?? 'anonymous',
    ...(ifMatch !== undefined ? { expectedRevisions: ifMatch } : {}),
    ...(idempotencyKey ? { idempotencyKey, requestHash: requestFingerprint({ url: request.url, body }) } : {}),
  };
}

/** What a write answers: the body, and whether it is the first answer given again for a retried request. */
export interface WriteResponse<T> {
  readonly body: T & { readonly revision: number; readonly position: string };
  readonly replayed: boolean;
}

/**
 * A write's answer, read-your-writes (DESIGN §6): given once the read models hold the write (or after a bounded
 * wait), with the stream revision (If-Match) and the log position (Read-After-Position) it reached.
 */
export async function answerWhenProjected<T>(runner: Pick<ProjectionRunner, 'waitFor'>, written: { revision: number; position: Position; replayed: boolean }, body: T): Promise<WriteResponse<T>> {
  await runner.waitFor(written.position);
  return { body: { ...body, revision: written.revision, position: formatPosition(written.position) }, replayed: written.replayed };
}

export function replayed<T>(reply: FastifyReply, response: WriteResponse<T>): WriteResponse<T>['body'] {
  if (response.replayed) void reply.header('idempotent-replayed', 'true');
  return response.body;
}
