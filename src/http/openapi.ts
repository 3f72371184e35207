import { extendZodWithOpenApi, OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** Every route registers its zod schemas here; the OpenAPI document is generated from the same schemas that validate. */
export const openApiRegistry = new OpenAPIRegistry();

openApiRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

const problemSchema = openApiRegistry.register(
  'Problem',
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    problems: z.array(z.object({ path: z.string().optional(), code: z.string(), message: z.string() }).passthrough()),
  }),
);

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

export const PROBLEMS = {
  400: problemResponse('Malformed or invalid: every problem listed with its JSON path'),
  401: problemResponse('No token, or an unknown one'),
  403: problemResponse('The token’s role may not do this'),
  404: problemResponse('Unknown id'),
  409: problemResponse('Domain conflict'),
  412: problemResponse('If-Match names a stale revision'),
  413: problemResponse('Body too large'),
  429: problemResponse('Rate limit'),
  503: problemResponse('The store cannot be reached, the read models are being folded afresh or are behind a Read-After-Position, the server is stopping, or (Word files) as many are being packed as wait at once'),
} as const;

/** For writes that are not conditional (If-Match is refused with a 400): every problem but the stale revision. */
export const UNCONDITIONAL_PROBLEMS = Object.fromEntries(Object.entries(PROBLEMS).filter(([status]) => status !== '412')) as Omit<typeof PROBLEMS, 412>;

/**
 * A JSON answer and its schema. Every 2xx schema describes what the API really sends: the conformance test
 * (test/e2e/access.e2e.spec.ts) checks the answers of every route against them, strictly.
 */
export const jsonResponse = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** What every write answers besides its own fields: the stream revision it reached and its position in the log. */
export const WRITTEN = {
  revision: z.number().int().describe('the stream revision the write reached (of a programme: its ETag, for If-Match)'),
  position: z.string().describe('the position of the write in the log: send it back as Read-After-Position'),
};

/*
 * What answers write, with the formats and patterns a generated client types them by; the conformance test
 * (test/e2e/access.e2e.spec.ts) checks every answer against them.
 */
/** A calendar date, "2025-03-20". */
export const dateOut = z.iso.date();
/** An instant, ISO 8601 in UTC to the millisecond. */
export const instantOut = z.iso.datetime();
/** An amount in thousand UAH as a decimal string, 2 to 5 decimals (a kopeck is 0.00001 of a thousand). */
const totalOut = z.string().regex(/^\d+\.\d{2,5}$/);
/** An amount; null where there is none. */
export const amountOut = totalOut.nullable().openapi({ example: '2000.00' });

export const totalsSchema = openApiRegistry.register(
  'Totals',
  z.object({ byYear: z.record(z.string(), totalOut.openapi({ example: '3887.30' })), overall: totalOut.openapi({ example: '11181.90' }) }).strict(),
);

/** Every change recorded to a decision or an executor, in record order: when, who, and the event with what it replaced. */
export const recordedChangesSchema = z
  .array(
    z
      .object({
        recordedAt: instantOut,
        actor: z.string().nullable(),
        type: z.string().describe('the event, e.g. DecisionDetailsCorrected, ExecutorRenamed'),
        data: z.record(z.string(), z.unknown()).describe('what it recorded, with `was` where it replaced something'),
      })
      .strict(),
  )
  .describe('every change recorded, in record order (for auditors: who changed what)');

export const periodSchema = z.object({ from: z.number().int(), to: z.number().int() }).strict();

/** Checked by commandContext with this very schema. An empty key is a client that meant to send one: taken as none, each retry would write again. */
export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(1, 'is empty: send a key, or leave the header out')
  .max(200, 'is longer than 200 characters')
  .describe('a retry with the same key returns the first answer');
const IDEMPOTENCY_KEY = z.object({ 'idempotency-key': idempotencyKeySchema.optional() });
const READ_AFTER_POSITION = z.object({
  'read-after-position': z.string().optional().describe('the `position` a write answered: the read waits briefly until the read models hold it (503 ReadModelsBehind if they do not)'),
});

const header = (description: string) => ({ description, schema: { type: 'string' as const } });
const REQUEST_ID = { 'X-Request-Id': header('the request id (sent by the client, or made by the server); it is also the events’ $correlationId') };
const RETRY_AFTER = { 'Retry-After': header('seconds to wait before trying again') };
/** Sent with every answer of the API while the rate limit is on (RATE_LIMIT_PER_MINUTE; a 429 for failed authentications says that limit's). */
const RATE_LIMIT = {
  'X-RateLimit-Limit': header('requests a client may make in the window'),
  'X-RateLimit-Remaining': header('requests left in the window'),
  'X-RateLimit-Reset': header('seconds until the window starts anew'),
};
const CACHE = {
  'Cache-Control': header('"public, max-age=86400, immutable" for a view pinned by asOf and a knownAt the read models have passed; "no-store" for other public reads of the API (they may change without a new revision, which is what the ETag names); "no-cache" for the open-data sets (their ETag names their content: ask again with If-None-Match); "private, no-store" with a token; "no-store" for problems and writes'),
};
const CURRENT_ETAG = { ETag: header('for a stale revision, the programme’s current one, to decide again against and retry with (a weak or unknown ETag is refused before the programme is looked up, without one)') };
const REPLAYED = { 'Idempotent-Replayed': header('"true" when this is the first answer given again to a retry with the same Idempotency-Key') };

/** An answer with headers of its own, e.g. `ETag` on a view, `Location` on a created resource. */
export const withHeaders = <R extends ResponseConfig>(response: R, headers: Record<string, string>): R => ({
  ...response,
  headers: Object.fromEntries(Object.entries(headers).map(([name, description]) => [name, header(description)])),
});

/**
 * Registers a route with what any route may answer whatever it declares — a token it does not know (401), a request
 * too slow (408) or too large in its URL (414) or headers (431), the rate limit (429), an unavailable store or read models being folded afresh (503) — and the headers
 * every answer carries; for a read of the API, `Read-After-Position`; for a write, what every write takes and may
 * answer: `Idempotency-Key`, a body that is not JSON or is sent encoded (415), a key reused for another request (422).
 */
export function route(config: RouteConfig): void {
  const write = config.method === 'post';
  const taken = write ? IDEMPOTENCY_KEY : config.path.startsWith('/api/') ? READ_AFTER_POSITION : undefined;
  const headers = config.request?.headers;
  const responses: Record<string, ResponseConfig> = {
    401: problemResponse('A token the server does not know: refused on every route, one that needs none too'),
    408: problemResponse('A request that did not arrive in 30 seconds'),
    414: problemResponse('A path segment longer than any id'),
    431: problemResponse('A request line and headers larger than 16 KiB'),
    429: PROBLEMS[429],
    503: PROBLEMS[503],
    ...(write ? { 415: problemResponse('A body that is not JSON, one declared in a charset other than UTF-8, or one sent with a Content-Encoding'), 422: problemResponse('An Idempotency-Key used before for another request') } : {}),
    ...(config.responses as Record<string, ResponseConfig>),
  };
  openApiRegistry.registerPath({
    operationId: operationIdOf(config.method, config.path),
    // Stated on every route: a route that declares none is open to anyone, not left to a default.
    security: [],
    ...config,
    request: taken ? { ...config.request, headers: headers instanceof z.ZodObject ? headers.extend(taken.shape) : taken } : config.request,
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [
        status,
        {
          ...response,
          headers: {
            // Node's parser answers 408 and 431 before there is a request (no id); the router, 414 before the rate limit's hook.
            ...(status === '408' || status === '431' ? {} : REQUEST_ID),
            ...CACHE,
            ...(['408', '414', '431'].includes(status) ? {} : RATE_LIMIT),
            ...(status === '429' || status === '503' ? RETRY_AFTER : {}),
            ...(status === '412' ? CURRENT_ETAG : {}),
            ...(write && status.startsWith('2') ? REPLAYED : {}),
            ...(response.headers as Record<string, unknown> | undefined),
          },
        },
      ]),
    ),
  });
}

/** `get /api/v1/programmes/{id}/versions/{decisionId}` → `getProgrammesByIdVersionsByDecisionId`: unique per method and path, for generated clients to name their methods by. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1\//, '/')
    .split(/[/.]/)
    .filter(Boolean)
    .map((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment);
      const word = parameter ? `by-${parameter[1]}` : segment;
      return word.replace(/(^|-)([a-z])/gi, (_, _dash: string, letter: string) => letter.toUpperCase());
    });
  return `${method}${words.join('')}`;
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** The document, made once per app (AppModule) and served both at /docs-json and by the page's plugin. */
export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

/**
 * `publicUrl`: where clients reach the server (PUBLIC_URL), so that a proxy's path prefix stays in the address
 * generated clients and the page's "Try it out" call; without it, the root of the host the page came from.
 */
export function openApiDocument(publicUrl?: string): OpenApiDocument {
  return new OpenApiGeneratorV31(openApiRegistry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Programme amendment tracker',
      version: '1',
      description: [
        'Local target programmes of Ukrainian councils and the decisions that amend them, on two time axes.',
        'A query parameter a request does not take is refused (400; a write takes none), and a path segment longer than any id is a 414.',
        'Every write answers with its `position`; a read sent with the header `Read-After-Position: <position>` waits briefly until the read models hold that write (503 ReadModelsBehind if they do not).',
        'Any path answers 405 with `Allow` for a method it does not take. Reads of programmes need no token; a token sent that the server does not know is a 401 on any route.',
      ].join('\n\n'),
    },
    servers: [{ url: publicUrl ?? '/' }],
  });
}
