import { ProblemException } from '../../http/problem';
import type { AuditPage } from './audit.query';
import type { ProgrammeQueries } from './programme.queries';

// What a read of a programme requires before it is answered, shared by the read and export handlers: each says
// which parameter is wrong, as a problem at it.

export function mustExist(queries: ProgrammeQueries, programmeId: string): void {
  if (!queries.exists(programmeId)) throw new ProblemException(404, 'ProgrammeNotFound', `no programme ${programmeId}`);
}

/** The audit trail, or a 404 for a filter naming a decision or a measure that is nowhere, not an empty trail (ProgrammeQueries.audit). */
export function trailFound(programmeId: string, answer: ReturnType<ProgrammeQueries['audit']>): AuditPage {
  if (!('unknownFilters' in answer)) return answer;
  const problems = answer.unknownFilters.map((name) =>
    name === 'measure'
      ? { path: 'query:measure', code: 'MeasureNotFound', message: `no measure of programme ${programmeId} has had this id or number` }
      : { path: 'query:decision', code: 'DecisionNotFound', message: 'no decision with this id in the register' },
  );
  throw new ProblemException(404, problems.length === 1 ? problems[0].code : 'NotFound', problems.map((p) => `${p.path.slice('query:'.length)}: ${p.message}`).join('; '), problems);
}

/**
 * What will be known at a later instant is not known yet: a view "as known" then would change with every
 * write until then, and sending its `knownAt` back would not give the same view. And before the programme was
 * first recorded nothing of it was known: a 404 that says so, not that it was not in force on some date.
 */
export function mustBeKnowable(queries: ProgrammeQueries, programmeId: string, knownAt: string | undefined): void {
  if (knownAt === undefined) return;
  const latest = queries.latestKnowable();
  if (knownAt > latest) {
    throw new ProblemException(400, 'KnownAtInFuture', `knownAt ${knownAt} has not come yet (it is ${latest})`, [
      { path: 'query:knownAt', code: 'KnownAtInFuture', message: 'an instant no later than now' },
    ]);
  }
  const first = queries.firstRecordedAt(programmeId);
  if (first !== undefined && knownAt < first) {
    const detail = `programme ${programmeId} was first recorded at ${first}: at ${knownAt} nothing of it was known`;
    throw new ProblemException(404, 'ProgrammeNotKnownYet', detail, [{ path: 'query:knownAt', code: 'ProgrammeNotKnownYet', message: `an instant at or after ${first}` }]);
  }
}

/**
 * `asOf`: the date, or the dates (a comparison's two ends), it is not in force on; `where`: the query parameters
 * that chose them (none for the default, today as known now).
 */
export function notInForce(programmeId: string, asOf: string | readonly string[], where: readonly string[] = []): ProblemException {
  const detail = [...new Set([asOf].flat())].map((date) => `programme ${programmeId} is not in force on ${date} (as known then)`).join('; ');
  return new ProblemException(404, 'ProgrammeNotInForce', detail, [...new Set(where)].map((path) => ({ path, code: 'ProgrammeNotInForce', message: detail })));
}

/** The parameters that chose a view's point on the two axes. */
export function pointParameters(asOf: string | undefined, knownAt: string | undefined, asOfName = 'asOf'): string[] {
  return [...(asOf === undefined ? [] : [`query:${asOfName}`]), ...(knownAt === undefined ? [] : ['query:knownAt'])];
}
