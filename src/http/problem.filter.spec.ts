import type { FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import { ProblemException } from './problem';
import { sendProblem } from './problem.filter';

/** What sendProblem logs for an error, and the status it answers with. */
function logged(error: unknown): { status: number; lines: { level: number; msg: string; err?: unknown }[] } {
  const lines: { level: number; msg: string; err?: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  let status = 0;
  const reply = {
    header: () => reply,
    status: (code: number) => ((status = code), reply),
    send: () => reply,
  } as unknown as FastifyReply;
  const request = { id: 'req-1', url: '/api/v1/programmes/p/export', method: 'GET', routeOptions: { url: '/api/v1/programmes/:id/export' } } as unknown as FastifyRequest;
  sendProblem(error, request, reply, logger);
  return { status, lines };
}

describe('sendProblem', () => {
  it('logs a 503 the server gives by design — Word files queued — as a warning with its code, not as a failed request with a stack', () => {
    const { status, lines } = logged(new ProblemException(503, 'DocumentsBusy', '4 Word files are waiting to be packed', [], { 'retry-after': '5' }));
    expect(status).toBe(503);
    expect(lines).toEqual([expect.objectContaining({ level: 40, code: 'DocumentsBusy', msg: '4 Word files are waiting to be packed' })]);
    expect(lines[0].err).toBeUndefined();
  });

  it('logs a server failure as an error, with the error', () => {
    const { status, lines } = logged(new Error('disk full'));
    expect(status).toBe(500);
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'request failed', err: expect.objectContaining({ message: 'disk full' }) })]);
  });

  it('does not log what a client sent wrong', () => {
    expect(logged(new ProblemException(400, 'InvalidQuery', 'bad asOf')).lines).toEqual([]);
  });
});
