import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONTENT_VALIDATED_ROUTES } from './content-etag';
import { readInstant } from './schemas';

/**
 * What a browser, a portal's proxy or a CDN may keep. A view pinned on both axes — every date it depends on given,
 * `knownAt` among them — never changes: history known by an instant stays as it was. Anything else may change with
 * the next write (or the next day in Kyiv, or a unit renamed), and is not kept at all: the view's ETag is its
 * revision (for If-Match), which those changes leave as it was, so a cache that kept the answer and revalidated it
 * would find the new body under the old ETag and could answer 304 to a client holding the old one. What needs a
 * token, and every problem, is not kept either. The open-data sets carry an ETag of their content instead, and may
 * be kept and asked again.
 */
export const CACHE_CONTROL = {
  pinned: 'public, max-age=86400, immutable',
  changing: 'no-store',
  /** Outside the API (the docs page and its assets, health, metrics) no ETag is a revision: kept, and asked again each time. */
  outside: 'no-cache',
  /** The open-data sets: their ETag names their content (content-etag.ts), so a cache may keep them and ask again each time. */
  contentValidated: 'no-cache',
  private: 'private, no-store',
  none: 'no-store',
} as const;

/** The routes that can be pinned, with the query parameters that pin them (any left out means "today" or "now"). */
const PINNED_BY = new Map<string, readonly string[]>([
  ['/api/v1/programmes/:id', ['asOf', 'knownAt']],
  ['/api/v1/programmes/:id/export', ['asOf', 'knownAt']],
  ['/api/v1/programmes/:id/versions', ['knownAt']],
  ['/api/v1/programmes/:id/versions/:decisionId', ['knownAt']],
  ['/api/v1/programmes/:id/diff', ['knownAt']],
  ['/api/v1/programmes/:id/diff/export', ['knownAt']],
]);

/**
 * `heldUpTo`: the record time up to which the read models hold every event. A `knownAt` before it is history
 * settled — the log runs in record order, so nothing recorded by then can still arrive — while one at or after
 * it may yet gain an event being appended, or one the read models have not folded yet.
 */
export function cacheControlFor(request: FastifyRequest, reply: FastifyReply, heldUpTo: () => string | null): string {
  if (reply.statusCode >= 400 || (request.method !== 'GET' && request.method !== 'HEAD')) return CACHE_CONTROL.none;
  if (request.headers.authorization !== undefined) return CACHE_CONTROL.private;
  if (!request.url.startsWith('/api/')) return CACHE_CONTROL.outside;
  if (CONTENT_VALIDATED_ROUTES.has(request.routeOptions.url ?? '')) return CACHE_CONTROL.contentValidated;
  const pinnedBy = PINNED_BY.get(request.routeOptions.url ?? '');
  const query = request.query as Record<string, unknown>;
  if (!pinnedBy || !pinnedBy.every((name) => typeof query[name] === 'string')) return CACHE_CONTROL.changing;
  const held = heldUpTo();
  // Read as the view reads it (a date alone is its midnight in Kyiv, not in UTC).
  const knownAt = readInstant(query.knownAt as string);
  return held !== null && 'instant' in knownAt && Date.parse(knownAt.instant) < Date.parse(held) ? CACHE_CONTROL.pinned : CACHE_CONTROL.changing;
}
