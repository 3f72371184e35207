import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import type { TestApp } from './app';

/**
 * Helpers for end-to-end tests that amend programmes through the REST API: a fresh copy of the Korosten
 * annex per test (so tests sharing one app never see each other's writes), decisions, amendments, views,
 * and exact money arithmetic on the API's decimal strings.
 */

export const ANNEX = readFileSync(join(__dirname, '../../examples/korosten-self-government-2024-2026.txt'), 'utf8');

/** The seed's only funding source. */
export const BUDGET = 'Бюджет Коростенської міської територіальної громади';

import type { DirectionView, MeasureView, ProgrammeView } from '../../src/programme/read/programme.view';

export type { DirectionView, MeasureView, ProgrammeView, SectionView, TotalsView } from '../../src/programme/read/programme.view';

export interface Change {
  readonly op: string;
  readonly [field: string]: unknown;
}

/** Imports the bundled annex as a new programme; its approving decision and executors exist after the seed. */
export async function importAnnex(t: TestApp, programmeId: string): Promise<void> {
  await t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId, document: ANNEX }).expect(201);
}

let session = 40;

/** Registers a decision adopted (and so in force) on `adoptedOn`; returns its id. */
let copies = 0;

/** A new programme holding the Korosten annex as approved on 22.02.2024, under an id of its own (`prefix-N`). */
export async function freshCopy(t: TestApp, prefix: string): Promise<string> {
  copies += 1;
  const id = `${prefix}-${copies}`;
  await importAnnex(t, id);
  return id;
}

export async function registerDecision(t: TestApp, adoptedOn: string): Promise<string> {
  session += 1;
  const res = await postDecision(t, { session, number: `${session}00-${session}-VIII`, adoptedOn }).expect(201);
  return res.body.id as string;
}

/** POST /decisions: a decision of the Korosten council, `details` replacing what a test cares about; the answer as it comes. */
export function postDecision(t: TestApp, details: { session: number; number: string | null; adoptedOn: string; effectiveFrom?: string; title?: string; council?: string; convocation?: string }) {
  return t.http
    .post('/api/v1/decisions')
    .set(t.as('secretariat'))
    .send({ council: 'Коростенська міська рада', convocation: 'VIII', title: 'Про внесення змін до Програми', ...details });
}

export async function registerExecutor(t: TestApp, name: string): Promise<string> {
  const res = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name }).expect(201);
  return res.body.id as string;
}

export function amend(t: TestApp, programmeId: string, body: unknown, headers: Record<string, string> = {}) {
  return t.http.post(`/api/v1/programmes/${programmeId}/amendments`).set(t.as('secretariat')).set(headers).send(body as object);
}

export function revoke(t: TestApp, programmeId: string, amendmentId: string, reason = 'внесено помилково', headers: Record<string, string> = {}) {
  return t.http.post(`/api/v1/programmes/${programmeId}/amendments/${amendmentId}/revocation`).set(t.as('secretariat')).set(headers).send({ reason });
}

export async function viewOf(t: TestApp, programmeId: string, query: { asOf?: string; knownAt?: string } = {}): Promise<ProgrammeView> {
  const res = await t.http.get(`/api/v1/programmes/${programmeId}`).query(query).expect(200);
  return res.body as ProgrammeView;
}

/** The programme's ETag as a GET sees it. */
export async function etagOf(t: TestApp, programmeId: string): Promise<string> {
  const res = await t.http.get(`/api/v1/programmes/${programmeId}`).expect(200);
  return res.headers.etag as string;
}

export function measures(view: ProgrammeView): MeasureView[] {
  return view.sections.flatMap((s) => s.directions.flatMap((d) => d.measures));
}

export function measureOf(view: ProgrammeView, number: string): MeasureView {
  const found = measures(view).find((m) => m.number === number);
  if (!found) throw new Error(`no measure ${number} in the view`);
  return found;
}

export function directionOf(view: ProgrammeView, number: string): DirectionView {
  const found = view.sections.flatMap((s) => s.directions).find((d) => d.measures.some((m) => m.number === number));
  if (!found) throw new Error(`no direction holds measure ${number}`);
  return found;
}

/** "3887.30" → 388730000n kopecks, exactly; null (none) adds as 0. Thousand UAH with up to 5 decimals. */
export function kopecks(amount: string | null): bigint {
  if (amount === null) return 0n;
  const m = /^(\d+)(?:\.(\d{1,5}))?$/.exec(amount);
  if (!m) throw new Error(`not an API amount: ${amount}`);
  return BigInt(m[1]) * 100_000n + BigInt((m[2] ?? '').padEnd(5, '0'));
}

/** The status and problem+json body of a refused request, for one readable assertion. */
export function problemOf(res: Response): { status: number; contentType: string; code: string; problems: Record<string, unknown>[] } {
  return { status: res.status, contentType: String(res.headers['content-type']), code: res.body.code, problems: res.body.problems };
}

export const PROBLEM_JSON = /^application\/problem\+json/;
