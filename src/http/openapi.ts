import { extendZodWithOpenApi, OpenApiGeneratorV31, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** Every route registers its zod schemas here; the OpenAPI document is generated from the same schemas that validate. */
export const openApiRegistry = new OpenAPIRegistry();

openApiRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

export const problemSchema = openApiRegistry.register(
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
  503: problemResponse('Store unavailable'),
} as const;

export function route(config: RouteConfig): void {
  openApiRegistry.registerPath(config);
}

export function openApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  return new OpenApiGeneratorV31(openApiRegistry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Programme amendment tracker',
      version: '1',
      description: [
        'Local target programmes of Ukrainian councils and the decisions that amend them, on two time axes.',
        'A query parameter a read does not take is refused (400), and a path segment longer than any id is a 414.',
        'Every write answers with its `position`; a read sent with the header `Read-After-Position: <position>` waits briefly until the read models hold that write (503 ReadModelsBehind if they do not).',
      ].join('\n\n'),
    },
    servers: [{ url: '/' }],
  });
}
