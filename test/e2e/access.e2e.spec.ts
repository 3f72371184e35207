import { readFileSync } from 'node:fs';
import type { Test } from 'supertest';
import { ZodType } from 'zod';
import { todayInKyiv } from '../../src/common/clock';
import { openApiRegistry } from '../../src/http/openapi';
import { amountSchema } from '../../src/http/schemas';
import { BUNDLED_SEED } from '../../src/config/config.schema';
import { binary, KOROSTEN, startApp, type TestApp } from '../support/app';
import { postDecision } from '../support/http-programmes';

type Caller = 'anonymous' | 'wrong token' | 'auditor' | 'secretariat';
const CALLERS: readonly Caller[] = ['anonymous', 'wrong token', 'auditor', 'secretariat'];

/** What each kind of route answers each caller (DESIGN §7, §8). */
const EXPECTED = {
  // Reads need no token, but a token nobody issued is refused everywhere, so a misconfigured client notices.
  public: { anonymous: 200, 'wrong token': 401, auditor: 200, secretariat: 200 },
  audit: { anonymous: 401, 'wrong token': 401, auditor: 200, secretariat: 200 },
  write: { anonymous: 401, 'wrong token': 401, auditor: 403, secretariat: 201 },
  // The Swagger UI page is served by its Fastify plugin, outside Nest's guard; it checks tokens itself.
  uiPage: { anonymous: 200, 'wrong token': 401, auditor: 200, secretariat: 200 },
} as const satisfies Record<string, Record<Caller, number>>;

const WRONG_TOKEN = { Authorization: 'Bearer not-a-token-anyone-issued' };

/** Ids the routes are called with, registered before the table runs. */
interface Fixtures {
  readonly seedDecision: string;
  readonly decision: string;
  readonly laterDecision: string;
  readonly executor: string;
  readonly executorToRetire: string;
  readonly amendmentToRevoke: string;
}

interface Route {
  readonly method: 'get' | 'post';
  /** As the OpenAPI document writes it; the API rows are checked against that document. */
  readonly path: string;
  readonly access: keyof typeof EXPECTED;
  /** A valid request, so that the status shows the access rule and nothing else. */
  readonly url: (f: Fixtures) => string;
  readonly body?: (f: Fixtures) => object;
}

const P = `/api/v1/programmes/${KOROSTEN}`;
const KOROSTEN_ANNEX = readFileSync(BUNDLED_SEED, 'utf8');

const ROUTES: readonly Route[] = [
  { method: 'get', path: '/api/v1/decisions', access: 'public', url: () => '/api/v1/decisions' },
  { method: 'get', path: '/api/v1/decisions/{id}', access: 'public', url: (f) => `/api/v1/decisions/${f.seedDecision}` },
  { method: 'get', path: '/api/v1/executors', access: 'public', url: () => '/api/v1/executors?asOf=2025-01-01' },
  { method: 'get', path: '/api/v1/executors/{id}', access: 'public', url: (f) => `/api/v1/executors/${f.executor}` },
  { method: 'get', path: '/api/v1/executors/{id}/changes', access: 'audit', url: (f) => `/api/v1/executors/${f.executor}/changes` },
  { method: 'get', path: '/api/v1/decisions/{id}/changes', access: 'audit', url: (f) => `/api/v1/decisions/${f.seedDecision}/changes` },
  { method: 'get', path: '/api/v1/programmes', access: 'public', url: () => '/api/v1/programmes' },
  { method: 'get', path: '/api/v1/programmes/{id}', access: 'public', url: () => `${P}?asOf=2025-06-01&knownAt=${new Date().toISOString()}` },
  { method: 'get', path: '/api/v1/programmes/{id}/versions', access: 'public', url: () => `${P}/versions` },
  { method: 'get', path: '/api/v1/programmes/{id}/versions/{decisionId}', access: 'public', url: (f) => `${P}/versions/${f.seedDecision}` },
  { method: 'get', path: '/api/v1/programmes/{id}/diff', access: 'public', url: (f) => `${P}/diff?from=${f.seedDecision}&to=2025-06-01` },
  { method: 'get', path: '/api/v1/programmes/{id}/audit', access: 'audit', url: () => `${P}/audit?limit=5` },
  { method: 'get', path: '/api/v1/programmes/{id}/audit/export', access: 'audit', url: () => `${P}/audit/export?measure=1.1` },
  {
    method: 'post',
    path: '/api/v1/decisions',
    access: 'write',
    url: () => '/api/v1/decisions',
    body: () => ({ council: 'Коростенська міська рада', convocation: 'VIII', session: 45, number: '2001', adoptedOn: '2025-06-12', title: 'Про внесення змін' }),
  },
  { method: 'post', path: '/api/v1/decisions/{id}/corrections', access: 'write', url: (f) => `/api/v1/decisions/${f.decision}/corrections`, body: () => ({ number: '1501' }) },
  { method: 'post', path: '/api/v1/executors', access: 'write', url: () => '/api/v1/executors', body: () => ({ name: 'Управління житлово-комунального господарства' }) },
  {
    method: 'post',
    path: '/api/v1/executors/{id}/renames',
    access: 'write',
    url: (f) => `/api/v1/executors/${f.executor}/renames`,
    body: () => ({ name: 'Відділ кадрової роботи', effectiveFrom: '2025-01-01' }),
  },
  { method: 'post', path: '/api/v1/executors/{id}/retirement', access: 'write', url: (f) => `/api/v1/executors/${f.executorToRetire}/retirement`, body: () => ({ effectiveFrom: '2025-01-01' }) },
  {
    method: 'post',
    path: '/api/v1/programmes/import',
    access: 'write',
    url: () => '/api/v1/programmes/import',
    body: () => ({ programmeId: 'access-check', document: KOROSTEN_ANNEX }),
  },
  {
    method: 'post',
    path: '/api/v1/programmes/{id}/amendments',
    access: 'write',
    url: () => `${P}/amendments`,
    body: (f) => ({ decisionId: f.laterDecision, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '80.00' }] }),
  },
  {
    method: 'post',
    path: '/api/v1/programmes/{id}/amendments/{amendmentId}/revocation',
    access: 'write',
    url: (f) => `${P}/amendments/${f.amendmentToRevoke}/revocation`,
    body: () => ({ reason: 'entered against the wrong measure' }),
  },
  { method: 'get', path: '/api/v1/programmes/{id}/export', access: 'public', url: () => `${P}/export?format=json` },
  { method: 'get', path: '/api/v1/programmes/{id}/diff/export', access: 'public', url: () => `${P}/diff/export?from=2024-03-01&to=2025-06-01` },
  { method: 'get', path: '/api/v1/opendata/programmes.csv', access: 'public', url: () => '/api/v1/opendata/programmes.csv' },
  { method: 'get', path: '/api/v1/opendata/amendments.csv', access: 'public', url: () => '/api/v1/opendata/amendments.csv' },
  { method: 'get', path: '/health', access: 'public', url: () => '/health' },
  { method: 'get', path: '/ready', access: 'public', url: () => '/ready' },
  { method: 'get', path: '/metrics', access: 'public', url: () => '/metrics' },
  { method: 'get', path: '/docs-json', access: 'public', url: () => '/docs-json' },
  { method: 'get', path: '/docs', access: 'uiPage', url: () => '/docs' },
];

/** The schema the OpenAPI document gives a route's JSON answer with this status. */
function documentedSchema(route: Route, status: number): ZodType {
  const definition = openApiRegistry.definitions.find((d) => d.type === 'route' && d.route.method === route.method && d.route.path === route.path);
  const response = definition?.type === 'route' ? definition.route.responses[status] : undefined;
  const media = response && 'content' in response ? response.content?.['application/json'] : undefined;
  const schema = media && 'schema' in media ? media.schema : undefined;
  if (!(schema instanceof ZodType)) throw new Error(`the OpenAPI document gives ${route.method} ${route.path} no JSON schema for ${status}`);
  return schema;
}

function headersFor(t: TestApp, caller: Caller): Record<string, string> {
  if (caller === 'anonymous') return {};
  if (caller === 'wrong token') return WRONG_TOKEN;
  return t.as(caller);
}

function call(t: TestApp, route: Route, fixtures: Fixtures, caller: Caller): Test {
  const request = t.http[route.method](route.url(fixtures)).set(headersFor(t, caller));
  return route.body ? request.send(route.body(fixtures)) : request;
}

describe('who may call what', () => {
  let t: TestApp;
  let fixtures: Fixtures;

  beforeAll(async () => {
    t = await startApp();
    const secretariat = t.as('secretariat');
    const decision = (session: number, adoptedOn: string) =>
      t.http
        .post('/api/v1/decisions')
        .set(secretariat)
        .send({ council: 'Коростенська міська рада', convocation: 'VIII', session, number: null, adoptedOn, title: 'Про внесення змін до Програми' })
        .expect(201);
    const executor = (name: string) => t.http.post('/api/v1/executors').set(secretariat).send({ name }).expect(201);
    const seedDecision = (await t.http.get('/api/v1/decisions').expect(200)).body[0].id;
    const first = (await decision(40, '2024-12-20')).body.id;
    const later = (await decision(41, '2025-03-20')).body.id;
    const amendment = await t.http
      .post(`${P}/amendments`)
      .set(secretariat)
      .send({ decisionId: first, changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00' }] })
      .expect(201);
    fixtures = {
      seedDecision,
      decision: first,
      laterDecision: later,
      executor: (await executor('Відділ кадрів')).body.id,
      executorToRetire: (await executor('Сектор, що ліквідується')).body.id,
      amendmentToRevoke: amendment.body.amendmentId,
    };
  });
  afterAll(async () => t.close());

  it('has a row for every route of the OpenAPI document', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
    const listed = ROUTES.filter((r) => r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`);
    expect(listed.sort()).toEqual(documented.sort());
  });

  // Within a route the secretariat comes last, so that its write does not change what the others are refused.
  describe.each(ROUTES)('$method $path', (route) => {
    it.each(CALLERS)('answers %s as the rule says', async (caller) => {
      const res = await call(t, route, fixtures, caller);
      expect({ caller, status: res.status }).toEqual({ caller, status: EXPECTED[route.access][caller] });
      if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      // and an API answer in JSON is what the OpenAPI document says it is: every field, and no other
      if (route.path.startsWith('/api/') && res.status < 300 && /^application\/json/.test(res.headers['content-type'] ?? '')) {
        const parsed = documentedSchema(route, res.status).safeParse(res.body);
        expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      }
    });
  });
});

describe('problems, headers and operations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());

  it('lists every problem of an invalid body with its JSON path', async () => {
    // given a body wrong in five places at once
    const body = {
      decisionId: '',
      changes: [{ op: 'setAllocation', measure: '1.1', year: '2025', amount: 75 }, { op: 'renameEverything' }],
      comment: 'not a field',
    };

    // when
    const res = await t.http.post(`${P}/amendments`).set(t.as('secretariat')).send(body).expect(400);

    // then
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'InvalidBody' });
    expect(res.body.problems.map((p: { path: string }) => p.path).sort()).toEqual(
      ['$.comment', '$.changes[0].amount', '$.changes[0].year', '$.changes[1].op', '$.decisionId'].sort(),
    );
    expect(res.body.problems.every((p: { message: string }) => p.message.length > 0)).toBe(true);
  });

  it('tells caches what they may keep: a view that may change is not kept (its ETag, a revision, outlives a rename or a new day), what needs a token and every problem or write is not kept, versions as known when the annex was recorded are kept', async () => {
    const cacheControl = async (request: Test) => (await request).headers['cache-control'];
    const recent = (await t.http.get(P).expect(200)).body.knownAt as string;
    const views = [
      await cacheControl(t.http.get(P).expect(200)),
      await cacheControl(t.http.get(P).query({ asOf: '2025-01-01', knownAt: recent }).expect(200)),
      await cacheControl(t.http.get(`${P}/diff`).query({ from: '2025-01-01', to: '2025-06-01' }).expect(200)),
    ];
    expect(views).toEqual(['no-store', 'no-store', 'no-store']);
    expect(await cacheControl(t.http.get(`${P}/audit`).set(t.as('auditor')).expect(200))).toBe('private, no-store');
    expect(await cacheControl(t.http.get(P).set(t.as('auditor')).expect(200))).toBe('private, no-store');
    expect(await cacheControl(t.http.get(`${P}/audit`).expect(401))).toBe('no-store');
    expect(await cacheControl(t.http.get('/api/v1/programmes/nowhere').query({ asOf: '2025-01-01', knownAt: '2020-01-01T00:00:00.000Z' }).expect(404))).toBe('no-store');
    expect(await cacheControl(postDecision(t, { session: 60, number: '6001', adoptedOn: '2025-07-03' }).expect(201))).toBe('no-store');
    // the versions as known when the annex was recorded, once the read models hold a later write (the decision above)
    const annexRecordedAt = (await t.http.get(`${P}/versions`).expect(200)).body.versions[0].recordedAt as string;
    expect(await cacheControl(t.http.get(`${P}/versions`).query({ knownAt: annexRecordedAt }).expect(200))).toBe('public, max-age=86400, immutable');
  });

  it('answers a body that is not JSON with a 400 problem, not a 500', async () => {
    const res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json').send('{"council": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    // The body as a whole is what cannot be read.
    expect(res.body.problems).toEqual([expect.objectContaining({ code: 'MalformedRequest', path: '$', message: expect.stringMatching(/^the body is not JSON: ./) })]);
    const empty = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json').send('').expect(400);
    expect(empty.body.problems).toEqual([expect.objectContaining({ code: 'MalformedRequest', path: '$', message: expect.stringContaining('empty') })]);
  });

  it('refuses a key named __proto__ at its path, once, in a body or in a map such as allocations, and writes nothing', async () => {
    const before = await t.http.get(P).expect(200);
    const decisions = (await t.http.get('/api/v1/decisions').expect(200)).body;
    const post = (path: string, body: string) => t.http.post(path).set(t.as('secretariat')).set('Content-Type', 'application/json').send(body).expect(400);
    const decision = await post('/api/v1/decisions', '{"__proto__":{"admin":true},"council":"Коростенська міська рада","convocation":"VIII","session":50,"number":"50-1","adoptedOn":"2025-07-01","title":"Про внесення змін"}');
    expect(decision.body.problems).toEqual([{ path: '$.__proto__', code: 'forbidden_key', message: 'a key named __proto__ is not taken' }]);
    // a map would otherwise drop it without a word, and register the rest
    const measure = '{"op":"addMeasure","number":"1.98","direction":"1","title":"Захід","term":{"from":2024,"to":2026},"executors":[],"fundingSources":[{"source":"Бюджет","allocations":{"__proto__":"5.00","2025":"1.00"}}],"expectedResults":[]}';
    const amendment = await post(`${P}/amendments`, `{"decisionId":"any","changes":[${measure}]}`);
    expect(amendment.body.problems).toEqual([expect.objectContaining({ path: '$.changes[0].fundingSources[0].allocations.__proto__', code: 'forbidden_key' })]);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toHaveLength(decisions.length);
    expect((await t.http.get(P).expect(200)).headers.etag).toBe(before.headers.etag);
  });

  it('refuses a body that gives a field twice in one object, at each such field, and writes nothing', async () => {
    // given an amendment whose change says two amounts, and a decision that says two numbers
    const before = await t.http.get(P).expect(200);
    const decisions = (await t.http.get('/api/v1/decisions').expect(200)).body;
    const send = (path: string, body: string) => t.http.post(path).set(t.as('secretariat')).set('If-Match', before.headers.etag).set('Content-Type', 'application/json').send(body);
    const decisionId = decisions[0].id;

    // when
    const amendment = await send(`${P}/amendments`, `{"decisionId":"${decisionId}","changes":[{"op":"setAllocation","measure":"1.1","year":2025,"amount":"1.00","amount":"999.00"}]}`).expect(400);
    const decision = await send('/api/v1/decisions', '{"council":"Коростенська міська рада","convocation":"VIII","session":53,"number":"53-1","number":"53-2","adoptedOn":"2025-07-03","title":"Про внесення змін","title":"x"}').expect(400);

    // then
    expect(amendment.body).toMatchObject({ code: 'RepeatedName', problems: [{ path: '$.changes[0].amount', code: 'RepeatedName' }] });
    expect(decision.body.problems.map((p: { path: string }) => p.path)).toEqual(['$.number', '$.title']);
    // and a body nested far deeper than any request is refused as that, whoever sends it
    const deep = await t.http.post('/api/v1/decisions').set('Content-Type', 'application/json').send(`${'['.repeat(40_000)}${']'.repeat(40_000)}`).expect(400);
    expect(deep.body.problems).toEqual([expect.objectContaining({ path: '$', code: 'NestedTooDeep' })]);
    // and thousands of repeats are answered with the first hundred
    const many = await send('/api/v1/decisions', `[${Array(5_000).fill('{"a":1,"a":2}').join(',')}]`).expect(400);
    expect([many.body.detail, many.body.problems.length, many.body.problems[99].path]).toEqual(['the body gives more than 100 fields twice in one object; the first 100 are listed', 100, '$[99].a']);
    // as are thousands of fields no body takes
    const unknown = await send('/api/v1/decisions', JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field${i}`, i])))).expect(400);
    expect([unknown.body.problems.length, unknown.body.detail]).toEqual([100, expect.stringMatching(/more problems than one answer lists; 100 listed$/)]);
    // and ten thousand under a name as long as a body, each at a path that shows the name's start
    const longName = 'k'.repeat(100_000);
    const underLongName = await send('/api/v1/decisions', `{"${longName}": [${Array(10_000).fill('"\\ud800"').join(',')}]}`).expect(400);
    expect(underLongName.body.problems).toHaveLength(100);
    expect(underLongName.body.problems[0].path).toBe(`$["${'k'.repeat(200)}…"][0]`);
    expect(underLongName.text.length).toBeLessThan(100_000);
    // and a body of half a million elements is read through, not beyond the stack
    await send('/api/v1/decisions', `{"council": [${Array(500_000).fill('0').join(',')}]}`).expect(400);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toHaveLength(decisions.length);
    expect((await t.http.get(P).expect(200)).headers.etag).toBe(before.headers.etag);
  });

  it('reads a JSON body that starts with a byte-order mark, as some editors and shells write it', async () => {
    const body = '\uFEFF{"council":"Коростенська міська рада","convocation":"VIII","session":51,"number":"51-1","adoptedOn":"2025-07-02","title":"Про внесення змін"}';
    const res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json').send(body).expect(201);
    expect(res.body.number).toBe('51-1');
  });

  it('says a body that is not UTF-8 is not, and refuses an encoded (gzip) body with 415 at its Content-Encoding; writes nothing', async () => {
    const before = (await t.http.get('/api/v1/decisions').expect(200)).body;
    // superagent would send a Buffer under a JSON Content-Type as JSON of its bytes; its types only know string bodies
    const asSent = ((bytes: Buffer) => bytes) as unknown as (body: unknown) => string;
    const latin1 = Buffer.concat([Buffer.from('{"council":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","convocation":"VIII","session":52,"number":"52-1","adoptedOn":"2025-07-09","title":"x"}')]);
    const notUtf8 = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json').serialize(asSent).send(latin1).expect(400);
    expect(notUtf8.body).toMatchObject({ code: 'MalformedRequest', detail: 'the body is not UTF-8 text, which JSON must be' });

    const json = '{"council":"Коростенська міська рада","convocation":"VIII","session":52,"number":"52-1","adoptedOn":"2025-07-09","title":"Про внесення змін"}';
    const gzipped = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(json).expect(415);
    expect(gzipped.body.problems).toEqual([expect.objectContaining({ path: 'header:Content-Encoding', code: 'UnsupportedContentEncoding' })]);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual(before);
    // and a body declared in a charset other than UTF-8 is refused at its Content-Type, not read as UTF-8
    for (const contentType of ['application/json; charset=latin1', 'application/json; charset="windows-1251"', 'application/json; q=1; CHARSET=UTF-16']) {
      const declared = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', contentType).send(json).expect(415);
      expect([contentType, declared.body.problems]).toEqual([contentType, [expect.objectContaining({ path: 'header:Content-Type', code: 'UnsupportedCharset' })]]);
    }
    // and one whose parameters cannot be read is a 400 there, not a guess
    const unreadable = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json; charset=').send(json).expect(400);
    expect(unreadable.body.problems).toEqual([expect.objectContaining({ path: 'header:Content-Type' })]);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual(before);
    // while a charset named inside another parameter's quoted value is no charset, and ASCII is UTF-8
    const other = { ...JSON.parse(json), number: '52-2' };
    await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json; profile="x;charset=latin1"').send(JSON.stringify(other)).expect(201);
    await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json; charset=us-ascii').send(JSON.stringify({ ...other, number: '52-3' })).expect(201);
    // and empty parameters, which RFC 9110 allows, are none
    const empties = ['application/json;', 'application/json; charset=utf-8;', 'application/json;;charset=utf-8'];
    for (const [i, contentType] of empties.entries()) {
      const res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', contentType).send(JSON.stringify({ ...other, number: `52-${4 + i}` }));
      expect([contentType, res.status]).toEqual([contentType, 201]);
    }
    // "identity" is no encoding at all, and UTF-8 named in any case is the charset JSON has
    await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', 'application/json; charset=UTF-8').set('Content-Encoding', 'identity').send(json).expect(201);
  });

  it.each(['text/plain', 'application/xml', 'text/csv', 'application/x-www-form-urlencoded'])('answers a %s body with 415 at its Content-Type, and writes nothing', async (type) => {
    const before = (await t.http.get('/api/v1/decisions').expect(200)).body;
    const res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Content-Type', type).send('council=Коростенська міська рада');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.problems).toEqual([expect.objectContaining({ path: 'header:Content-Type' })]);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual(before);
  });

  it.each([' 75.00', '75.00 ', '007.00', '\t1.00', '+1.00', '.5', '75,00'])('refuses the amount %j, not written as the API writes amounts, at its path', async (written) => {
    const res = await t.http
      .post(`${P}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: 'any', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: written }] })
      .expect(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ path: '$.changes[0].amount' })]);
  });

  it('says an amount finer than a kopeck is that, at the amount, and not merely that it is malformed', async () => {
    const res = await t.http
      .post(`${P}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: 'any', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '1.123456' }] })
      .expect(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ path: '$.changes[0].amount', message: expect.stringContaining('finer than a kopeck') })]);
  });

  it('registers a decision whose number is left out as one without a number yet, as it does with null', async () => {
    const decision = { council: 'Коростенська міська рада', convocation: 'VIII', session: 60, adoptedOn: '2025-09-01', title: 'Про внесення змін до Програми' };
    const left = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send(decision).expect(201);
    expect(left.body).toMatchObject({ ...decision, number: null });
    const blank = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...decision, session: 61, number: null }).expect(201);
    expect(blank.body.number).toBeNull();

    // and a correction that leaves the number out keeps it
    const numbered = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...decision, session: 62, number: '6200' }).expect(201);
    const corrected = await t.http.post(`/api/v1/decisions/${numbered.body.id}/corrections`).set(t.as('secretariat')).send({ title: 'Про внесення змін до Програми (уточнено)' }).expect(201);
    expect(corrected.body).toMatchObject({ number: '6200', title: 'Про внесення змін до Програми (уточнено)' });
    // and an empty correction names nothing to correct
    await t.http.post(`/api/v1/decisions/${numbered.body.id}/corrections`).set(t.as('secretariat')).send({}).expect(400);
  });

  it('refuses a numbered act registered twice, or corrected into one registered already, naming the first, and writes nothing', async () => {
    // given № 6300 of 2025-10-02, and another decision of that day
    const act = { council: 'Коростенська міська рада', convocation: 'VIII', session: 63, number: '6300', adoptedOn: '2025-10-02', title: 'Про внесення змін до Програми' };
    const first = (await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send(act).expect(201)).body.id;
    const other = (await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...act, number: '6301' }).expect(201)).body.id;
    const before = (await t.http.get('/api/v1/decisions').expect(200)).body;

    // when the act is registered again (the council written in other capitals), or the other is corrected into it
    const again = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...act, council: 'коростенська міська рада', title: 'Інша назва' }).expect(409);
    const corrected = await t.http.post(`/api/v1/decisions/${other}/corrections`).set(t.as('secretariat')).send({ number: '6300' }).expect(409);

    // then both name the first registration, at the number
    for (const res of [again, corrected]) {
      expect(res.body).toMatchObject({ code: 'DecisionAlreadyRegistered', problems: [{ path: '$.number', code: 'DecisionAlreadyRegistered', decisionId: first }] });
      expect(res.body.detail).toBe(`рішення 63 сесії VIII скликання від 02.10.2025 № 6300 is already registered, as decision ${first}`);
    }
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual(before);
    // and the same number on another date is another act; a retry with the first request's Idempotency-Key is its first answer
    await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...act, adoptedOn: '2025-10-03' }).expect(201);
    const keyed = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Idempotency-Key', 'act-6400').send({ ...act, number: '6400' }).expect(201);
    const retried = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).set('Idempotency-Key', 'act-6400').send({ ...act, number: '6400' }).expect(201);
    expect(retried.body.id).toBe(keyed.body.id);
  });

  it('reads a number typed with "№" (or a Latin "N", "No.") before it, or with the dashes Word puts in or spaces around them, as the number: the same act, refused a second time; a blank is no number', async () => {
    const act = { council: 'Коростенська міська рада', convocation: 'VIII', session: 65, adoptedOn: '2025-10-09', title: 'Про внесення змін до Програми' };
    const first = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...act, number: '№ 6500-65-VIII' }).expect(201);
    expect(first.body.number).toBe('6500-65-VIII');
    for (const number of ['6500-65-VIII', '№6500–65–VIII', '6500—65—VIII', '6500 - 65 - VIII', 'N 6500-65-VIII', 'No. 6500-65-VIII', 'no6500-65-VIII', 'Nº 6500-65-VIII', 'N°6500-65-VIII', 'N-6500-65-VIII']) {
      const res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...act, number }).expect(409);
      expect(res.body).toMatchObject({ code: 'DecisionAlreadyRegistered', problems: [expect.objectContaining({ decisionId: first.body.id })] });
    }
    // and "№" alone, or a dash, is the blank of a decision not numbered yet
    for (const number of ['№ ', '—', '№ ___', 'б/н', 'Б/Н', 'N ___', 'N —', 'No', 'N']) {
      expect((await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...act, session: 66, number }).expect(201)).body.number).toBeNull();
    }
  });

  it('takes a convocation only as a Roman numeral is written', async () => {
    for (const convocation of ['IIII', 'I'.repeat(130), 'VX', 'IIX', '', 'viii']) {
      const res = await postDecision(t, { session: 1, number: null, adoptedOn: '2025-01-01', convocation }).expect(400);
      expect([convocation, res.body.problems]).toEqual([convocation, [expect.objectContaining({ path: '$.convocation' })]]);
    }
    for (const convocation of ['IX', 'XIV', 'XXXIX']) await postDecision(t, { session: 1, number: `${convocation}-1`, adoptedOn: '2025-01-01', convocation }).expect(201);
    // as a Ukrainian keyboard types it, with the Cyrillic І and Х, it is the Latin numeral it looks like
    const typed = await postDecision(t, { session: 2, number: 'typed-1', adoptedOn: '2025-01-01', convocation: 'V\u0406\u0406\u0406' }).expect(201);
    expect(typed.body.convocation).toBe('VIII');
    expect((await postDecision(t, { session: 2, number: 'typed-2', adoptedOn: '2025-01-01', convocation: '\u0425\u0406V' }).expect(201)).body.convocation).toBe('XIV');
  });

  it('lists every detail of a decision that cannot be in one answer: the convocation and both dates', async () => {
    const before = (await t.http.get('/api/v1/decisions').expect(200)).body;
    for (const convocation of ['VIIII', 'VIIIIIIIIIIIIIIIIIIII']) {
      const res = await postDecision(t, { session: 67, number: '6800', adoptedOn: '2099-01-01', effectiveFrom: '1980-01-01', convocation }).expect(400);
      expect(res.body.problems.map((p: { path: string; code: string }) => [p.path, p.code])).toEqual([
        ['$.adoptedOn', 'AdoptedInFuture'],
        ['$.effectiveFrom', 'EffectiveTooEarly'],
        ['$.convocation', 'InvalidConvocation'],
      ]);
    }
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual(before);
  });

  it('refuses a decision adopted after today (Kyiv), registered or corrected so, with 400 at adoptedOn, and writes nothing', async () => {
    // given a registered decision, and tomorrow's date in Kyiv
    const decision = await postDecision(t, { session: 65, number: '6600', adoptedOn: '2025-10-16' }).expect(201);
    // two days ahead: a run that crosses midnight in Kyiv still sends a date after its today
    const tomorrow = new Date(Date.parse(`${todayInKyiv()}T12:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
    const before = (await t.http.get('/api/v1/decisions').expect(200)).body;

    // when
    const registered = await postDecision(t, { session: 66, number: '6700', adoptedOn: tomorrow }).expect(400);
    const corrected = await t.http.post(`/api/v1/decisions/${decision.body.id}/corrections`).set(t.as('secretariat')).send({ adoptedOn: tomorrow }).expect(400);

    // then
    for (const res of [registered, corrected]) expect(res.body).toMatchObject({ code: 'AdoptedInFuture', problems: [{ path: '$.adoptedOn', code: 'AdoptedInFuture' }] });
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual(before);
    // and an effective date ahead is what decisions often have
    await postDecision(t, { session: 66, number: '6700', adoptedOn: todayInKyiv(), effectiveFrom: tomorrow }).expect(201);
  });

  it('refuses If-Match on a write that is not conditional (decisions, executors, imports) with 400 at the header, and writes nothing', async () => {
    // given a decision and an executor, each at revision 0
    const decision = (await postDecision(t, { session: 67, number: '6800', adoptedOn: '2025-10-23' }).expect(201)).body.id;
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ з питань запобігання корупції' }).expect(201)).body.id;
    const before = { decisions: (await t.http.get('/api/v1/decisions').expect(200)).body, executors: (await t.http.get('/api/v1/executors').expect(200)).body };

    // when each write is sent as if it were conditional on a revision
    const sent = [
      t.http.post(`/api/v1/decisions/${decision}/corrections`).send({ number: '6801' }),
      t.http.post(`/api/v1/executors/${executor}/renames`).send({ name: 'Сектор з питань запобігання корупції', effectiveFrom: '2025-11-01' }),
      t.http.post(`/api/v1/executors/${executor}/retirement`).send({ effectiveFrom: '2025-12-01' }),
      t.http.post('/api/v1/programmes/import').send({ programmeId: 'conditional-import', document: readFileSync(BUNDLED_SEED, 'utf8') }),
    ];

    // then
    for (const request of sent) {
      const res = await request.set(t.as('secretariat')).set('If-Match', '"0"').expect(400);
      expect(res.body).toMatchObject({ code: 'IfMatchNotTaken', problems: [{ path: 'header:If-Match', code: 'IfMatchNotTaken' }] });
    }
    expect({ decisions: (await t.http.get('/api/v1/decisions').expect(200)).body, executors: (await t.http.get('/api/v1/executors').expect(200)).body }).toEqual(before);
    await t.http.get('/api/v1/programmes/conditional-import').expect(404);
  });

  it('lists the problems of every part of a request together — path, query and body — not only the first part’s', async () => {
    const read = await t.http.get('/api/v1/programmes/not%20an%20id').query({ asOf: '2025-02-30', colour: 'blue' }).expect(400);
    expect(read.body).toMatchObject({ code: 'InvalidRequest', detail: 'the request is not valid: 3 problem(s), in its path and query' });
    expect(read.body.problems.map((p: { path: string }) => p.path)).toEqual(['params:id', 'query:asOf', 'query:colour']);

    const write = await t.http.post('/api/v1/programmes/not%20an%20id/amendments?colour=blue').set(t.as('secretariat')).send({ changes: 5 }).expect(400);
    expect(write.body.code).toBe('InvalidRequest');
    expect(write.body.problems.map((p: { path: string }) => p.path)).toEqual(['params:id', 'query:colour', '$.decisionId', '$.changes']);
    // a write takes no query parameter, as a read takes none it does not name
    const registered = await t.http.post('/api/v1/decisions?dryRun=true').set(t.as('secretariat')).send({}).expect(400);
    expect(registered.body.problems[0]).toMatchObject({ path: 'query:dryRun', message: 'not a parameter this request takes' });
    // one part alone keeps its own answer
    expect((await t.http.get(`${P}?asOf=2025-02-30`).expect(400)).body.code).toBe('InvalidQuery');
  });

  it('names the query parameter that is not valid', async () => {
    const res = await t.http.get(`${P}?asOf=2025-02-30`).expect(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ path: 'query:asOf' })]);
  });

  it('answers a registered decision or executor with its address in Location', async () => {
    const decision = await postDecision(t, { session: 64, number: '6500', adoptedOn: '2025-10-09' }).expect(201);
    const executor = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ з питань адресного реєстру' }).expect(201);
    for (const res of [decision, executor]) expect((await t.http.get(res.headers.location).expect(200)).body.id).toBe(res.body.id);
    expect(decision.headers.location).toBe(`/api/v1/decisions/${decision.body.id}`);
    expect(executor.headers.location).toBe(`/api/v1/executors/${executor.body.id}`);
  });

  it('refuses half a surrogate pair anywhere in a body with 400 at its path, and writes nothing', async () => {
    const before = (await t.http.get('/api/v1/executors').expect(200)).body;
    // JSON escapes the lone half as \ud800; supertest would re-encode a JS string, so the body is sent as written
    const send = (path: string, json: string) => t.http.post(path).set(t.as('secretariat')).set('Content-Type', 'application/json').send(json).expect(400);
    const name = await send('/api/v1/executors', '{"name":"Відділ \\ud800"}');
    expect(name.body.problems).toEqual([{ path: '$.name', code: 'ill_formed_unicode', message: expect.stringContaining('half a surrogate pair') }]);
    const document = await send('/api/v1/programmes/import', '{"programmeId":"broken","document":"Додаток \\udc00","\\ud83d":1}');
    expect(document.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: '$.document', code: 'ill_formed_unicode' }), expect.objectContaining({ path: '$["\\ud83d"]', code: 'ill_formed_unicode' })]));
    // a whole pair is one character, and welcome
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).set('Content-Type', 'application/json').send('{"name":"Відділ \\ud83d\\ude00"}').expect(201);
    expect((await t.http.get('/api/v1/executors').expect(200)).body).toHaveLength(before.length + 1);
  });

  it('refuses a control character in text (a NUL in a title, a DEL in a reason) with 400 at its path, and writes nothing, while tabs and line breaks are text', async () => {
    const before = await t.http.get(P).expect(200);
    const measure = { op: 'addMeasure', number: '1.99', direction: '1', title: 'Захід\u0000', term: { from: 2024, to: 2026 }, executors: [], fundingSources: [], expectedResults: ['рядок\u001b'] };
    const amendment = await t.http.post(`${P}/amendments`).set(t.as('secretariat')).send({ decisionId: 'any', changes: [measure] }).expect(400);
    expect(amendment.body.problems).toEqual([
      { path: '$.changes[0].title', code: 'custom', message: expect.stringContaining('control character (U+0000)') },
      { path: '$.changes[0].expectedResults[0]', code: 'custom', message: expect.stringContaining('control character (U+001B)') },
    ]);
    await t.http.post(`${P}/amendments/any/revocation`).set(t.as('secretariat')).send({ reason: 'помилка\u007f' }).expect(400);
    const note = await t.http.post(`${P}/amendments`).set(t.as('secretariat')).send({ decisionId: 'any', note: 'примітка\u0000', changes: [{ op: 'extendPeriod', to: 2027 }] }).expect(400);
    expect(note.body.problems).toEqual([expect.objectContaining({ path: '$.note', message: expect.stringContaining('control character') })]);
    const number = await postDecision(t, { session: 52, number: '78\u0000-1', adoptedOn: '2025-07-03' }).expect(400);
    expect(number.body.problems).toEqual([expect.objectContaining({ path: '$.number', message: expect.stringContaining('control character') })]);
    expect((await t.http.get(P).expect(200)).headers.etag).toBe(before.headers.etag);
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ\tкультури\nта туризму' }).expect(201);
  });

  it('refuses an invisible character and a word mixing alphabets at their paths, so a look-alike of a name taken does not pass as a new one', async () => {
    // given a unit the directory holds
    const taken = 'Відділ культури та туризму';
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: taken });
    const before = await t.http.get('/api/v1/executors').expect(200);

    // when its name comes again with a zero-width space, with a Latin "K" in a Cyrillic word, and a decision number with a soft hyphen
    const spaced = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ\u200bкультури та туризму' }).expect(400);
    const latin = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ Kультури та туризму' }).expect(400);
    const number = await postDecision(t, { session: 52, number: '78\u00ad1', adoptedOn: '2025-07-03' }).expect(400);

    // then each says what is wrong, where, and nothing is written
    expect(spaced.body.problems).toEqual([{ path: '$.name', code: 'custom', message: 'holds an invisible character (U+200B), which no document shows; remove it' }]);
    // a combining grapheme joiner, which Unicode asks to ignore though it is no format character, too
    const joined = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ культури\u034F та туризму' }).expect(400);
    expect(joined.body.problems).toEqual([expect.objectContaining({ path: '$.name', message: expect.stringContaining('U+034F') })]);
    expect(latin.body.problems).toEqual([{ path: '$.name', code: 'custom', message: 'the word "Kультури" mixes Cyrillic with other letters ("K"); type it in one alphabet' }]);
    expect(number.body.problems).toEqual([expect.objectContaining({ path: '$.number', message: expect.stringContaining('U+00AD') })]);
    // as the Korosten annex's own slip, Arabic letters in "Коростень", is refused in what the API is sent
    const arabic = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ м. Короستنень' }).expect(400);
    expect(arabic.body.problems).toEqual([expect.objectContaining({ path: '$.name', message: expect.stringContaining('"Короستنень" mixes Cyrillic with other letters ("ستن")') })]);
    expect((await t.http.get('/api/v1/executors').expect(200)).body).toEqual(before.body);
    // while words in Latin alone, or joined to Cyrillic ones by a hyphen, the apostrophe Unicode gives Ukrainian (U+02BC)
    // and Roman numerals typed with a Cyrillic "І" are text
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Центр IT-послуг та Wi-Fi мережі' }).expect(201);
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Обʼєднання співвласників «Відділ VІІІ скликання»' }).expect(201);
  });

  it('refuses a measure number with a leading zero in a part ("1.01" reads as "1.1"), at its path', async () => {
    const measure = { op: 'addMeasure', number: '1.01', direction: '1', title: 'Захід', term: { from: 2025, to: 2026 }, executors: [], fundingSources: [], expectedResults: [] };
    const res = await t.http.post(`${P}/amendments`).set(t.as('secretariat')).send({ decisionId: 'any', changes: [measure, { op: 'renumberMeasure', measure: '1.1', number: '01.1' }] }).expect(400);
    expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(['$.changes[0].number', '$.changes[1].number']);
  });

  it('reports a date not written as YYYY-MM-DD once, in a query and in a body', async () => {
    const query = await t.http.get(`${P}?asOf=2025-1-1`).expect(400);
    expect(query.body.problems).toEqual([{ path: 'query:asOf', code: expect.any(String), message: 'a date as YYYY-MM-DD' }]);
    const body = await t.http.post(`${P}/amendments`).set(t.as('secretariat')).send({ decisionId: 'any', effectiveFrom: '2025-1-1', changes: [{ op: 'extendPeriod', to: 2027 }] }).expect(400);
    expect(body.body.problems).toEqual([{ path: '$.effectiveFrom', code: expect.any(String), message: 'a date as YYYY-MM-DD' }]);
  });

  it.each([
    ['programme', '/api/v1/programmes/no-such-programme', 'ProgrammeNotFound'],
    ['decision', '/api/v1/decisions/no-such-decision', 'DecisionNotFound'],
    ['executor', '/api/v1/executors/no-such-executor', 'ExecutorNotFound'],
    ['version', `${P}/versions/no-such-decision`, 'VersionNotFound'],
    ['route', '/api/v1/no-such-route', 'NotFound'],
  ])('answers an unknown %s with a 404 problem', async (_what, url, code) => {
    const res = await t.http.get(url).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code, instance: url });
  });

  it.each([
    ['DELETE', P, 'GET, HEAD'],
    ['PUT', `${P}/amendments`, 'POST'],
    ['PATCH', '/api/v1/decisions', 'GET, HEAD, POST'],
  ])('answers %s %s with a 405 naming the methods the path takes, and writes nothing', async (method, url, allow) => {
    const before = await t.http.get(P).expect(200);
    const res = await t.http[method.toLowerCase() as 'delete' | 'put' | 'patch'](url).set(t.as('secretariat')).send({ decisionId: 'any', changes: [] }).expect(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 405, code: 'MethodNotAllowed', problems: [{ path: 'method', code: 'MethodNotAllowed' }] });
    expect((await t.http.get(P).expect(200)).headers.etag).toBe(before.headers.etag);
    // a path no method takes stays a 404
    await t.http[method.toLowerCase() as 'delete' | 'put' | 'patch']('/api/v1/no-such-route').expect(404);
    // and neither answer depends on the body: one that is not JSON is not read
    const malformed = (target: string) => t.http[method.toLowerCase() as 'delete' | 'put' | 'patch'](target).set(t.as('secretariat')).set('Content-Type', 'application/json').send('{bad');
    expect((await malformed(url)).status).toBe(405);
    expect((await malformed('/api/v1/no-such-route')).status).toBe(404);
  });

  it('keeps a 404 for a path that ends in a slash, which no method takes (not a 405 naming the method it was asked with)', async () => {
    for (const res of [await t.http.get('/api/v1/programmes/'), await t.http.post('/api/v1/decisions/').set(t.as('secretariat')).send({})]) {
      expect({ status: res.status, allow: res.headers.allow }).toEqual({ status: 404, allow: undefined });
    }
  });

  it('sends the security headers on answers, on problems and on the OpenAPI page, none that would send a browser on plain HTTP to HTTPS', async () => {
    for (const url of ['/api/v1/programmes', '/api/v1/no-such-route', '/docs']) {
      const res = await t.http.get(url);
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'referrer-policy': 'no-referrer' });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      // a council's server on its intranet speaks HTTP: upgrading the page's scripts to HTTPS would leave /docs blank
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      // HSTS is the TLS proxy's to send: from here, with includeSubDomains, it would bind every site of the council's domain to HTTPS
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('lets pages on other origins read and write with a bearer token (CORS), and read the ETag and request id', async () => {
    const origin = 'https://opendata.korosten.example';
    const preflight = await t.http
      .options(`${P}/amendments`)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, if-match, idempotency-key')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD, POST');
    expect(preflight.headers['access-control-allow-headers']?.toLowerCase().split(', ')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key', 'read-after-position']),
    );
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

    const read = await t.http.get(P).set('Origin', origin).expect(200);
    expect(read.headers['access-control-allow-origin']).toBe('*');
    expect(read.headers['access-control-expose-headers']?.toLowerCase().split(',').map((h: string) => h.trim())).toEqual(expect.arrayContaining(['etag', 'x-request-id', 'allow', 'link', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']));
    expect(read.headers['cross-origin-resource-policy']).toBe('cross-origin');

    // a portal's page asks again for an open-data set with the ETag it holds
    const asking = await t.http
      .options('/api/v1/opendata/amendments.csv')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'if-none-match')
      .expect(204);
    expect(asking.headers['access-control-allow-headers']?.toLowerCase().split(', ')).toContain('if-none-match');

    // and an OPTIONS that is not a preflight (no Origin) is answered as one, not refused in plain text
    const bare = await t.http.options(P);
    expect({ status: bare.status, body: bare.text }).toEqual({ status: 204, body: '' });
  });

  it('compresses text answers for a client that accepts it (the same bytes once decoded), and leaves small answers, the Word file and clients that do not ask alone', async () => {
    const plain = await t.http.get(P).set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    // sent as it is, it still says that it varies with Accept-Encoding, so that no shared cache gives it to all
    expect(plain.headers.vary?.toLowerCase().split(/,\s*/)).toContain('accept-encoding');
    // supertest decodes gzip and br itself: its text is what a client reads
    const gzipped = await t.http.get(P).set('Accept-Encoding', 'gzip').expect(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary?.toLowerCase().split(/,\s*/).filter((name: string) => name === 'accept-encoding')).toEqual(['accept-encoding']);
    expect(gzipped.text).toBe(plain.text);
    const csv = await t.http.get(`${P}/export?format=csv`).set('Accept-Encoding', 'br').expect(200);
    expect(csv.headers['content-encoding']).toBe('br');
    expect(csv.text).toBe((await t.http.get(`${P}/export?format=csv`).set('Accept-Encoding', 'identity').expect(200)).text);

    const small = await t.http.get('/health').set('Accept-Encoding', 'gzip').expect(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    const docx = await t.http.get(`${P}/export?format=docx`).set('Accept-Encoding', 'gzip').buffer(true).parse(binary).expect(200);
    expect(docx.headers['content-encoding']).toBeUndefined();
  });

  it('echoes a request id the client sends, and makes one otherwise', async () => {
    const echoed = await t.http.get('/api/v1/no-such-route').set('X-Request-Id', 'portal-7f3a.42').expect(404);
    expect(echoed.headers['x-request-id']).toBe('portal-7f3a.42');
    expect(echoed.body.requestId).toBe('portal-7f3a.42');

    const made = await t.http.get('/health').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    // Only a plain token is taken as given, so a client cannot write arbitrary text into the logs.
    const refused = await t.http.get('/health').set('X-Request-Id', 'two words').expect(200);
    expect(refused.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/ready').expect(200)).body).toMatchObject({ status: 'ready', lagEvents: 0 });
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of ['http_request_duration_seconds', 'event_store_appends_total', 'projection_lag_events']) {
      expect(metrics.text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
  });

  it('publishes an OpenAPI 3.1 document with the amendment route and its request schema, and a page for it', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.paths['/api/v1/programmes/{id}/amendments']).toHaveProperty('post');
    expect(document.components.schemas).toHaveProperty('AmendmentRequest');
    expect(document.info.description).toContain('Read-After-Position');
    // the audit's page size is documented as what it accepts: a whole number from 1 to 500, 100 by default
    const audit = document.paths['/api/v1/programmes/{id}/audit'].get;
    expect(audit.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 100 });
    // and a read that refuses an unknown parameter documents its 400
    expect(document.paths['/api/v1/programmes/{id}/versions'].get.responses).toHaveProperty('400');
    // every route lists the 401, 408, 414, 429 and 431 any request may get (an unknown token is refused on public routes too); every write takes Idempotency-Key and lists 415 and 422
    // and every answer names the request id it carries but those Node's parser gives before there is a request (408, 431);
    // those past the rate limit's hook (all but 408, 414 and 431) its headers; a read of the API takes Read-After-Position
    type Operation = { responses: Record<string, { headers?: Record<string, unknown> }>; parameters?: { name: string }[] };
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect([path, method, Object.keys(operation.responses)]).toEqual([path, method, expect.arrayContaining(method === 'post' ? ['401', '408', '414', '415', '422', '429', '431', '503'] : ['401', '408', '414', '429', '431', '503'])]);
        expect([path, method, Object.entries(operation.responses).filter(([, r]) => !r.headers?.['X-Request-Id']).map(([status]) => status)]).toEqual([path, method, ['408', '431']]);
        expect([path, method, Object.entries(operation.responses).filter(([, r]) => !r.headers?.['X-RateLimit-Remaining']).map(([status]) => status).sort()]).toEqual([path, method, ['408', '414', '431']]);
        expect([path, operation.responses['429'].headers]).toEqual([path, expect.objectContaining({ 'Retry-After': expect.anything() })]);
        const header = method === 'post' ? 'idempotency-key' : 'read-after-position';
        expect([path, operation.parameters?.map((p) => p.name)]).toEqual([path, expect.arrayContaining([header])]);
      }
    }
    // every operation has a name of its own for generated clients, and says whether it needs a token
    type Named = { operationId?: string; security?: unknown[] };
    const named = Object.values(document.paths as Record<string, Record<string, Named>>).flatMap((operations) => Object.values(operations));
    expect(new Set(named.map((o) => o.operationId)).size).toBe(named.length);
    expect(named.filter((o) => !Array.isArray(o.security))).toEqual([]);
    expect(document.paths['/api/v1/programmes/{id}'].get.security).toEqual([]);
    expect(document.paths['/api/v1/programmes/{id}/audit'].get.security).toEqual([{ bearer: [] }]);
    // a field that may be null is documented so: allOf with a type that admits null is met by no null (a $ref is an object)
    expect(JSON.stringify(document)).not.toMatch(/"allOf":\[[^\]]*"null"/);
    // the headers a client acts on: the view's ETag, a created resource's Location
    expect(document.paths['/api/v1/programmes/{id}'].get.responses['200'].headers).toHaveProperty('ETag');
    expect(document.paths['/api/v1/decisions'].post.responses['201'].headers).toHaveProperty('Location');
    // and every file names itself
    const files = Object.keys(document.paths).filter((path) => path.includes('export') || path.startsWith('/api/v1/opendata/'));
    expect(files.length).toBe(5);
    for (const path of files) expect([path, document.paths[path].get.responses['200'].headers]).toEqual([path, expect.objectContaining({ 'Content-Disposition': expect.anything() })]);
    // and an amount is documented as the text it must be, which the server holds to
    const amount = document.components.schemas.AmendmentRequest ? JSON.stringify(document.components.schemas.AmendmentRequest) : '';
    const [, written, limit] = /"pattern":("\^\(0\|[^"]*"),"maxLength":(\d+)/.exec(amount) ?? [];
    const pattern = new RegExp(JSON.parse(written ?? '""'));
    const maxLength = Number(limit);
    const samples = ['2000.00', '0', '0.5', '1.00001', '1.000001', '1.000000', '2.5000000000', '1234567890', '12345678901', '01', '1.', '-1', '1e3', ' 1', `1.${'0'.repeat(31)}`];
    for (const text of samples) {
      expect([text, pattern.test(text) && text.length <= maxLength]).toEqual([text, amountSchema.safeParse(text).success]);
    }

    const page = await t.http.get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<html/i);
  });
});

describe('limits', () => {
  it('refuses a body over BODY_LIMIT with a 413 problem, and takes one under it', async () => {
    const t = await startApp({ seed: false, env: { BODY_LIMIT: '2kb' } });
    try {
      const decision = { council: 'Коростенська міська рада', convocation: 'VIII', session: 31, number: null, adoptedOn: '2024-02-22' };
      await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...decision, title: 'Про затвердження Програми' }).expect(201);

      const res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ ...decision, title: 'Д'.repeat(1500) });

      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 413, code: 'BodyTooLarge' });
    } finally {
      await t.close();
    }
  });

  it('answers 429 once a client exceeds RATE_LIMIT_PER_MINUTE, /metrics too, but keeps health checks open', async () => {
    const t = await startApp({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      for (let i = 0; i < 4; i++) await t.http.get('/api/v1/programmes').expect(200);
      await t.http.get('/metrics').expect(200);

      const res = await t.http.get('/api/v1/programmes');

      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      await t.http.get('/health').expect(200);
      await t.http.get('/ready').expect(200);
      // a scrape renders every series (milliseconds of work, hundreds of KB): a Prometheus server asks a few times a minute, a flood is limited
      expect((await t.http.get('/metrics')).status).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('answers 429 after repeated wrong tokens, long before a generous general limit', async () => {
    const t = await startApp({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '10000' } });
    try {
      // given ten failed authentications from one address
      for (let i = 0; i < 10; i++) await t.http.get('/api/v1/programmes').set(WRONG_TOKEN).expect(401);

      // when it tries again
      const res = await t.http.get('/api/v1/programmes').set(WRONG_TOKEN);

      // then it is slowed down, while reads without a token go on
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('TooManyFailedAuthentications');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      // and its rate-limit headers are those of the limit it hit, not the general one's requests to spare
      expect([res.headers['x-ratelimit-limit'], res.headers['x-ratelimit-remaining'], res.headers['x-ratelimit-reset']]).toEqual(['10', '0', res.headers['retry-after']]);
      await t.http.get('/api/v1/programmes').expect(200);
    } finally {
      await t.close();
    }
  });

  it('behind a proxy named in TRUST_PROXY, counts each client by the address the proxy forwards: one guesser locks out only itself', async () => {
    const t = await startApp({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '20', TRUST_PROXY: 'loopback' } });
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    try {
      for (let i = 0; i < 10; i++) await t.http.get('/api/v1/programmes').set(WRONG_TOKEN).set(from('198.51.100.7')).expect(401);
      expect((await t.http.get('/api/v1/programmes').set(WRONG_TOKEN).set(from('198.51.100.7'))).status).toBe(429);
      await t.http.get('/api/v1/programmes').set(t.as('secretariat')).set(from('198.51.100.8')).expect(200);
      // and the general limit too: the guesser's 11 requests and 9 more make its 20, and the others keep their own
      for (let i = 0; i < 9; i++) await t.http.get('/api/v1/programmes').set(from('198.51.100.7')).expect(200);
      expect((await t.http.get('/api/v1/programmes').set(from('198.51.100.7'))).status).toBe(429);
      await t.http.get('/api/v1/programmes').set(from('198.51.100.9')).expect(200);
    } finally {
      await t.close();
    }
  });

  it('without TRUST_PROXY, believes no X-Forwarded-For: a client cannot name another address to go on guessing', async () => {
    const t = await startApp({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '10000' } });
    try {
      for (let i = 0; i < 10; i++) await t.http.get('/api/v1/programmes').set(WRONG_TOKEN).set('X-Forwarded-For', `198.51.100.${i}`).expect(401);
      expect((await t.http.get('/api/v1/programmes').set(WRONG_TOKEN).set('X-Forwarded-For', '198.51.100.99')).status).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('counts wrong tokens on the OpenAPI page too, so it is no way around the limit', async () => {
    const t = await startApp({ seed: false, env: { RATE_LIMIT_PER_MINUTE: '10000' } });
    try {
      for (let i = 0; i < 10; i++) await t.http.get('/docs').set(WRONG_TOKEN).expect(401);
      const res = await t.http.get('/docs').set(WRONG_TOKEN);
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.http.get('/api/v1/programmes').set(WRONG_TOKEN)).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
