import { startApp, type TestApp } from '../support/app';
import { amend, etagOf, importAnnex, measures, PROBLEM_JSON, problemOf, registerDecision, viewOf } from '../support/http-programmes';

/**
 * What an auditor sends that cannot name a point in time, a page or a parameter (DESIGN §5, §7): each is a 4xx
 * problem+json that says where the fault is, never a view of some other instant. And the amendment chain cites
 * the amending decisions as a preamble does, in the order they were adopted.
 */

const PROGRAMME = 'auditor-inputs';
const BASE = `/api/v1/programmes/${PROGRAMME}`;
const APPROVED = 'затвердженої рішенням 31 сесії VIII скликання від 22.02.2024';

describe('what an auditor sends: instants, pages, parameters and URLs a read cannot answer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
    await importAnnex(t, PROGRAMME);
  });
  afterAll(async () => t.close());

  const refusal = async (url: string, query: Record<string, string>, role?: 'auditor') => {
    const request = t.http.get(url).query(query);
    return problemOf(await (role ? request.set(t.as(role)) : request));
  };

  describe('an instant on a day the calendar does not have', () => {
    it.each([
      ['a view', BASE, { knownAt: '2026-11-31T00:00:00Z' }, 'query:knownAt'],
      ['a view, 30 February', BASE, { knownAt: '2026-02-30T12:00:00+02:00' }, 'query:knownAt'],
      ['a diff', `${BASE}/diff`, { from: '2025-01-01', to: '2025-06-01', knownAt: '2025-04-31T00:00:00Z' }, 'query:knownAt'],
      ['an export', `${BASE}/export`, { knownAt: '2025-06-31T00:00:00Z' }, 'query:knownAt'],
      ['the audit period', `${BASE}/audit`, { to: '2026-11-31T00:00:00Z' }, 'query:to'],
    ])('%s: 400 at that parameter, not the next day', async (_what, url, query, path) => {
      expect(await refusal(url, query, 'auditor')).toEqual({
        status: 400,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'InvalidQuery',
        problems: [expect.objectContaining({ path, message: 'not a calendar date' })],
      });
    });

    it('past year 9999 once in UTC: 400 at knownAt, saying so', async () => {
      expect((await refusal(BASE, { knownAt: '9999-12-31T23:00:00-05:00' }, 'auditor')).problems).toEqual([
        expect.objectContaining({ path: 'query:knownAt', message: 'an instant from year 0000 to 9999 in UTC' }),
      ]);
    });
  });

  describe('a knownAt that has not come yet', () => {
    const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

    it.each([
      ['a view', BASE, {}],
      ['a diff', `${BASE}/diff`, { from: '2025-01-01', to: '2025-06-01' }],
      ['an export', `${BASE}/export`, { format: 'csv' }],
      ['a comparative table', `${BASE}/diff/export`, { from: '2025-01-01', to: '2025-06-01' }],
    ])('%s: 400 KnownAtInFuture, since what will be known then is not known now', async (_what, url, query) => {
      expect(await refusal(url, { ...query, knownAt: tomorrow() })).toEqual({
        status: 400,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'KnownAtInFuture',
        problems: [expect.objectContaining({ path: 'query:knownAt' })],
      });
    });

    it('the knownAt a view reports is accepted back and gives the same view', async () => {
      const view = await viewOf(t, PROGRAMME);
      expect(await viewOf(t, PROGRAMME, { knownAt: view.knownAt })).toEqual(view);
    });
  });

  describe('a page size that is not a plain whole number', () => {
    it.each(['1e2', '0x10', ' ', '0', '501', '2.5'])('limit=%p: 400 at query:limit', async (limit) => {
      expect(await refusal(`${BASE}/audit`, { limit }, 'auditor')).toMatchObject({ status: 400, problems: [expect.objectContaining({ path: 'query:limit' })] });
    });

    it('without a limit a page holds 100 lines; limit=500 holds up to 500', async () => {
      // given a trail of more than 100 lines: the annex's, and two amendments setting every cell of 2025 and 2026
      // within each measure's term
      const programme = 'auditor-inputs-pages';
      await importAnnex(t, programme);
      const cells = measures(await viewOf(t, programme)).flatMap((m) => [2025, 2026].filter((year) => m.term.from <= year && year <= m.term.to).map((year) => ({ measure: m.number, year })));
      for (const [adoptedOn, amount] of [['2025-03-20', '1.00'], ['2025-04-10', '2.00']]) {
        const changes = cells.map((cell) => ({ op: 'setAllocation', ...cell, amount }));
        await amend(t, programme, { decisionId: await registerDecision(t, adoptedOn), changes }).expect(201);
      }
      const page = async (query: Record<string, string>) => (await t.http.get(`/api/v1/programmes/${programme}/audit`).set(t.as('auditor')).query(query).expect(200)).body;
      const whole = await page({ limit: '500' });
      expect(whole.entries.length).toBeGreaterThan(100);
      expect(whole.entries.length).toBeLessThan(500);
      expect(whole.next).toBeNull();

      // then the default page is its first 100 lines, with a cursor to the rest
      const first = await page({});
      expect(first.entries).toEqual(whole.entries.slice(0, 100));
      expect(first.next).toBe(whole.entries[99].cursor);
    });
  });

  describe('a parameter a read does not take', () => {
    it.each([
      ['the versions', `${BASE}/versions`],
      ['a version', `${BASE}/versions/some-decision`],
    ])('%s: asOf is refused (400), as a version is a point on the effective axis of its own', async (_what, url) => {
      expect(await refusal(url, { asOf: '2025-01-01' })).toMatchObject({
        status: 400,
        code: 'InvalidQuery',
        problems: [expect.objectContaining({ path: 'query:asOf', code: 'unrecognized_keys' })],
      });
    });

    it.each([
      ['the programmes', '/api/v1/programmes'],
      ['the decisions', '/api/v1/decisions'],
      ['a decision', '/api/v1/decisions/some-decision'],
      ['the open-data programmes', '/api/v1/opendata/programmes.csv'],
      ['the open-data acts', '/api/v1/opendata/amendments.csv'],
    ])('%s: knownAt is refused (400), not silently ignored', async (_what, url) => {
      expect(await refusal(url, { knownAt: '2025-01-01T00:00:00Z' })).toMatchObject({
        status: 400,
        code: 'InvalidQuery',
        problems: [expect.objectContaining({ path: 'query:knownAt', code: 'unrecognized_keys' })],
      });
    });

    it('a parameter with a name as long as a URL is named by its start, as a body’s field is; one with no name is named ""', async () => {
      const long = 'b'.repeat(5000);
      const res = await t.http.get(`${BASE}?${long}=1&=x`).expect(400);
      expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual([`query:${'b'.repeat(200)}…`, 'query:""']);
    });
  });

  describe('a URL the router cannot take', () => {
    it('a path segment longer than any id: 414, as problem+json that a browser on another origin can read', async () => {
      const res = await t.http.get(`/api/v1/programmes/${'a'.repeat(120)}`).set('Origin', 'https://data.gov.ua');
      expect(problemOf(res)).toEqual({
        status: 414,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'PathTooLong',
        problems: [expect.objectContaining({ path: 'url' })],
      });
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
      // and like every problem, it is not kept, and the page may read its request id
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['access-control-expose-headers']).toMatch(/\bX-Request-Id\b/);
    });

    it('headers larger than the server reads: 431, as problem+json that a browser on another origin can read', async () => {
      const res = await t.http.get(BASE).set('X-Padding', 'x'.repeat(20_000));
      expect(problemOf(res)).toEqual({ status: 431, contentType: expect.stringMatching(PROBLEM_JSON), code: 'HeadersTooLarge', problems: [expect.objectContaining({ path: 'url' })] });
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('a malformed percent-escape: 400, as problem+json', async () => {
      const res = await t.http.get('/api/v1/programmes/%E0%A4%A');
      expect(problemOf(res)).toEqual({
        status: 400,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'MalformedUrl',
        problems: [expect.objectContaining({ path: 'url' })],
      });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('a point where the programme is not in force', () => {
    it('names the parameter that chose it', async () => {
      expect(await refusal(BASE, { asOf: '2023-01-01' })).toMatchObject({ status: 404, code: 'ProgrammeNotInForce', problems: [expect.objectContaining({ path: 'query:asOf' })] });
      expect(await refusal(`${BASE}/diff`, { from: '2023-01-01', to: '2025-01-01' })).toMatchObject({
        status: 404,
        code: 'ProgrammeNotInForce',
        problems: [expect.objectContaining({ path: 'query:from' })],
      });
      expect(await refusal(`${BASE}/export`, { asOf: '2023-01-01' })).toMatchObject({ status: 404, problems: [expect.objectContaining({ path: 'query:asOf' })] });
    });

    it('a comparative table from a point that looks like a date but is not one: 400, not a decision to look up', async () => {
      expect(await refusal(`${BASE}/diff/export`, { from: '2025-13-45', to: '2025-06-01' })).toMatchObject({
        status: 400,
        problems: [expect.objectContaining({ path: 'query:from', message: 'not a calendar date' })],
      });
    });
  });

  describe('the amendment chain', () => {
    it('cites the amending decisions in the order they were adopted, whichever takes effect first', async () => {
      // given a decision adopted 10.04.2025 that takes effect at once, and one adopted earlier, on 20.03.2025,
      // whose amendment takes effect later, on 01.05.2025
      const april = await registerDecision(t, '2025-04-10');
      const march = await registerDecision(t, '2025-03-20');
      const etag = await etagOf(t, PROGRAMME);
      await amend(t, PROGRAMME, { decisionId: april, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '80.00' }] }, { 'if-match': etag }).expect(201);
      await amend(t, PROGRAMME, { decisionId: march, effectiveFrom: '2025-05-01', changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00' }] }).expect(201);

      // then as of June the chain cites March's decision before April's
      const { amendmentChain } = await viewOf(t, PROGRAMME, { asOf: '2025-06-01' });
      expect(amendmentChain).toMatch(new RegExp(`^${APPROVED} \\(зі змінами, внесеними рішеннями від 20\\.03\\.2025 № \\S+, від 10\\.04\\.2025 № \\S+\\)$`));
      // and as of mid-April, before March's decision takes effect, only April's is cited
      expect((await viewOf(t, PROGRAMME, { asOf: '2025-04-15' })).amendmentChain).toMatch(new RegExp(`^${APPROVED} \\(зі змінами, внесеними рішенням від 10\\.04\\.2025 № \\S+\\)$`));
    });
  });
});
