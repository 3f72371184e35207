import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { comparePositions, type EventStore, type Position } from '../event-store/event-store.port';
import type { ProjectionRunner } from '../projections/projection.runner';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';

/** A write's `position` sent back on a read: the read waits until the read models hold that write. */
const READ_AFTER_HEADER = 'read-after-position';

/** The inverse of formatPosition: "42", or "commit/prepare" for EventStoreDB's positions. */
function parsePosition(text: string): Position | undefined {
  const m = /^(\d{1,16})(?:\/(\d{1,16}))?$/.exec(text.trim());
  if (!m) return undefined;
  const commit = Number(m[1]);
  const prepare = m[2] === undefined ? commit : Number(m[2]);
  return Number.isSafeInteger(commit) && Number.isSafeInteger(prepare) ? { commit, prepare } : undefined;
}

/**
 * Read-your-writes across requests: a write answers once its events are stored and, normally, projected; a
 * client that must see its write on the next read (even when the read models lag, or on another replica of
 * the read side) sends the write's position with the read. A read models still behind it after a brief wait
 * answer 503 rather than a view that silently lacks the write.
 */
export function readAfterHook(runner: ProjectionRunner, store: EventStore, logger: Logger) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const header = request.headers[READ_AFTER_HEADER];
    // Only the API's reads come from the read models; health, metrics and the docs ignore the header.
    if (header === undefined || (request.method !== 'GET' && request.method !== 'HEAD') || !request.url.startsWith('/api/')) return undefined;
    const position = typeof header === 'string' ? parsePosition(header) : undefined;
    let problem: ProblemException | undefined;
    if (!position || comparePositions(position, await store.headPosition()) > 0) {
      // A position past the store's head was never answered to a write: waiting for it would only delay a 503.
      problem = new ProblemException(400, 'InvalidReadAfterPosition', 'Read-After-Position must be the position a write answered, such as 42 or 42/40', [
        { code: 'InvalidReadAfterPosition', message: position ? 'no write has reached this position' : 'a position such as 42 or 42/40', path: 'header:Read-After-Position' },
      ]);
    } else if (!(await runner.waitFor(position))) {
      problem = new ProblemException(503, 'ReadModelsBehind', `the read models have not reached position ${header} yet; try again shortly`, [], { 'retry-after': '1' });
    }
    if (!problem) return undefined;
    sendProblem(problem, request, reply, logger);
    return reply;
  };
}

/**
 * While the read models are folded afresh from the log (at a start on read models of another layout, of
 * another log, or none), or not yet checked against it (a store that did not answer at start), they may hold
 * only part of it: the API answers 503 until they are whole, rather than views, directory checks and totals of a
 * partial history. Health, readiness and metrics still answer.
 */
export function withheldHook(runner: ProjectionRunner, logger: Logger) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!runner.withheld || !request.url.startsWith('/api/')) return undefined;
    const problem = runner.awaitingStore
      ? new ProblemException(503, 'StoreUnavailable', 'the event store does not answer; its read models are served once checked against it', [], { 'retry-after': '5' })
      : new ProblemException(503, 'ReadModelsRebuilding', 'the read models are being prepared (folded afresh from the event log, or the seed imported into an empty store); try again shortly', [], { 'retry-after': '5' });
    sendProblem(problem, request, reply, logger);
    return reply;
  };
}
