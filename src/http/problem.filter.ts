import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PreconditionFailedError } from '../event-store/aggregate.repository';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store/event-store.errors';
import { etag } from './command-context';
import { PROBLEM_CONTENT_TYPE, ProblemException } from './problem';

/**
 * Everything that leaves the API as an error is application/problem+json. What a client sent is answered
 * with a 4xx; a 5xx only ever means the server or its store failed, and is logged.
 */
function toProblem(error: unknown): ProblemException {
  if (error instanceof ProblemException) return error;
  if (error instanceof PreconditionFailedError) {
    return new ProblemException(412, 'PreconditionFailed', `the programme is at revision ${error.actual}, not ${error.expected.join(' or ')} (If-Match)`, [
      { path: 'header:If-Match', code: 'StaleRevision', message: `current revision is ${error.actual}`, currentRevision: error.actual },
    ], error.actual >= 0 ? { etag: etag(error.actual) } : {});
  }
  if (error instanceof WrongExpectedRevisionError) {
    return new ProblemException(409, 'ConcurrentWrite', 'another write kept landing first; try again');
  }
  if (error instanceof EventStoreUnavailableError) {
    return new ProblemException(503, 'StoreUnavailable', 'the event store cannot be reached; try again shortly', [], { 'retry-after': '5' });
  }
  // Nest wraps what Fastify rejects before a handler runs (bad JSON, body too large, no route).
  const status = error instanceof HttpException ? error.getStatus() : (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ProblemException(status, CODES[status] ?? `Http${status}`, (error as Error).message || 'bad request');
  }
  return new ProblemException(500, 'InternalError', 'the server failed; the request id identifies it in the logs');
}

const CODES: Record<number, string> = {
  400: 'MalformedRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  413: 'BodyTooLarge',
  415: 'UnsupportedMediaType',
  429: 'RateLimited',
};

/** What a route may be asked with; OPTIONS is left out, as the CORS plugin answers it on every path. */
const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * A request no route took (Nest's 404) on a path that other methods do take: a 405 naming them in `Allow`
 * (RFC 9110 §15.5.6), so that a client learns it used the wrong method, not that the resource is missing.
 */
function wrongMethod(problem: ProblemException, request: FastifyRequest): ProblemException {
  if (problem.status !== 404 || request.routeOptions.url !== undefined) return problem;
  const url = request.url.split('?')[0];
  // The router's lookup fills a parameter with nothing where a path ends in a slash ("/programmes/" for
  // "/programmes/:id"), which routing itself refuses: such a path is taken by no method.
  const takes = (method: string) => {
    const found = request.server.findRoute({ method, url });
    return found !== null && !Object.values(found.params ?? {}).includes('');
  };
  const allowed = ROUTED_METHODS.filter(takes);
  if (allowed.length === 0 || allowed.includes(request.method as (typeof ROUTED_METHODS)[number])) return problem;
  const detail = `${request.method} is not taken here; this path takes ${allowed.join(', ')}`;
  return new ProblemException(405, 'MethodNotAllowed', detail, [{ path: 'method', code: 'MethodNotAllowed', message: detail }], { allow: allowed.join(', ') });
}

/** 503s the server gives by design (stopping, folding, behind a position, not ready yet, Word files queued): states, not failures. */
const STATES = new Set(['ServerStopping', 'ReadModelsRebuilding', 'ReadModelsBehind', 'NotReady', 'DocumentsBusy']);

export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const problem = wrongMethod(toProblem(error), request);
  if (STATES.has(problem.code)) logger.warn({ reqId: request.id, code: problem.code }, problem.detail);
  else if (problem.status >= 500) logger.error({ err: error, reqId: request.id }, 'request failed');
  for (const [name, value] of Object.entries(problem.headers)) void reply.header(name, value);
  void reply
    .status(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.body(request.url, String(request.id))));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
