import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What a browser, a portal's proxy or a CDN may keep. A view pinned on both axes — every date it depends on given,
 * `knownAt` among them — never changes: history known by an instant stays as it was. Anything else may change with
 * the next write (or the next day in Kyiv), and the ETag is a revision, not the content, so there is no 304 to
 * revalidate with: such answers are fetched again each time. What needs a token, and every problem, is not kept.
 */
export const CACHE_CONTROL = {
  pinned: 'public, max-age=86400, immutable',
  changing: 'no-cache',
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
 * A `knownAt` this recent may still gain an event being appended or not yet in the read models: only an older
 * one is history settled.
 */
export const SETTLED_AFTER_MS = 60_000;

export function cacheControlFor(request: FastifyRequest, reply: FastifyReply, now: number): string {
  if (reply.statusCode >= 400 || (request.method !== 'GET' && request.method !== 'HEAD')) return CACHE_CONTROL.none;
  if (request.headers.authorization !== undefined) return CACHE_CONTROL.private;
  const pinnedBy = PINNED_BY.get(request.routeOptions.url ?? '');
  const query = request.query as Record<string, unknown>;
  if (!pinnedBy || !pinnedBy.every((name) => typeof query[name] === 'string')) return CACHE_CONTROL.changing;
  const knownAt = Date.parse(query.knownAt as string);
  return now - knownAt >= SETTLED_AFTER_MS ? CACHE_CONTROL.pinned : CACHE_CONTROL.changing;
}
