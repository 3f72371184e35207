import { z } from 'zod';
import { latinRomanNumeral, romanAsTyped } from '../common/characters';
import { dateOut, instantOut, jsonResponse, PROBLEMS, recordedChangesSchema, route, UNCONDITIONAL_PROBLEMS, withHeaders, WRITTEN } from '../http/openapi';
import { dateSchema, idSchema, plainText, textSchema, wholeNumber } from '../http/schemas';
import { CONVOCATION, decisionNumber } from './domain/decision.decider';

/** The decider's pattern as typed: each I or X may come as the Cyrillic letter that looks like it. */
const TYPED_CONVOCATION = romanAsTyped(CONVOCATION.source);

const details = {
  council: textSchema(300),
  // Checked by the decider, with the dates, so that one answer lists every detail that cannot be (an imported
  // header reaches the same check); here it is the OpenAPI pattern. Typed on a Ukrainian keyboard ("VІІІ" with
  // the Cyrillic І), it is read as the Latin numeral it looks like.
  convocation: z
    .string()
    .max(100, 'a Roman numeral such as "VIII"')
    .transform(latinRomanNumeral)
    .openapi({ type: 'string', pattern: TYPED_CONVOCATION, description: 'a Roman numeral such as "VIII"; the Cyrillic І and Х a Ukrainian keyboard types are read as Latin' }),
  session: wholeNumber(1, 1000),
  number: plainText(z.string().trim().min(1).max(100))
    .transform(decisionNumber)
    .nullable()
    .describe('as the council numbers it ("1878", "1222-31-VIII"; a leading "№" or "N" is left out, dashes read as hyphens, spaces around them dropped); null while blank, as a blank typed ("№ ___", "—") is'),
  adoptedOn: dateSchema,
  effectiveFrom: dateSchema.optional().describe('default: adoptedOn'),
  title: textSchema(2000),
};

export const decisionBodySchema = z
  .object({ ...details, number: details.number.default(null) })
  .strict()
  .openapi('DecisionRequest');

// From the details without the registration's default: a correction that leaves the number out must not clear it.
export const decisionCorrectionSchema = z
  .object(details)
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'name at least one detail to correct')
  .openapi('DecisionCorrection');

export const decisionParams = z.object({ id: idSchema }).strict();

/** A decision as registered: its details with the effective date resolved. */
const registered = {
  status: z.literal('registered'),
  id: z.string(),
  council: z.string(),
  convocation: z.string(),
  session: z.number().int(),
  number: z.string().nullable(),
  adoptedOn: dateOut,
  effectiveFrom: dateOut,
  title: z.string(),
};

const decisionWrittenSchema = z.object({ ...registered, ...WRITTEN }).strict().openapi('DecisionWritten');

const decisionSchema = z
  .object({
    ...registered,
    citation: z.string().describe('how documents cite it: "рішення 31 сесії VIII скликання від 22.02.2024 № 123"'),
    amendments: z.array(
      z.object({ programmeId: z.string(), amendmentId: z.string(), initial: z.boolean(), effectiveFrom: dateOut, recordedAt: instantOut, revokedAt: instantOut.nullable() }).strict(),
    ),
  })
  .strict()
  .openapi('Decision');

route({ method: 'post', path: '/api/v1/decisions', summary: 'Register a decision (secretariat)', security: [{ bearer: [] }], request: { body: { content: { 'application/json': { schema: decisionBodySchema } } } }, responses: { 201: withHeaders(jsonResponse('the decision as registered', decisionWrittenSchema), { Location: 'the decision’s address' }), ...UNCONDITIONAL_PROBLEMS } });
route({ method: 'post', path: '/api/v1/decisions/{id}/corrections', summary: 'Correct a decision’s details (secretariat)', security: [{ bearer: [] }], request: { params: decisionParams, body: { content: { 'application/json': { schema: decisionCorrectionSchema } } } }, responses: { 201: jsonResponse('the decision as registered', decisionWrittenSchema), ...UNCONDITIONAL_PROBLEMS } });
route({ method: 'get', path: '/api/v1/decisions', summary: 'Decisions, with the amendments each made', responses: { 200: jsonResponse('every decision', z.array(decisionSchema)), 400: PROBLEMS[400] } });
route({ method: 'get', path: '/api/v1/decisions/{id}', summary: 'A decision with the amendments it made', request: { params: decisionParams }, responses: { 200: jsonResponse('the decision', decisionSchema), 400: PROBLEMS[400], 404: PROBLEMS[404] } });
route({ method: 'get', path: '/api/v1/decisions/{id}/changes', summary: 'Every change recorded to the decision: when, by whom, what it replaced (auditor, secretariat)', security: [{ bearer: [] }], request: { params: decisionParams }, responses: { 200: jsonResponse('the changes, in record order', z.object({ id: z.string(), changes: recordedChangesSchema }).strict()), 400: PROBLEMS[400], 401: PROBLEMS[401], 403: PROBLEMS[403], 404: PROBLEMS[404] } });
