import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, ProblemException } from './problem';

/** Refusals of Node's HTTP parser, by its error code: the request never became one Fastify could route. */
const REFUSALS: Readonly<Record<string, { status: number; code: string; detail: string; path: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HeadersTooLarge', detail: 'the request line and headers are larger than the server reads (16 KiB)', path: 'url' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'RequestTimeout', detail: 'the request did not arrive in time', path: '$' },
};
const MALFORMED = { status: 400, code: 'MalformedRequest', detail: 'the request is not valid HTTP (its request line or a header)', path: 'url' };

/**
 * Fastify's clientErrorHandler: what Node's HTTP parser refuses (headers too large, raw bytes in the request
 * line) is answered as a problem too, with the CORS header so a browser on another origin can read it, instead
 * of Fastify's own JSON. Written straight to the socket: there is no request or reply object to send it with.
 */
export function sendClientError(error: Error & { code?: string }, socket: Socket & { _httpMessage?: { headersSent?: boolean } }): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this connection (keep-alive) must not get a second one in its body, as Node's
  // own handler also declines; the connection is only closed.
  if (socket._httpMessage?.headersSent) {
    socket.destroy(error);
    return;
  }
  const refusal = (error.code && REFUSALS[error.code]) || MALFORMED;
  const body = JSON.stringify(new ProblemException(refusal.status, refusal.code, refusal.detail, [{ path: refusal.path, code: refusal.code, message: refusal.detail }]).body());
  if (socket.writable) {
    socket.write(
      [
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        // Like every problem: a 414 or 431 is cacheable by default (RFC 9110 §15.1), and a proxy's copy would outlive the mistake.
        'Cache-Control: no-store',
        'Access-Control-Allow-Origin: *',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroy(error);
}
