import type { DomainError, DomainProblem } from '../common/domain-error';

/** RFC 9457 problem details, with every problem listed and located by a JSON path. */
export interface ProblemItem {
  /** "$.changes[2].measure" */
  readonly path?: string;
  readonly code: string;
  readonly message: string;
  readonly [detail: string]: unknown;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly problems: readonly ProblemItem[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Refusals of what the request says (DESIGN §7: every problem with its JSON path) that name no part of it
 * themselves: a malformed, too large or reused request is about its body as a whole ("$"), an unsupported one
 * about its Content-Type. Other refusals (a token, an id in the URL, a conflict with the stored state, the
 * rate) name their part themselves, or none.
 */
const WHERE_BY_STATUS: Readonly<Record<number, string>> = { 400: '$', 413: '$', 415: 'header:Content-Type', 422: '$' };

/** An id nobody registered is one of the path's: the problem names which, as a body's problems name their field. */
const WHERE_BY_CODE: Readonly<Record<string, string>> = {
  ProgrammeNotFound: 'params:id',
  DecisionNotFound: 'params:id',
  ExecutorNotFound: 'params:id',
  AmendmentNotFound: 'params:amendmentId',
  VersionNotFound: 'params:decisionId',
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The most problems one answer lists: enough for any request typed by hand, and a bound on the answer to one that is not. */
export const PROBLEMS_LISTED = 100;
const NAME_SHOWN = 200;

/** Thrown at the edge; the problem filter writes it as application/problem+json. */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problems: readonly ProblemItem[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }

  body(instance?: string, requestId?: string): ProblemBody {
    return {
      type: `urn:programme-tracker:problem:${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
      problems: this.problems.length > 0 ? this.problems : [{ code: this.code, message: this.detail, ...this.where() }],
    };
  }

  private where(): { path?: string } {
    const path = (this.status === 404 ? WHERE_BY_CODE[this.code] : undefined) ?? WHERE_BY_STATUS[this.status];
    return path === undefined ? {} : { path };
  }
}

/**
 * A place in a JSON value, linked to the one that holds it (null: the value itself): a walk over a deep value makes
 * one of these per level and the path (pathOf) only where there is something to report.
 */
export interface JsonPlace {
  readonly parent: JsonPlace | null;
  readonly key: PropertyKey;
}

/** The keys from the value down to `place`, for jsonPath. */
export function pathOf(place: JsonPlace | null): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at = place; at; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** A name as long as a body (or a URL) would make each problem at it as long: its start is enough to find it. */
export function shownName(name: string): string {
  return name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}…` : name;
}

/** ["changes", 2, "measure"] → "$.changes[2].measure" */
export function jsonPath(segments: readonly PropertyKey[] = []): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    const name = shownName(String(segment));
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
  }, '$');
}

const STATUS_OF_KIND: Record<DomainError['kind'], number> = { invalid: 400, 'not-found': 404, conflict: 409 };

export function fromDomainError(error: DomainError, prefix: readonly (string | number)[] = []): ProblemException {
  const status = error.code === 'IdempotencyKeyReused' ? 422 : STATUS_OF_KIND[error.kind];
  return new ProblemException(
    status,
    error.code,
    error.message,
    error.problems.map((p: DomainProblem) => ({
      ...(p.details ?? {}),
      ...(p.path ? { path: p.path[0] === 'Idempotency-Key' ? 'header:Idempotency-Key' : jsonPath([...prefix, ...p.path]) } : {}),
      code: p.code,
      message: p.message,
    })),
  );
}
