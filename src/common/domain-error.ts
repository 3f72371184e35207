/**
 * Errors are values inside the domain. `kind` decides the HTTP status at the edge:
 * invalid → 400, not-found → 404, conflict → 409.
 */
export interface DomainProblem {
  readonly code: string;
  readonly message: string;
  /** Where in the command the problem is, as a JSON path: ["changes", 2, "measure"]. */
  readonly path?: readonly (string | number)[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface DomainError {
  readonly kind: 'invalid' | 'not-found' | 'conflict';
  readonly code: string;
  readonly message: string;
  readonly problems: readonly DomainProblem[];
}

export function domainError(kind: DomainError['kind'], code: string, message: string, problems: readonly DomainProblem[] = []): DomainError {
  return { kind, code, message, problems };
}

export function isDomainError(value: unknown): value is DomainError {
  return typeof value === 'object' && value !== null && 'kind' in value && 'problems' in value && !Array.isArray(value);
}
