import 'reflect-metadata';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule, type AppOptions } from './app.module';
import type { ApiToken, Config } from './config/config.schema';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port';
import { CACHE_CONTROL, cacheControlFor } from './http/cache-control';
import { CONTENT_VALIDATED_ROUTES, contentETag, noneMatchNames } from './http/content-etag';
import { OPENAPI_DOCUMENT, type OpenApiDocument } from './http/openapi';
import { authenticate, TokenTable } from './http/auth.guard';
import { AuthFailureLimiter, registerRateLimit } from './http/rate-limit';
import { sendClientError } from './http/client-error';
import { ProblemException } from './http/problem';
import { parseJsonBody } from './http/json-body.parser';
import { ID_MAX_LENGTH } from './http/schemas';
import { sendProblem } from './http/problem.filter';
import { readAfterHook } from './http/read-after';
import { withheldHook } from './http/withheld.hook';
import { PinoNestLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { ProgrammeQueries } from './programme/read/programme.queries';
import { ProjectionRunner } from './projections/projection.runner';
import { type DataFilesLock, lockDataFiles } from './config/data-files.lock';
import { removeUnfinishedRebuild } from './projections/rebuild';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Without configured tokens (and outside production, which refuses to start) the server makes one token
 * per role and prints them once, on stdout, not through the logger: logs are kept and shipped, and tokens
 * must never reach them. The logger only says that the mode is on.
 */
function tokensInForce(config: Config, logger: Logger, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): ApiToken[] {
  if (config.API_TOKENS.length > 0) return config.API_TOKENS;
  logger.warn({ mode: 'development' }, 'development mode: no API_TOKENS configured; a token per role is printed once on stdout');
  const tokens: ApiToken[] = [
    { role: 'secretariat', token: randomBytes(24).toString('base64url') },
    { role: 'auditor', token: randomBytes(24).toString('base64url') },
  ];
  print('DEVELOPMENT MODE: no API_TOKENS configured; these tokens last until the server stops:');
  for (const { role, token } of tokens) print(`  ${role}: ${token}`);
  return tokens;
}

type AppFactoryOptions = Partial<Pick<AppOptions, 'tokens' | 'store' | 'onStartFailed'>>;

/** The whole application as `npm start` runs it, ready to listen; tests use the same function. */
export async function createApp(config: Config, logger: Logger, options: AppFactoryOptions = {}): Promise<NestFastifyApplication> {
  // Before Nest opens any data file: a second server on the same files stops here, having opened none.
  const lock = lockDataFiles(config, { store: !options.store });
  try {
    removeUnfinishedRebuild(config.readModelFile);
    return await buildApp(config, logger, lock, options);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function buildApp(config: Config, logger: Logger, lock: DataFilesLock, options: AppFactoryOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.BODY_LIMIT,
    // Behind the proxies it names, the client's address (request.ip, for both limits) is the one they forward.
    trustProxy: config.TRUST_PROXY ?? false,
    // Fastify sets none: a client that sends headers and never its body would hold a request (and a stop) open.
    // Such a request gets its 408 (client-error.ts) at the first of Node's checks after it, every 5 s here. Node 20
    // held a stalled body to its headers timeout too (60 s by default, measured), so both are set.
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { connectionsCheckingInterval: 5_000, headersTimeout: REQUEST_TIMEOUT_MS },
    requestIdHeader: false,
    // Requests that arrive while the server stops are answered by the closing hook below, as problems.
    return503OnClosing: false,
    routerOptions: { maxParamLength: ID_MAX_LENGTH },
    clientErrorHandler: sendClientError,
    // Fastify's router refuses a malformed URL or an over-long path parameter before Nest sees the request, and
    // before the hooks run: the request id and CORS headers are set here, or a browser could not read the problem.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const [code, detail] = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? ['PathTooLong', `a path segment is longer than any id (${ID_MAX_LENGTH} characters)`] : ['MalformedUrl', 'the URL is not valid'];
      void reply
        .header('x-request-id', request.id)
        .header('access-control-allow-origin', '*')
        .header('access-control-expose-headers', EXPOSED_HEADERS.join(', '))
        .header('cache-control', CACHE_CONTROL.none);
      sendProblem(new ProblemException(error.statusCode ?? 400, code, detail, [{ path: 'url', code, message: detail }]), request, reply, logger);
    },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ ...options, config, logger, lock, tokens: options.tokens ?? tokensInForce(config, logger) }),
    adapter,
    // The JSON parser set below reads the bodies (Nest's would add a form parser: the API takes JSON only).
    // abortOnError false: a module that fails to build (a data directory that cannot be created) is thrown to
    // the caller, which says what to change, instead of Nest logging it and exiting on its own.
    { logger: new PinoNestLogger(logger), bodyParser: false, abortOnError: false },
  );
  // Whatever fails from here on (a plugin, a module's start such as a missing seed document) closes what the app
  // opened, the data files' lock included.
  const stopping = { now: false };
  try {
    const fastify = app.getHttpAdapter().getInstance();
    // The API reads JSON only: Fastify's built-in text/plain parser would hand a string to the body schemas (a 400
    // about the body's shape) where any other type gets a 415 naming the Content-Type.
    fastify.removeContentTypeParser('text/plain');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJsonBody);
    const metrics = app.get(Metrics);

    fastify.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id);
      if (!stopping.now) return undefined;
      const problem = new ProblemException(503, 'ServerStopping', 'the server is stopping; try again shortly', [], { 'retry-after': '5', connection: 'close' });
      sendProblem(problem, request, reply, logger);
      return reply;
    });
    fastify.addHook('preHandler', withheldHook(app.get(ProjectionRunner), logger));
    fastify.addHook('preHandler', readAfterHook(app.get(ProjectionRunner), app.get<EventStore>(EVENT_STORE), logger));
    const queries = app.get(ProgrammeQueries);
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', cacheControlFor(request, reply, () => queries.readModelsRecordedAt()));
      // Said of an answer sent as it is too (compress says it only of what it packs): a shared cache that kept it
      // would otherwise give it unpacked to every client, or keep a packed one for a client that cannot unpack.
      if (request.method === 'GET' || request.method === 'HEAD') varyOnAcceptEncoding(reply);
      return answerUnchanged(request, reply, payload);
    });
    fastify.addHook('onResponse', async (request, reply) => {
      metrics.requestDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    // Open-data portals and the council's site read from browsers on other origins. Bearer tokens, not cookies,
    // carry the roles, so any origin may call: a page can only act with a token its user gives it.
    await app.register(cors, {
      origin: '*',
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'Read-After-Position', 'X-Request-Id'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
      // A bare OPTIONS (no Origin) gets the same empty answer as a preflight, not a plain-text 400.
      strictPreflight: false,
    });
    await app.register(helmet, {
      // The data is public: other origins may embed it (a CSV link, a document) as well as fetch it.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      // The API answers JSON only; the OpenAPI page sets its own policy for its scripts and styles. No upgrade to
      // HTTPS: a council's server often speaks plain HTTP on its intranet, where an upgraded /docs loads nothing.
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
      },
      // Left to the proxy that ends TLS, which knows whether the site is served over HTTPS at all: helmet's default
      // (a year, includeSubDomains) from a server under the council's own domain would bind all its sites to HTTPS.
      strictTransportSecurity: false,
    });
    // Harvesters fetch the version lists, decisions and CSVs whole: as text they shrink about sevenfold. Answers
    // under 1 KiB, and the Word file (a zip already), go as they are.
    // Request bodies sent encoded stay refused (415, in the JSON parser above): clients send small JSON, and a small
    // packed body can unpack to a large one.
    await app.register(compress, { encodings: ['br', 'gzip', 'deflate'], globalDecompression: false });
    await registerRateLimit(app, config);
    await app.register(swagger, { mode: 'static', specification: { document: app.get<symbol, OpenApiDocument>(OPENAPI_DOCUMENT) as never } });
    // The page is served by its plugin, outside Nest's guard: it gets the same rule, an unknown token is a 401.
    const tokens = app.get(TokenTable);
    const limiter = app.get(AuthFailureLimiter);
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Its policy upgrades every request to HTTPS, which leaves the page blank on a plain-HTTP intranet server.
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
      uiHooks: {
        onRequest: async (request, reply) => {
          const header = request.headers.authorization;
          if (header === undefined) return;
          try {
            authenticate(header, request.ip, tokens, limiter);
          } catch (problem) {
            // Registered before Nest's error handler exists, so the plugin answers its problems itself.
            sendProblem(problem, request, reply, logger);
            return reply;
          }
        },
      },
    });

    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  stopOnSignals(app, stopping, logger);
  return app;
}

/**
 * How long a stopping server goes on reading what arrives, answering 503 (ServerStopping, Retry-After) before
 * it closes its listener: connections the system took while the event loop was busy (a long write) would
 * otherwise be reset with their requests unread, and the client could not tell whether they were written.
 */
const STOP_GRACE_MS = 300;
/** Generous for any client on any link: a request that takes longer is a stalled one, holding its connection. */
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How long requests under way may take to finish once the listener is closed: past it, their connections are
 * closed (a client still sending a body, say), so a stop a process manager asked for ends in bounded time.
 */
const STOP_DEADLINE_MS = 10_000;

/** What a page on another origin may read of an answer: what a client acts on, the rate limit's state included. */
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Link',
  'Retry-After',
  'X-Request-Id',
  'Idempotent-Replayed',
  'Content-Disposition',
  'Allow',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

/**
 * A read whose ETag names its content (content-etag.ts) gets it, and a 304 with no body when If-None-Match names it.
 * Run before compression (registered after this hook), so that the tag is of the body itself. @fastify/etag does
 * this for every answer, and would answer 304 to a view's ETag, which is its revision and outlives changes of its
 * body (cache-control.ts).
 */
function answerUnchanged(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  const validated = (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode === 200 && CONTENT_VALIDATED_ROUTES.has(request.routeOptions.url ?? '');
  if (!validated || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
  const etag = contentETag(payload);
  void reply.header('etag', etag);
  if (!noneMatchNames(request.headers['if-none-match'], etag)) return payload;
  // The fields of the body (RFC 9110 §15.4.5): the client has them with the body it holds.
  void reply.code(304).removeHeader('content-type').removeHeader('content-disposition');
  // No body, and no Content-Length but the 200's (RFC 9110 §8.6): Fastify sends none for no payload on a GET, and
  // its HEAD route counts the payload it is given, so a HEAD keeps the body, which it never sends.
  return request.method === 'HEAD' ? payload : null;
}

/** Written as @fastify/compress writes it (lower case), so that it does not add the name a second time. */
function varyOnAcceptEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const names = (Array.isArray(vary) ? vary : vary === undefined ? [] : [String(vary)]).join(', ');
  if (/accept-encoding/i.test(names)) return;
  void reply.header('vary', names === '' ? 'accept-encoding' : `${names}, accept-encoding`);
}

/** SIGTERM or SIGINT: stop taking requests (503), let those under way finish, close, and exit. */
function stopOnSignals(app: NestFastifyApplication, stopping: { now: boolean }, logger: Logger): void {
  const stop = (signal: NodeJS.Signals) => {
    stopping.now = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      const deadline = setTimeout(() => {
        logger.warn({ signal, afterMs: STOP_DEADLINE_MS }, 'requests still under way: closing their connections');
        (app.getHttpServer() as Server).closeAllConnections();
      }, STOP_DEADLINE_MS);
      deadline.unref();
      app.close().then(
        () => {
          logger.info({ signal }, 'stopped');
          // 1 when the stop was the start failing (main.ts), 0 otherwise.
          process.exit();
        },
        (error: unknown) => {
          process.stderr.write(`stopping on ${signal} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
          process.exit(1);
        },
      );
    }, STOP_GRACE_MS);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
  // An app closed otherwise (a test, an embedding) leaves no listener behind.
  app.getHttpAdapter().getInstance().addHook('onClose', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.off(signal, stop);
  });
}
