import { z } from 'zod';
import { PROBLEMS, route } from '../http/openapi';
import { dateSchema, idSchema, textSchema } from '../http/schemas';

export const executorBodySchema = z.object({ name: textSchema(500) }).strict().openapi('ExecutorRequest');
export const renameBodySchema = z.object({ name: textSchema(500), effectiveFrom: dateSchema }).strict().openapi('ExecutorRename');
export const retireBodySchema = z.object({ effectiveFrom: dateSchema }).strict().openapi('ExecutorRetirement');
export const executorParams = z.object({ id: idSchema }).strict();
export const executorsQuerySchema = z.object({ asOf: dateSchema.optional() }).strict();

const json = (description: string) => ({ description, content: { 'application/json': { schema: z.object({}).passthrough() } } });

route({ method: 'post', path: '/api/v1/executors', summary: 'Register an executor (secretariat)', security: [{ bearer: [] }], request: { body: { content: { 'application/json': { schema: executorBodySchema } } } }, responses: { 201: json('the executor'), ...PROBLEMS } });
route({ method: 'post', path: '/api/v1/executors/{id}/renames', summary: 'Rename an executor from a date (secretariat)', security: [{ bearer: [] }], request: { params: executorParams, body: { content: { 'application/json': { schema: renameBodySchema } } } }, responses: { 201: json('the executor'), ...PROBLEMS } });
route({ method: 'post', path: '/api/v1/executors/{id}/retirement', summary: 'Retire an executor from a date (secretariat)', security: [{ bearer: [] }], request: { params: executorParams, body: { content: { 'application/json': { schema: retireBodySchema } } } }, responses: { 201: json('the executor'), ...PROBLEMS } });
route({ method: 'get', path: '/api/v1/executors', summary: 'The executor directory, names as on asOf', request: { query: executorsQuerySchema }, responses: { 200: json('list'), 400: PROBLEMS[400] } });
route({ method: 'get', path: '/api/v1/executors/{id}', summary: 'An executor with its names over time', request: { params: executorParams, query: executorsQuerySchema }, responses: { 200: json('the executor'), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
