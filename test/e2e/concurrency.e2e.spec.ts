import type { Response } from 'supertest';
import { decisionStream } from '../../src/decision/domain/decision.decider';
import { executorIdFor, executorStream } from '../../src/executor/domain/executor.decider';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import { programmeStream } from '../../src/programme/domain/programme.events';
import { readAnnex } from '../../src/programme/import/annex.reader';
import { ProjectionRunner } from '../../src/projections/projection.runner';
import { startApp, type TestApp } from '../support/app';
import { meeting } from '../support/meeting';
import { amend, ANNEX, etagOf, freshCopy, measureOf, postDecision, PROBLEM_JSON, problemOf, registerDecision, viewOf } from '../support/http-programmes';

/**
 * Amendments meet at their read of their decision, made before they touch the programme (meeting). Amendments under
 * one decision take turns (CrossStreamLocks): writers meant to race on the programme each name a decision of their own.
 */
async function simultaneously(t: TestApp, requests: readonly (() => PromiseLike<Response>)[]): Promise<Response[]> {
  const { responses, met } = await meeting(t, (stream) => stream.startsWith(decisionStream('')), requests);
  expect(met).toBe(true);
  return responses;
}

const statuses = (responses: readonly Response[]) => responses.map((r) => r.status).sort();
/** The code of the refused one of two answers. */
const codeOf = (responses: readonly Response[], status = 409) => responses.find((r) => r.status === status)?.body.code as string;

/** Commands a rule across streams sets against each other: with the locks they take turns, and never meet. */
async function inTurns(t: TestApp, at: (stream: string) => boolean, requests: readonly (() => PromiseLike<Response>)[]): Promise<Response[]> {
  const { responses, met } = await meeting(t, at, requests);
  expect(met).toBe(false);
  return responses;
}

/**
 * Writers racing on one programme (DESIGN §5, §7): with If-Match all but the first get a 412; without it
 * every writer lands, none is answered with a conflict; Idempotency-Key makes a retry answer what the first did.
 * One app for the file; every test races on its own copy of the Korosten annex.
 */
describe('concurrent writes to one programme over HTTP', () => {
  const N = 8;
  /** Eight measures of the annex funded 2024–2026, so that N writers touch N different cells. */
  const CELLS = ['1.1', '1.2', '1.3', '1.4', '2.1', '2.2', '2.3', '2.4'];

  let t: TestApp;
  /** One per writer: amendments under one decision would take turns before they reached the programme. */
  let decisionIds: string[];
  const freshProgramme = () => freshCopy(t, 'raced');
  const setCell = (measure: string, amount: string, writer = 0) => ({ decisionId: decisionIds[writer], changes: [{ op: 'setAllocation', measure, year: 2026, amount }] });

  beforeAll(async () => {
    t = await startApp();
    decisionIds = [];
    for (let writer = 0; writer < N; writer++) decisionIds.push(await registerDecision(t, '2025-03-20'));
  });
  afterAll(async () => t.close());

  describe('If-Match', () => {
    it('lets exactly one of N writers holding the same ETag through; the others get 412 naming If-Match', async () => {
      // given a programme and its current ETag
      const programme = await freshProgramme();
      const etag = await etagOf(t, programme);

      // when N writers send different changes at once, all made against that ETag
      const responses = await simultaneously(
        t,
        CELLS.map((measure, writer) => () => amend(t, programme, setCell(measure, '1.00', writer), { 'If-Match': etag })),
      );

      // then one lands and every other is told its ETag is stale
      expect(statuses(responses)).toEqual([201, ...Array<number>(N - 1).fill(412)]);
      for (const refused of responses.filter((r) => r.status === 412)) {
        expect(problemOf(refused)).toEqual({
          status: 412,
          contentType: expect.stringMatching(PROBLEM_JSON),
          code: 'PreconditionFailed',
          problems: [expect.objectContaining({ path: 'header:If-Match', code: 'StaleRevision' })],
        });
      }
      // and only the winner's one append (a header and one change) is in the programme
      const winner = responses.findIndex((r) => r.status === 201);
      const view = await viewOf(t, programme);
      expect(view.revision).toBe(Number(JSON.parse(etag)) + 2);
      expect(CELLS.filter((m) => measureOf(view, m).allocations['2026'] === '1.00')).toEqual([CELLS[winner]]);
    });

    it('refuses a stale ETag with 412 and writes nothing', async () => {
      // given a programme whose ETag a client read before another write
      const programme = await freshProgramme();
      const stale = await etagOf(t, programme);
      await amend(t, programme, setCell('1.1', '80.00')).expect(201);
      const current = await etagOf(t, programme);

      // when the client writes with its stale ETag
      const res = await amend(t, programme, setCell('1.2', '160.00'), { 'If-Match': stale });

      // then it is a 412 telling the current revision, in the problem and as the ETag to retry with, and the programme is as it was
      expect(problemOf(res)).toMatchObject({ status: 412, problems: [{ path: 'header:If-Match', currentRevision: Number(JSON.parse(current)) }] });
      expect(res.headers.etag).toBe(current);
      expect(await etagOf(t, programme)).toBe(current);
      expect(measureOf(await viewOf(t, programme), '1.2').allocations['2026']).toBe('150.00');
    });

    it('takes If-Match as RFC 9110 does: a weak ETag never matches (412), nor does one it never gives (412), `*` asks only that the programme exist, a list matches if one of its ETags does, and anything else is 400', async () => {
      // given a programme and its current ETag
      const programme = await freshProgramme();
      const etag = await etagOf(t, programme);

      // when the current revision, or any tag, is sent as a weak ETag, then it is a 412 naming If-Match, and nothing is written
      for (const header of [`W/${etag}`, 'W/"abc"']) {
        expect(problemOf(await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': header }))).toMatchObject({
          status: 412,
          problems: [expect.objectContaining({ path: 'header:If-Match', code: 'WeakETag' })],
        });
      }
      expect(await etagOf(t, programme)).toBe(etag);

      // when it is a well-formed ETag this API never gives, the current revision zero-padded among them, then it cannot match: a 412 too
      for (const header of ['"v3-abc"', `"0${JSON.parse(etag)}"`]) {
        expect(problemOf(await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': header }))).toMatchObject({
          status: 412,
          problems: [expect.objectContaining({ path: 'header:If-Match', code: 'UnknownETag' })],
        });
      }
      expect(await etagOf(t, programme)).toBe(etag);

      // when it is unquoted, `*` in a list, tags without a comma between them, or a list of nothing, then it is a 400 naming If-Match, and nothing is written
      for (const header of [JSON.parse(etag) as string, `*, ${etag}`, `${etag} "999"`, ', ,']) {
        expect(problemOf(await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': header }))).toMatchObject({ status: 400, problems: [expect.objectContaining({ path: 'header:If-Match' })] });
      }
      expect(await etagOf(t, programme)).toBe(etag);

      // when it is a list without the current ETag, then it is a 412; a list of tags it never gives, a 412 before the programme is read
      expect(problemOf(await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': '"998", "999"' }))).toMatchObject({ status: 412, problems: [expect.objectContaining({ code: 'StaleRevision' })] });
      expect(problemOf(await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': `W/${etag}, "v3-abc"` }))).toMatchObject({ status: 412, problems: [expect.objectContaining({ code: 'UnknownETag' })] });
      expect(await etagOf(t, programme)).toBe(etag);

      // when the list holds the current ETag among others, weak and unknown ones too, and empty elements RFC 9110 says to ignore, then the write lands
      const listed = await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': `, "998",, W/"abc", ${etag},"v3-abc",` }).expect(201);
      expect(listed.headers.etag).not.toBe(etag);

      // when it is `*`, then the write lands on whatever the revision is
      await amend(t, programme, setCell('1.1', '81.00'), { 'If-Match': '*' }).expect(201);
    });

    it('accepts the current ETag', async () => {
      // given a programme and its current ETag
      const programme = await freshProgramme();
      const etag = await etagOf(t, programme);

      // when a client writes with it
      const res = await amend(t, programme, setCell('1.1', '80.00'), { 'If-Match': etag });

      // then the write lands and answers the new ETag
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe(`"${Number(JSON.parse(etag)) + 2}"`);
    });
  });

  describe('without If-Match', () => {
    it('lands all N simultaneous writers on different cells, none answered with a conflict', async () => {
      // given a programme
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);

      // when N writers each set their own cell at once
      const responses = await simultaneously(
        t,
        CELLS.map((measure, writer) => () => amend(t, programme, setCell(measure, `${writer + 1}.00`, writer))),
      );

      // then every one is a 201, each at its own revision
      expect(responses.map((r) => r.status)).toEqual(Array<number>(N).fill(201));
      expect(new Set(responses.map((r) => r.body.revision)).size).toBe(N);
      // and all N changes are in the programme, N appends of two events further on
      const after = await viewOf(t, programme);
      expect(CELLS.map((m) => measureOf(after, m).allocations['2026'])).toEqual(CELLS.map((_, i) => `${i + 1}.00`));
      expect(after.revision).toBe(before.revision + 2 * N);
      expect(Math.max(...responses.map((r) => r.body.revision))).toBe(after.revision);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a retry with the first answer, marked as replayed, without a second append', async () => {
      // given a request that was sent once with a key
      const programme = await freshProgramme();
      const body = setCell('1.1', '80.00');
      const first = await amend(t, programme, body, { 'Idempotency-Key': 'retry-1' }).expect(201);

      // when it is sent again with the same key
      const retry = await amend(t, programme, body, { 'Idempotency-Key': 'retry-1' });

      // then the answer is the same, marked as a replay, and nothing more was appended
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect((await viewOf(t, programme)).revision).toBe(first.body.revision);
    });

    it('refuses an empty key with a 400 at the header, and writes nothing: taken as no key, each retry would write again', async () => {
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);

      for (const [key, code] of [
        ['', 'too_small'],
        ['   ', 'too_small'],
        ['k'.repeat(201), 'too_big'],
      ]) {
        const res = await amend(t, programme, setCell('1.1', '80.00'), { 'Idempotency-Key': key });
        expect(problemOf(res)).toMatchObject({ status: 400, code: 'InvalidIdempotencyKey', problems: [expect.objectContaining({ path: 'header:Idempotency-Key', code })] });
      }
      expect((await viewOf(t, programme)).revision).toBe(before.revision);
      // and a key of 200 characters is taken
      await amend(t, programme, setCell('1.1', '80.00'), { 'Idempotency-Key': 'k'.repeat(200) }).expect(201);
    });

    it('appends once when the same request is sent twice at the same time', async () => {
      // given a programme
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const body = setCell('1.1', '80.00');

      // when two copies of one request are sent at once: under one decision they take turns (CrossStreamLocks), so
      // the second comes when the first is written, as a retry does (commands on one stream queue in the repository too)
      const twin = () => amend(t, programme, body, { 'Idempotency-Key': 'twin' });
      const [a, b] = await inTurns(t, (stream) => stream.startsWith(decisionStream('')), [twin, twin]);

      // then both get the same answer for one amendment of one append, the later one marked as a replay
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body).toEqual(b.body);
      expect([a, b].filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
      expect(a.body.revision).toBe(before.revision + 2);
      const after = await viewOf(t, programme);
      expect(after.revision).toBe(before.revision + 2);
      expect(after.lastAmendment?.amendmentId).toBe(a.body.amendmentId);
    });

    it('refuses the same key with a different body with 422, and writes nothing', async () => {
      // given a request that was sent once with a key
      const programme = await freshProgramme();
      await amend(t, programme, setCell('1.1', '80.00'), { 'Idempotency-Key': 'reused' }).expect(201);
      const etag = await etagOf(t, programme);

      // when another request comes with that key
      const res = await amend(t, programme, setCell('1.1', '90.00'), { 'Idempotency-Key': 'reused' });

      // then it is refused as a reused key, and the first request's change stands
      expect(problemOf(res)).toEqual({
        status: 422,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'IdempotencyKeyReused',
        problems: [expect.objectContaining({ path: 'header:Idempotency-Key' })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
      expect(measureOf(await viewOf(t, programme), '1.1').allocations['2026']).toBe('80.00');
    });
  });
});

/**
 * Rules across streams are checked against the read models (CrossStreamLocks): two commands a rule sets against
 * each other, sent at once, meet at their read of the stream they share, unless the first holds its lock until its
 * write is in the read models. Then the second is checked against it: one of the two is refused, not both written.
 */
describe('commands that a rule across streams sets against each other, sent at once', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());


  it('a correction that moves a decision later, and an amendment under it effective before the new date: one is refused', async () => {
    // given a decision of 20 March, and a programme
    const decisionId = await registerDecision(t, '2025-03-20');
    const programme = await freshCopy(t, 'corrected');

    // when the decision is corrected to 10 April while an amendment under it is made effective from 25 March
    const responses = await inTurns(t, (stream) => stream === decisionStream(decisionId), [
      () => t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ adoptedOn: '2025-04-10' }),
      () => amend(t, programme, { decisionId, effectiveFrom: '2025-03-25', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '90.00' }] }),
    ]);

    // then one of them is refused, and no amendment in force takes effect before its decision
    expect(statuses(responses)).toEqual([201, 409]);
    expect(['AmendmentsBeforeDecision', 'TimelineConflict', 'EffectiveBeforeDecision']).toContain(codeOf(responses));
    const decision = (await t.http.get(`/api/v1/decisions/${decisionId}`).expect(200)).body as { effectiveFrom: string; amendments: { effectiveFrom: string; revokedAt: string | null }[] };
    expect(decision.amendments.filter((a) => a.revokedAt === null && a.effectiveFrom < decision.effectiveFrom)).toEqual([]);
  });

  it('two corrections that together would make a decision an act registered already: the second finds the act the first made', async () => {
    // given act № 7700 of 1 April, and a decision № 7600 of 20 March
    await postDecision(t, { session: 77, number: '7700', adoptedOn: '2025-04-01' }).expect(201);
    const decisionId = (await postDecision(t, { session: 76, number: '7600', adoptedOn: '2025-03-20' }).expect(201)).body.id as string;
    const correct = (body: object) => () => t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send(body);

    // when one correction gives it the number 7700 while another gives it the date of 1 April
    const responses = await inTurns(t, (stream) => stream === decisionStream(decisionId), [correct({ number: '7700' }), correct({ adoptedOn: '2025-04-01' })]);

    // then the second is refused as that act
    expect(statuses(responses)).toEqual([201, 409]);
    expect(codeOf(responses)).toBe('DecisionAlreadyRegistered');
  });

  it('an amendment, and a correction sent while it waits for the read models: the correction waits for them too', async () => {
    // given read models that fold nothing for a moment
    const decisionId = await registerDecision(t, '2025-03-20');
    const programme = await freshCopy(t, 'held');
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    const resumed = new Promise<void>((resume) => setTimeout(resume, 300)).then(() => runner.start());
    try {
      // when an amendment under the decision is written, and a correction that would move the decision past it comes next
      const amendment = amend(t, programme, { decisionId, effectiveFrom: '2025-03-25', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '90.00' }] }).then((r) => r);
      await new Promise((wait) => setTimeout(wait, 20));
      const correction = await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ adoptedOn: '2025-04-10' });

      // then the correction is checked against the amendment, which the read models hold by then
      expect((await amendment).status).toBe(201);
      expect(problemOf(correction)).toMatchObject({ status: 409, code: 'AmendmentsBeforeDecision' });
    } finally {
      await resumed;
    }
  });

  it('a retirement, and an amendment that assigns the unit after it: one is refused', async () => {
    // given a unit, and a programme
    const executorId = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'відділ перегонів' }).expect(201)).body.id as string;
    const decisionId = await registerDecision(t, '2025-03-20');
    const programme = await freshCopy(t, 'retired');

    // when the unit is retired from 1 May while an amendment assigns it to a measure from 1 June
    const responses = await inTurns(t, (stream) => stream === executorStream(executorId), [
      () => t.http.post(`/api/v1/executors/${executorId}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2025-05-01' }),
      () => amend(t, programme, { decisionId, effectiveFrom: '2025-06-01', changes: [{ op: 'assignExecutor', measure: '1.1', executor: executorId }] }),
    ]);

    // then one of them is refused: the unit is not both retired and assigned after it
    expect(statuses(responses)).toEqual([201, 409]);
    const retired = (await t.http.get(`/api/v1/executors/${executorId}`).expect(200)).body.retiredFrom as string | null;
    const assigned = measureOf(await viewOf(t, programme, { asOf: '2025-06-01' }), '1.1').executors.some((e) => e.id === executorId);
    expect([retired !== null, assigned]).not.toEqual([true, true]);
  });

  it('two registrations of one act: one is refused', async () => {
    const act = { council: 'Коростенська міська рада', convocation: 'VIII', session: 90, number: '9090', adoptedOn: '2025-09-09', title: 'Про внесення змін до Програми' };
    const register = () => t.http.post('/api/v1/decisions').set(t.as('secretariat')).send(act);

    const responses = await inTurns(t, (stream) => stream.startsWith(decisionStream('')), [register, register]);

    expect(statuses(responses)).toEqual([201, 409]);
    expect(codeOf(responses)).toBe('DecisionAlreadyRegistered');
    const decisions = (await t.http.get('/api/v1/decisions').expect(200)).body as { number: string | null; adoptedOn: string }[];
    expect(decisions.filter((d) => d.number === '9090' && d.adoptedOn === '2025-09-09')).toHaveLength(1);
  });

  it('a unit renamed to a name another is being registered under: one is refused', async () => {
    const executorId = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'відділ давніх назв' }).expect(201)).body.id as string;

    const responses = await inTurns(t, (stream) => stream.startsWith(executorStream('')), [
      () => t.http.post(`/api/v1/executors/${executorId}/renames`).set(t.as('secretariat')).send({ name: 'відділ нових назв', effectiveFrom: '2025-01-01' }),
      () => t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'відділ нових назв' }),
    ]);

    expect(statuses(responses)).toEqual([201, 409]);
    expect(codeOf(responses)).toBe('ExecutorNameTaken');
  });
});

/** An import checks its act, its decision and its units against the read models too, under the same locks. */
describe('an import, and a command its rules across streams set against it, sent at once', () => {
  // An empty store each: an import registers every unit its document names.
  let t: TestApp;
  beforeEach(async () => (t = await startApp({ seed: false })));
  afterEach(async () => t.close());

  const annex = readAnnex(ANNEX);
  if (!annex.ok) throw new Error('the bundled annex does not read');
  const header = annex.annex.decision as NonNullable<typeof annex.annex.decision>;
  const importing = (programmeId: string, document = ANNEX, decisionId?: string) => () =>
    t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId, document, ...(decisionId ? { decisionId } : {}) });

  it('an import whose header cites a numbered act, and a registration of that act: the act is registered once', async () => {
    const document = ANNEX.replace('№ _____', '№ 777');
    const register = () =>
      t.http.post('/api/v1/decisions').set(t.as('secretariat')).send({ council: header.council, convocation: header.convocation, session: header.session, number: '777', adoptedOn: header.adoptedOn, title: 'Про затвердження Програми' });

    const responses = await inTurns(t, (stream) => stream.startsWith(decisionStream('')), [importing('numbered-act', document), register]);

    // the import takes the act registered first, or the registration is refused as the act the import registered
    expect(responses.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(responses.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(responses.every((r) => r.status === 201) ? [] : ['DecisionAlreadyRegistered']);
    const decisions = (await t.http.get('/api/v1/decisions').expect(200)).body as { number: string | null; adoptedOn: string }[];
    expect(decisions.filter((d) => d.number === '777' && d.adoptedOn === header.adoptedOn)).toHaveLength(1);
  });

  it('an import naming a unit, and a retirement of the unit before the programme takes effect: one is refused', async () => {
    // given a unit the document names, in the directory before the import
    const name = annex.annex.sections[0].directions[0].measures[0].executors[0];
    const executorId = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name }).expect(201)).body.id as string;

    // when it is retired from before the document's date while the document is imported
    // (the import writes nothing to a unit it finds: the two do not meet at the unit's stream, locks or not)
    const { responses } = await meeting(t, (stream) => stream === executorStream(executorId), [
      importing('retired-unit'),
      () => t.http.post(`/api/v1/executors/${executorId}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2024-01-01' }),
    ]);

    // then one is refused: the unit is not both retired by then and carrying the programme's measures from then
    expect(statuses(responses)).toEqual([201, 409]);
    expect(['ExecutorRetired', 'ExecutorAssignedLater']).toContain(codeOf(responses));
  });

  /** The header and the first measure of the annex, its unit and its act's number replaced. */
  const oneMeasure = (unit: string, actNumber: string) =>
    ANNEX.split('\n').slice(0, 18).join('\n').replace('№ _____', `№ ${actNumber}`).replace('Виконавчий комітет Коростенської міської ради', unit);

  it('two imports under one Idempotency-Key, of documents that share no unit or act: the second is refused as a reused key', async () => {
    const keyed = (programmeId: string, document: string) => () =>
      t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).set('Idempotency-Key', 'one-key').send({ programmeId, document });

    const { responses } = await meeting(t, (stream) => stream.startsWith(programmeStream('')), [keyed('keyed-a', oneMeasure('відділ перший', '501')), keyed('keyed-b', oneMeasure('відділ другий', '502'))]);

    expect(statuses(responses)).toEqual([201, 422]);
    expect(codeOf(responses, 422)).toBe('IdempotencyKeyReused');
  });

  it('an import that registers a unit, and a retirement of that unit between the two: one is refused', async () => {
    // given a document naming a unit the directory does not have
    const document = oneMeasure('відділ новий', '503');
    const executorId = executorIdFor('відділ новий');
    const store = t.app.get<EventStore>(EVENT_STORE);
    const read = store.readStream.bind(store);
    let programmeReads = 0;
    let retirement: Promise<Response> | undefined;
    // when, once the import has registered the unit and goes on to the programme, the unit is retired from before its date
    const spy = jest.spyOn(store, 'readStream').mockImplementation(async (stream, options) => {
      if (stream === programmeStream('new-unit') && ++programmeReads === 2) {
        retirement = t.http.post(`/api/v1/executors/${executorId}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2024-01-01' }).then((r) => r);
        // long enough for a retirement that is not kept waiting to be written
        await Promise.race([retirement, new Promise((go) => setTimeout(go, 200))]);
      }
      return read(stream, options);
    });
    try {
      const imported = await t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId: 'new-unit', document });

      // then the retirement waits for the import, and is refused as the programme assigns the unit
      expect(imported.status).toBe(201);
      expect(problemOf(await (retirement as Promise<Response>))).toMatchObject({ status: 409, code: 'ExecutorAssignedLater' });
    } finally {
      spy.mockRestore();
    }
  });

  it('an import under a decision, and a correction that moves the decision later: no wording takes effect before its decision', async () => {
    const decisionId = await registerDecision(t, '2024-02-22');

    await inTurns(t, (stream) => stream === decisionStream(decisionId), [
      importing('corrected-approval', ANNEX, decisionId),
      () => t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ adoptedOn: '2024-03-01' }),
    ]);

    const decision = (await t.http.get(`/api/v1/decisions/${decisionId}`).expect(200)).body as { effectiveFrom: string; amendments: { effectiveFrom: string; revokedAt: string | null }[] };
    expect(decision.amendments.filter((a) => a.revokedAt === null && a.effectiveFrom < decision.effectiveFrom)).toEqual([]);
  });
});
