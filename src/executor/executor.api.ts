import { z } from 'zod';
import { dateOut, jsonResponse, PROBLEMS, recordedChangesSchema, route, UNCONDITIONAL_PROBLEMS, withHeaders, WRITTEN } from '../http/openapi';
import { dateSchema, idSchema, textSchema } from '../http/schemas';

export const executorBodySchema = z.object({ name: textSchema(500) }).strict().openapi('ExecutorRequest');
export const renameBodySchema = z.object({ name: textSchema(500), effectiveFrom: dateSchema }).strict().openapi('ExecutorRename');
export const retireBodySchema = z.object({ effectiveFrom: dateSchema }).strict().openapi('ExecutorRetirement');
export const executorParams = z.object({ id: idSchema }).strict();
export const executorsQuerySchema = z.object({ asOf: dateSchema.optional() }).strict();

const executor = {
  id: z.string(),
  name: z.string().describe('the name valid on asOf (without it, today in Kyiv); a write answers with the latest'),
  names: z.array(z.object({ name: z.string(), effectiveFrom: dateOut.nullable().describe('null: from the start') }).strict()),
  retiredFrom: dateOut.nullable(),
};
const executorSchema = z.object(executor).strict().openapi('Executor');
const executorWrittenSchema = z.object({ ...executor, ...WRITTEN }).strict().openapi('ExecutorWritten');

route({ method: 'post', path: '/api/v1/executors', summary: 'Register an executor (secretariat)', security: [{ bearer: [] }], request: { body: { content: { 'application/json': { schema: executorBodySchema } } } }, responses: { 201: withHeaders(jsonResponse('the executor', executorWrittenSchema), { Location: 'the executor’s address' }), ...UNCONDITIONAL_PROBLEMS } });
route({ method: 'post', path: '/api/v1/executors/{id}/renames', summary: 'Rename an executor from a date (secretariat)', security: [{ bearer: [] }], request: { params: executorParams, body: { content: { 'application/json': { schema: renameBodySchema } } } }, responses: { 201: jsonResponse('the executor', executorWrittenSchema), ...UNCONDITIONAL_PROBLEMS } });
route({ method: 'post', path: '/api/v1/executors/{id}/retirement', summary: 'Retire an executor from a date (secretariat)', security: [{ bearer: [] }], request: { params: executorParams, body: { content: { 'application/json': { schema: retireBodySchema } } } }, responses: { 201: jsonResponse('the executor', executorWrittenSchema), ...UNCONDITIONAL_PROBLEMS } });
route({ method: 'get', path: '/api/v1/executors', summary: 'The executor directory, names as on asOf', request: { query: executorsQuerySchema }, responses: { 200: jsonResponse('every executor', z.array(executorSchema)), 400: PROBLEMS[400] } });
route({ method: 'get', path: '/api/v1/executors/{id}', summary: 'An executor with its names over time', request: { params: executorParams, query: executorsQuerySchema }, responses: { 200: jsonResponse('the executor', executorSchema), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
route({ method: 'get', path: '/api/v1/executors/{id}/changes', summary: 'Every change recorded to the executor: when, by whom, what it replaced (auditor, secretariat)', security: [{ bearer: [] }], request: { params: executorParams }, responses: { 200: jsonResponse('the changes, in record order', z.object({ id: z.string(), changes: recordedChangesSchema }).strict()), 400: PROBLEMS[400], 401: PROBLEMS[401], 403: PROBLEMS[403], 404: PROBLEMS[404] } });
