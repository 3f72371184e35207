import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ProjectionRunner } from '../projections/projection.runner';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';

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
