import { z } from 'zod';
import { PROBLEMS, route, withHeaders } from '../../http/openapi';
import { programmeIdSchema } from '../../http/schemas';
import { DOCX } from './grid.render';
import { asOfParameter, auditExportQuerySchema, knownAtParameter, pointSchema, programmeViewSchema } from '../programme.api';

export const exportQuerySchema = z
  .object({
    format: z.enum(['json', 'csv', 'html', 'docx']).default('json'),
    asOf: asOfParameter,
    knownAt: knownAtParameter,
  })
  .strict();

export const diffExportQuerySchema = z
  .object({
    from: pointSchema,
    to: pointSchema,
    format: z.enum(['html', 'docx']).default('html'),
    knownAt: knownAtParameter,
  })
  .strict();

export const exportParams = z.object({ id: programmeIdSchema }).strict();

const DISPOSITION = { 'Content-Disposition': 'attachment; filename="…": the name to save the file under; a document’s name gives its programme, its date or dates, and knownAt' };
const contentOf = (types: string[]) => Object.fromEntries(types.map((t) => [t, { schema: z.string() }]));
const file = (description: string, types: string[]) => withHeaders({ description, content: contentOf(types) }, DISPOSITION);

route({ method: 'get', path: '/api/v1/programmes/{id}/export', summary: 'The annex "in a new wording" as of a date', request: { params: exportParams, query: exportQuerySchema }, responses: { 200: withHeaders({ description: 'the annex: as data, the programme view', content: { 'application/json': { schema: programmeViewSchema }, ...contentOf(['text/csv', 'text/html', DOCX]) } }, DISPOSITION), 400: PROBLEMS[400], 404: PROBLEMS[404], 503: PROBLEMS[503] } });
route({ method: 'get', path: '/api/v1/programmes/{id}/diff/export', summary: 'The comparative table (було / стало) as a document', request: { params: exportParams, query: diffExportQuerySchema }, responses: { 200: file('the comparative table', ['text/html', DOCX]), 400: PROBLEMS[400], 404: PROBLEMS[404], 503: PROBLEMS[503] } });
route({ method: 'get', path: '/api/v1/programmes/{id}/audit/export', summary: 'The whole audit trail, or the part the filters name, as CSV (auditor, secretariat)', security: [{ bearer: [] }], request: { params: exportParams, query: auditExportQuerySchema }, responses: { 200: file('CSV, UTF-8: one row per entry, in record order', ['text/csv']), 400: PROBLEMS[400], 401: PROBLEMS[401], 403: PROBLEMS[403], 404: PROBLEMS[404], 429: PROBLEMS[429] } });
/** An open-data set: a harvester asks again with the ETag it holds (src/http/content-etag.ts). */
const SET_ETAG = { ETag: 'a weak tag of the set’s content (of the body before compression), for If-None-Match' };
const openDataSet = {
  request: { headers: z.object({ 'if-none-match': z.string().optional().describe('the ETag of the set the client holds, a list of them, or *: a 304 with no body while the set is unchanged') }) },
  responses: {
    200: withHeaders({ description: 'CSV, UTF-8', content: contentOf(['text/csv']) }, { ...DISPOSITION, ...SET_ETAG }),
    304: withHeaders({ description: 'the set is as the ETag sent in If-None-Match names it: no body' }, SET_ETAG),
    400: PROBLEMS[400],
  },
};
route({ method: 'get', path: '/api/v1/opendata/programmes.csv', summary: 'Open data: one row per programme (Cabinet resolution No. 835)', ...openDataSet });
route({ method: 'get', path: '/api/v1/opendata/amendments.csv', summary: 'Open data: one row per act and programme it approved or amended', ...openDataSet });
