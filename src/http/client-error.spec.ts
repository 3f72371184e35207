import { createServer, type Server, type Socket, connect } from 'node:net';
import { sendClientError } from './client-error';

/** A real connection: the server side gets what the HTTP parser refused, the client side reads the answer. */
async function answerTo(error: Error & { code?: string }, options: { responseUnderWay?: boolean } = {}): Promise<string> {
  let server: Server | undefined;
  const serverSide = new Promise<Socket>((accepted) => {
    server = createServer(accepted);
  });
  await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
  const client = connect((server?.address() as { port: number }).port, '127.0.0.1');
  let answer = '';
  client.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  const closed = new Promise<void>((done) => client.on('close', () => done()));
  client.on('error', () => undefined);
  const socket = await serverSide;
  // Node's HTTP server keeps the response being written on its socket.
  if (options.responseUnderWay) Object.assign(socket, { _httpMessage: { headersSent: true } });
  // The handler destroys the socket with the parser's error, as Node's own handler does; the HTTP server listens for it.
  socket.on('error', () => undefined);
  sendClientError(error, socket);
  // A reset connection is already gone in life; here it is closed by hand once the handler has (not) answered.
  if (!socket.destroyed) socket.destroy();
  await closed;
  server?.close();
  return answer;
}

describe('what Node’s HTTP parser refuses', () => {
  it('raw bytes in the request line: a 400 problem at the URL, readable from another origin, not kept, and the connection closed', async () => {
    const answer = await answerTo(Object.assign(new Error('Parse Error: Invalid method encountered'), { code: 'HPE_INVALID_METHOD' }));
    const [head, body] = answer.split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/problem+json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'Access-Control-Allow-Origin: *',
      'Connection: close',
    ]);
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'MalformedRequest', problems: [{ path: 'url', code: 'MalformedRequest' }] });
  });

  it('a request that did not arrive in time: 408', async () => {
    const answer = await answerTo(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }));
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('a response already under way on the connection: nothing is written into it, and the connection is closed', async () => {
    expect(await answerTo(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), { responseUnderWay: true })).toBe('');
  });

  it('a connection the client reset: nothing is written', async () => {
    expect(await answerTo(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('');
  });
});
