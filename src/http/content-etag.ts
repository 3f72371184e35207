import { createHash } from 'node:crypto';

/**
 * The reads whose ETag names their content rather than a revision: the open-data sets, which portals harvest again
 * and again and which change only when a programme or an act does. A harvester sends the ETag back in
 * If-None-Match and gets a 304 with no body while the set is unchanged.
 */
export const CONTENT_VALIDATED_ROUTES: ReadonlySet<string> = new Set(['/api/v1/opendata/programmes.csv', '/api/v1/opendata/amendments.csv']);

/**
 * Weak (RFC 9110 §8.8.1): it is taken of the body before compression, so the packed and the unpacked answer share it,
 * which only a weak validator may do.
 */
export function contentETag(body: string | Buffer): string {
  return `W/"${createHash('sha1').update(body).digest('base64url')}"`;
}

/**
 * Whether If-None-Match names the answer (RFC 9110 §13.1.2): `*`, or a list of which one entity tag equals it by the
 * weak comparison (the opaque parts alike, W/ or not). A header that lists no entity tag names nothing. Read leniently:
 * a quoted tag anywhere counts (after a lower-case `w/` too): one equal to the set's hash can only have come from this
 * set's answer.
 */
export function noneMatchNames(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => opaque(tag) === opaque(etag));
}
