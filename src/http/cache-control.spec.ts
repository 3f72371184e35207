import type { FastifyReply, FastifyRequest } from 'fastify';
import { cacheControlFor } from './cache-control';

const KNOWN_AT = '2025-06-01T10:00:00.000Z';
/** The read models hold every event up to a later instant: nothing recorded by KNOWN_AT can still arrive. */
const LATER = '2025-06-01T10:00:00.001Z';

function cacheControl(route: string, query: Record<string, unknown>, heldUpTo: string | null, options: { status?: number; method?: string; token?: boolean } = {}) {
  const request = { method: options.method ?? 'GET', url: route, headers: options.token ? { authorization: 'Bearer x' } : {}, routeOptions: { url: route }, query } as unknown as FastifyRequest;
  const reply = { statusCode: options.status ?? 200 } as FastifyReply;
  return cacheControlFor(request, reply, () => heldUpTo);
}

describe('cacheControlFor', () => {
  it('given a view with asOf and a knownAt the read models have passed, then caches may keep it', () => {
    expect(cacheControl('/api/v1/programmes/:id', { asOf: '2025-01-01', knownAt: KNOWN_AT }, LATER)).toBe('public, max-age=86400, immutable');
    expect(cacheControl('/api/v1/programmes/:id/diff', { from: '2025-01-01', to: 'd-1', knownAt: KNOWN_AT }, LATER)).toBe('public, max-age=86400, immutable');
  });

  it('given a knownAt the read models have not passed, then it is not kept: an append in flight, or one not folded yet, may still land before it', () => {
    expect(cacheControl('/api/v1/programmes/:id', { asOf: '2025-01-01', knownAt: KNOWN_AT }, KNOWN_AT)).toBe('no-store');
    expect(cacheControl('/api/v1/programmes/:id', { asOf: '2025-01-01', knownAt: KNOWN_AT }, null)).toBe('no-store');
  });

  it('given a knownAt as a date alone, then it is read as the view reads it, its midnight in Kyiv (22:00 UTC the day before, in winter)', () => {
    const pinning = { asOf: '2025-01-01', knownAt: '2025-12-08' };
    expect(cacheControl('/api/v1/programmes/:id', pinning, '2025-12-07T22:00:00.001Z')).toBe('public, max-age=86400, immutable');
    expect(cacheControl('/api/v1/programmes/:id', pinning, '2025-12-07T22:00:00.000Z')).toBe('no-store');
  });

  it('given a date left to "today" or "now", then it is not kept', () => {
    expect(cacheControl('/api/v1/programmes/:id', { knownAt: KNOWN_AT }, LATER)).toBe('no-store');
    expect(cacheControl('/api/v1/programmes/:id/export', { asOf: '2025-01-01' }, LATER)).toBe('no-store');
    expect(cacheControl('/api/v1/programmes/:id/versions', { knownAt: [KNOWN_AT, KNOWN_AT] }, LATER)).toBe('no-store');
  });

  it('given a route no date pins, then it is not kept', () => {
    expect(cacheControl('/api/v1/decisions', { knownAt: KNOWN_AT, asOf: '2025-01-01' }, LATER)).toBe('no-store');
  });

  it('given an open-data set, whose ETag names its content, then it may be kept and asked again; with a token, not kept', () => {
    expect(cacheControl('/api/v1/opendata/programmes.csv', {}, LATER)).toBe('no-cache');
    expect(cacheControl('/api/v1/opendata/amendments.csv', {}, null)).toBe('no-cache');
    expect(cacheControl('/api/v1/opendata/amendments.csv', {}, LATER, { token: true })).toBe('private, no-store');
  });

  it('given a read outside the API (the docs page and document, health), then it may be kept and asked again: no ETag there is a revision', () => {
    expect(cacheControl('/docs-json', {}, LATER)).toBe('no-cache');
    expect(cacheControl('/health', {}, LATER)).toBe('no-cache');
  });

  it('given a token, a problem or a write, then nothing is kept', () => {
    const pinning = { asOf: '2025-01-01', knownAt: KNOWN_AT };
    expect(cacheControl('/api/v1/programmes/:id', pinning, LATER, { token: true })).toBe('private, no-store');
    expect(cacheControl('/api/v1/programmes/:id', pinning, LATER, { status: 404 })).toBe('no-store');
    expect(cacheControl('/api/v1/programmes/:id/amendments', {}, LATER, { method: 'POST', status: 201 })).toBe('no-store');
  });
});
