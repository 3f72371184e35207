import { z } from 'zod';
import { ROMAN_DIGIT, unquoted } from '../common/characters';
import { amountOut, dateOut, instantOut, jsonResponse, periodSchema, PROBLEMS, route, totalsSchema, UNCONDITIONAL_PROBLEMS, withHeaders, WRITTEN } from '../http/openapi';
import { amountSchema, dateSchema, idSchema, INSTANT_FORMS, instantSchema, plainText, programmeIdSchema, termSchema, textSchema, yearSchema } from '../http/schemas';

/** Request schemas of the programme routes: they validate, and the OpenAPI document is generated from them. */

/** "2.11": parts without leading zeros, or "1.01" would stand beside "1.1" as another number that reads the same. */
const measureNumber = z.string().regex(/^[1-9]\d*(\.[1-9]\d*)+$/, 'a measure number such as "2.11", its parts without leading zeros');

/**
 * An id the client chooses for a new part: a change names a part by its id first and by its number after, so
 * an id written like a number ("2.1", "VII") would take the place of the part that number names.
 */
const newId = (what: string, numberLike: RegExp, example: string) =>
  idSchema.refine((id) => !numberLike.test(id), `an id not written like a ${what} number ("${example}"), which changes name ${what}s by too`);
const newMeasureId = newId('measure', /^[\d.\s]+$/, '2.1');
const newDirectionId = newId('direction', /^[\d.\s]+$/, '1');
/**
 * A section number: Latin capitals, or the Cyrillic І, Х and С a Ukrainian keyboard types for them (read as Latin,
 * so "VІ" typed so names section VI); "civil" or "xi" can name no section by number.
 */
const SECTION_NUMBER = new RegExp(`^${ROMAN_DIGIT}+$`, 'u');
const newSectionId = newId('section', SECTION_NUMBER, 'VII');

const measureRef = idSchema.describe('a measure id, or its number as it stands at the effective date ("1.3")');
const results = z.array(textSchema(2000)).max(50);

const fundingSource = z
  .object({ source: textSchema(500), allocations: z.record(z.string().regex(/^\d{4}$/, 'a year'), amountSchema) })
  .strict();

const changeSchema = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('addMeasure'),
      measureId: newMeasureId.optional(),
      direction: idSchema.optional(),
      section: idSchema.optional(),
      number: measureNumber,
      title: textSchema(4000),
      term: termSchema,
      executors: z.array(idSchema).max(50).default([]).describe('executor ids, as GET /executors lists them (not names)'),
      fundingSources: z.array(fundingSource).max(10).default([]),
      expectedResults: results.default([]),
    })
    .strict(),
  z.object({ op: z.literal('rewordMeasure'), measure: measureRef, title: textSchema(4000), was: z.string().optional() }).strict(),
  z.object({ op: z.literal('renumberMeasure'), measure: measureRef, number: measureNumber, was: z.string().optional() }).strict(),
  z.object({ op: z.literal('changeTerm'), measure: measureRef, term: termSchema, was: termSchema.optional() }).strict(),
  z.object({ op: z.literal('changeExpectedResults'), measure: measureRef, expectedResults: results, was: results.optional() }).strict(),
  z.object({ op: z.literal('removeMeasure'), measure: measureRef }).strict(),
  z
    .object({
      op: z.literal('setAllocation'),
      measure: measureRef,
      year: yearSchema,
      amount: amountSchema,
      fundingSource: textSchema(500).optional(),
      was: amountSchema.optional(),
    })
    .strict(),
  z.object({ op: z.literal('assignExecutor'), measure: measureRef, executor: idSchema }).strict(),
  z.object({ op: z.literal('unassignExecutor'), measure: measureRef, executor: idSchema }).strict(),
  z.object({ op: z.literal('changeFundingSource'), measure: measureRef, from: textSchema(500).optional(), to: textSchema(500) }).strict(),
  z.object({ op: z.literal('extendPeriod'), to: yearSchema, was: yearSchema.optional() }).strict(),
  z.object({ op: z.literal('renameProgramme'), title: textSchema(1000), was: z.string().optional() }).strict(),
  z.object({ op: z.literal('addSection'), sectionId: newSectionId.optional(), number: z.string().regex(SECTION_NUMBER, 'a Roman numeral (Latin letters; a Cyrillic І, Х or С is read as the Latin one)'), title: textSchema(1000).refine((title) => unquoted(title) !== '', 'a title, not only the quotes around one') }).strict(),
  z
    .object({
      op: z.literal('addDirection'),
      directionId: newDirectionId.optional(),
      section: idSchema.describe('a section id or its Roman numeral'),
      number: z.string().regex(/^\d+$/).nullable().default(null),
      title: textSchema(2000),
    })
    .strict(),
]);

export type ChangeBody = z.output<typeof changeSchema>;

export const amendmentBodySchema = z
  .object({
    decisionId: idSchema,
    effectiveFrom: dateSchema.optional(),
    note: plainText(z.string().trim().max(2000)).optional(),
    changes: z.array(changeSchema).min(1, 'an amendment makes at least one change').max(500),
  })
  .strict()
  .openapi('AmendmentRequest');

export const revocationBodySchema = z.object({ reason: textSchema(2000) }).strict().openapi('RevocationRequest');

export const importBodySchema = z
  .object({
    programmeId: programmeIdSchema,
    decisionId: idSchema.optional(),
    document: z.string().min(1, 'the annex text').describe('the annex as tab-separated text, as in examples/'),
  })
  .strict()
  .openapi('ImportRequest');

export const programmeParams = z.object({ id: programmeIdSchema }).strict();
export const amendmentParams = z.object({ id: programmeIdSchema, amendmentId: idSchema }).strict();
export const versionParams = z.object({ id: programmeIdSchema, decisionId: idSchema }).strict();

/** The two axes of a read (DESIGN §5), as every read that takes them names them. */
export const asOfParameter = dateSchema.optional().describe('the date in force; default: today in Kyiv');
export const knownAtParameter = instantSchema.optional().describe(`as recorded by this instant (${INSTANT_FORMS}); default: now`);

export const viewQuerySchema = z.object({ asOf: asOfParameter, knownAt: knownAtParameter }).strict();

/** A decision id, or a date: what looks like a date must be one ("2025-13-45" is a mistake, not an id). */
export const pointSchema = idSchema
  .refine((point) => !/^\d{4}-\d{2}-\d{2}$/.test(point) || dateSchema.safeParse(point).success, 'not a calendar date')
  .describe('a decision id, or a date (YYYY-MM-DD)');

export const knownAtQuerySchema = z.object({ knownAt: knownAtParameter }).strict();

export const diffQuerySchema = z.object({ from: pointSchema, to: pointSchema, knownAt: knownAtParameter }).strict();

/** What an audit trail can be narrowed to; a page of it (JSON) and the whole of it (CSV) take the same. */
const auditFilterFields = {
  measure: idSchema.optional().describe('a measure id, or a number the measure has carried at any time (404 when no measure of the programme has had it)'),
  decision: idSchema.optional().describe('a decision id (404 when the register has no such decision)'),
  actor: idSchema.optional(),
  from: instantSchema.optional().describe(`recorded at or after this instant (${INSTANT_FORMS})`),
  to: instantSchema.optional().describe(`recorded before this instant (${INSTANT_FORMS})`),
};

const periodInOrder = <S extends z.ZodType<{ from?: string; to?: string }>>(schema: S): S =>
  schema.refine((query) => !query.from || !query.to || query.from <= query.to, { message: 'the period ends before it starts', path: ['to'] });

export const auditQuerySchema = periodInOrder(
  z.object({
    ...auditFilterFields,
    after: z
      .string()
      .regex(/^\d{1,15}$/, 'the cursor from the previous page')
      .transform(Number)
      .optional()
      .openapi({ type: 'string', pattern: '^\\d{1,15}$', description: 'the cursor from the previous page' }),
    // Digits only: a coercing number would also take "1e2" and "0x10".
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'a whole number from 1 to 500')
      .transform(Number)
      .refine((limit) => limit >= 1 && limit <= 500, 'a whole number from 1 to 500')
      .default(100)
      .openapi({ type: 'integer', minimum: 1, maximum: 500, default: 100 }),
    })
    .strict(),
);

export const auditExportQuerySchema = periodInOrder(z.object({ ...auditFilterFields, format: z.enum(['csv']).default('csv') }).strict());

const ifMatchHeader = z.object({ 'if-match': z.string().optional().describe('the ETag (stream revision) the change was made against, a list of them (one must be current), or *') });

/** Answer schemas: what the reads and writes send (DESIGN §7), amounts as decimal strings in thousand UAH. */

const allocationsOut = z.record(z.string().describe('a year'), amountOut);

const measureView = z
  .object({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    term: periodSchema,
    executors: z.array(
      z
        .object({
          id: z.string(),
          name: z.string().describe('as on asOf'),
          retiredFrom: dateOut.optional().describe('only for a unit retired by asOf, which the measure still names'),
        })
        .strict(),
    ),
    fundingSources: z.array(z.object({ source: z.string(), allocations: allocationsOut }).strict()),
    allocations: allocationsOut.describe('per year, summed over the funding sources; null where every source has none'),
    expectedResults: z.array(z.string()),
  })
  .strict()
  .openapi('Measure');

export const programmeViewSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    community: z.string(),
    period: periodSchema,
    asOf: dateOut,
    knownAt: instantOut.describe('an instant at which this was what was known: sent back, it reproduces the view'),
    revision: z.number().int().describe('the stream revision known then (the ETag)'),
    lastAmendment: z.object({ amendmentId: z.string(), decisionId: z.string(), effectiveFrom: dateOut, recordedAt: instantOut }).strict().nullable(),
    amendmentChain: z
      .string()
      .describe('for the next decision’s preamble: "затвердженої рішенням … (зі змінами, внесеними рішеннями …)"; the decisions with an amendment in force on asOf (one adopted but taking effect later joins from its amendment’s effectiveFrom: ask with asOf that date)'),
    sections: z.array(
      z
        .object({
          id: z.string(),
          number: z.string(),
          title: z.string(),
          totals: totalsSchema,
          directions: z.array(z.object({ id: z.string(), number: z.string().nullable(), title: z.string(), measures: z.array(measureView) }).strict()),
        })
        .strict(),
    ),
    totals: totalsSchema,
  })
  .strict()
  .openapi('ProgrammeView');

const versionSchema = z
  .object({
    amendmentId: z.string(),
    decisionId: z.string(),
    decision: z.string().nullable().describe('the decision’s citation'),
    effectiveFrom: dateOut,
    recordedAt: instantOut,
    initial: z.boolean(),
    note: z.string().nullable(),
    // A union, not .nullable(): the generator would write allOf [Totals, {type: [object, null]}], which null never meets.
    totals: z.union([totalsSchema, z.null()]),
  })
  .strict()
  .openapi('Version');

const diffEnd = z.object({ asOf: dateOut, decisionId: z.string().nullable() }).strict();

const diffSchema = z
  .object({
    from: diffEnd,
    to: diffEnd,
    rows: z.array(
      z
        .object({
          measureId: z.string().nullable(),
          number: z.string().nullable(),
          numberWas: z.string().optional().describe('a renumbered measure’s number on the було side, on each of its rows'),
          field: z.string().describe('"title", "allocations.2025", "executors", …'),
          was: z.unknown().describe('було (null: not there); for field "measure", a measure removed shown whole: {title, term, executors (names), fundingSources, allocations, expectedResults}'),
          became: z.unknown().describe('стало (null: not there); for field "measure", a measure added shown whole, as under "was"'),
          fundingSource: z.string().optional().describe('for one source’s amount of a co-funded measure; the measure’s sum has a row without it'),
        })
        .strict(),
    ),
    totals: z.object({ was: totalsSchema, became: totalsSchema }).strict(),
  })
  .strict()
  .openapi('Diff');

const auditPageSchema = z
  .object({
    programmeId: z.string(),
    entries: z.array(
      z
        .object({
          cursor: z.string(),
          kind: z.enum(['change', 'revocation']),
          recordedAt: instantOut,
          actor: z.string().nullable(),
          amendmentId: z.string(),
          decisionId: z.string(),
          effectiveFrom: dateOut,
          measureId: z.string().nullable(),
          measureNumber: z.string().nullable(),
          field: z.string().nullable(),
          fundingSource: z.string().nullable(),
          was: z.unknown().describe('what the change replaced (null: nothing); for field "measure", a measure removed shown whole, its units as {id, name} by their names on the line’s date'),
          became: z.unknown().describe('what the change set (null: nothing); for field "measure", a measure added shown whole, as under "was"'),
          reason: z.string().nullable().describe('a revocation’s reason'),
          executor: z
            .object({ id: z.string(), name: z.string() })
            .nullable()
            .describe('on a line of a measure’s executors: the unit assigned or unassigned, by its name on the line’s date'),
        })
        .strict(),
    ),
    next: z.string().nullable().describe('send as `after` for the next page; null on the last'),
  })
  .strict()
  .openapi('AuditPage');

const amendmentWrittenSchema = z
  .object({
    programmeId: z.string(),
    amendmentId: z.string(),
    effectiveFrom: dateOut.optional(),
    events: z.number().int().describe('events appended'),
    warnings: z
      .array(z.object({ path: z.string(), code: z.string(), message: z.string() }).strict())
      .optional()
      .describe('what was written but may not be what was meant: NewFundingSource, an allocation under a source its measure did not have (co-funding, or a misspelt name)'),
    ...WRITTEN,
  })
  .strict()
  .openapi('AmendmentWritten');

const importedSchema = z
  .object({ programmeId: z.string(), decisionId: z.string(), warnings: z.array(z.object({ line: z.number().int(), message: z.string() }).strict()), ...WRITTEN })
  .strict()
  .openapi('Imported');

const programmeSummarySchema = z
  .object({ id: z.string(), title: z.string(), community: z.string(), period: periodSchema, revision: z.number().int(), totals: totalsSchema })
  .strict()
  .openapi('ProgrammeSummary');

route({ method: 'post', path: '/api/v1/programmes/import', summary: 'Import an annex (secretariat)', security: [{ bearer: [] }], request: { body: { content: { 'application/json': { schema: importBodySchema } } } }, responses: { 201: withHeaders(jsonResponse('the programme imported, and what the reader warned of', importedSchema), { Location: 'the programme’s address', ETag: 'the programme’s revision, for If-Match' }), ...UNCONDITIONAL_PROBLEMS } });
route({ method: 'get', path: '/api/v1/programmes', summary: 'Programmes with their current totals', responses: { 200: jsonResponse('every programme', z.array(programmeSummarySchema)), 400: PROBLEMS[400] } });
route({ method: 'get', path: '/api/v1/programmes/{id}', summary: 'The programme view on both time axes; ETag = stream revision', request: { params: programmeParams, query: viewQuerySchema }, responses: { 200: withHeaders(jsonResponse('the programme view', programmeViewSchema), { ETag: 'the stream revision known at knownAt, for If-Match on a write' }), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
route({ method: 'get', path: '/api/v1/programmes/{id}/versions', summary: 'One version per amendment in force, in effective order, as known at knownAt', request: { params: programmeParams, query: knownAtQuerySchema }, responses: { 200: jsonResponse('the versions', z.object({ programmeId: z.string(), versions: z.array(versionSchema) }).strict()), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
route({ method: 'get', path: '/api/v1/programmes/{id}/versions/{decisionId}', summary: 'The programme as amended by a decision, as known at knownAt', request: { params: versionParams, query: knownAtQuerySchema }, responses: { 200: jsonResponse('the version, and the programme as it amended it', z.object({ version: versionSchema, programme: programmeViewSchema }).strict()), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
route({ method: 'get', path: '/api/v1/programmes/{id}/diff', summary: 'Comparative table (було / стало) between two views', request: { params: programmeParams, query: diffQuerySchema }, responses: { 200: jsonResponse('the comparative table', diffSchema), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
route({ method: 'get', path: '/api/v1/programmes/{id}/audit', summary: 'Audit trail (auditor, secretariat)', security: [{ bearer: [] }], request: { params: programmeParams, query: auditQuerySchema }, responses: { 200: withHeaders(jsonResponse('a page of the audit trail', auditPageSchema), { Link: '<audit?…&after=…>; rel="next" (RFC 8288, relative to this page) while another page follows: this request with `after` set to `next`' }), 400: PROBLEMS[400], 401: PROBLEMS[401], 403: PROBLEMS[403], 404: PROBLEMS[404], 429: PROBLEMS[429] } });
route({ method: 'post', path: '/api/v1/programmes/{id}/amendments', summary: 'Register an amendment (secretariat)', security: [{ bearer: [] }], request: { params: programmeParams, headers: ifMatchHeader, body: { content: { 'application/json': { schema: amendmentBodySchema } } } }, responses: { 201: withHeaders(jsonResponse('the amendment registered', amendmentWrittenSchema), { ETag: 'the programme’s revision after it' }), ...PROBLEMS } });
route({ method: 'post', path: '/api/v1/programmes/{id}/amendments/{amendmentId}/revocation', summary: 'Revoke an amendment registered in error (secretariat)', security: [{ bearer: [] }], request: { params: amendmentParams, headers: ifMatchHeader, body: { content: { 'application/json': { schema: revocationBodySchema } } } }, responses: { 201: withHeaders(jsonResponse('the revocation registered', amendmentWrittenSchema), { ETag: 'the programme’s revision after it' }), ...PROBLEMS } });
