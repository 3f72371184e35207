import { parse as parseContentType } from 'content-type';
import type { FastifyRequest } from 'fastify';
import { checkNames } from './json-names';
import { jsonPath, ProblemException, PROBLEMS_LISTED } from './problem';

/** Refuses bytes that are not UTF-8 instead of replacing them; drops a leading byte-order mark. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Far past any body of this API (an amendment's allocations are its 6th level): deeper text is no request, only work for the server. */
const DEEPEST_BODY = 32;

/**
 * The API's JSON body parser, in place of Fastify's. JSON.parse's own message says where a body stops being JSON.
 * A key "__proto__" is read as an ordinary key (it sets no prototype), which the body pipe then refuses at its path
 * (ZodPipe), instead of the whole body being called "not valid JSON". A byte-order mark, which some editors and
 * shells write, is no part of it (the decoder drops it). Bytes that are not UTF-8 are said to be so: read as a
 * string, they became replacement characters and Fastify then said the body's size did not match its Content-Length.
 */
export function parseJsonBody(request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void): void {
  // No route takes the request: its answer is the 404 or 405 for the path and method, whatever the body holds.
  if (request.is404) {
    done(null, undefined);
    return;
  }
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    const detail = `the body is sent ${encoding}-encoded; the API reads it as sent, unencoded`;
    done(new ProblemException(415, 'UnsupportedContentEncoding', detail, [{ path: 'header:Content-Encoding', code: 'UnsupportedContentEncoding', message: detail }]), undefined);
    return;
  }
  const charsetProblem = jsonCharsetProblem(request.headers['content-type']);
  if (charsetProblem) {
    done(charsetProblem, undefined);
    return;
  }
  const malformed = (detail: string) => done(new ProblemException(400, 'MalformedRequest', detail, [{ path: '$', code: 'MalformedRequest', message: detail }]), undefined);
  let text: string;
  try {
    text = UTF8.decode(body as Buffer);
  } catch {
    malformed('the body is not UTF-8 text, which JSON must be');
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    malformed(text === '' ? 'the body is empty, and its Content-Type says JSON' : `the body is not JSON: ${(error as Error).message}`);
    return;
  }
  // A body of thousands of repeats is not answered with thousands of problems: the first ones say what to mend.
  const names = checkNames(text, { atMost: PROBLEMS_LISTED + 1, deepest: DEEPEST_BODY });
  if ('nestedDeeperThan' in names) {
    const detail = `the body nests deeper than ${DEEPEST_BODY} levels; no request of this API nests more than 6`;
    done(new ProblemException(400, 'NestedTooDeep', detail, [{ path: '$', code: 'NestedTooDeep', message: detail }]), undefined);
    return;
  }
  const { repeated } = names;
  if (repeated.length > 0) {
    const problems = repeated.slice(0, PROBLEMS_LISTED).map((path) => ({ path: jsonPath(path), code: 'RepeatedName', message: 'given twice in one object: JSON would keep only the last' }));
    const detail = repeated.length > PROBLEMS_LISTED ? `the body gives more than ${PROBLEMS_LISTED} fields twice in one object; the first ${PROBLEMS_LISTED} are listed` : `the body gives ${problems.length} field(s) twice in one object`;
    done(new ProblemException(400, 'RepeatedName', detail, problems), undefined);
    return;
  }
  done(null, parsed);
}

/** Charsets a JSON body may be declared in: UTF-8, and ASCII, which is UTF-8 too. */
const JSON_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * JSON is UTF-8 (RFC 8259 §8.1): a body declared in another charset would be read as what it is not (415). A
 * Content-Type whose parameters cannot be read is a 400 at the header, rather than guessed at.
 */
function jsonCharsetProblem(header: string | undefined): ProblemException | undefined {
  let charset: string | undefined;
  try {
    // RFC 9110 §5.6.6 allows empty parameters ("application/json;", ";;"), which the package (RFC 7231's) does not.
    charset = parseContentType((header ?? '').replace(/;[ \t]*(?=;|$)/g, '')).parameters.charset;
  } catch (error) {
    const detail = `the Content-Type header cannot be read: ${(error as Error).message}`;
    return new ProblemException(400, 'MalformedRequest', detail, [{ path: 'header:Content-Type', code: 'MalformedRequest', message: detail }]);
  }
  if (charset === undefined || JSON_CHARSETS.has(charset.toLowerCase())) return undefined;
  const detail = `the body is declared ${charset}; JSON is UTF-8, and the API reads it so (send charset=utf-8, or none)`;
  return new ProblemException(415, 'UnsupportedCharset', detail, [{ path: 'header:Content-Type', code: 'UnsupportedCharset', message: detail }]);
}
