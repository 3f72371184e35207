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
