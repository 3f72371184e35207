import type { Response } from 'supertest';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import { amend, ANNEX, etagOf, PROBLEM_JSON, registerDecision, registerExecutor, revoke } from '../support/http-programmes';

/**
 * Every write route that names an id, sent an id nobody registered (DESIGN §7). An unknown id in the path is a
 * 404; so is a decision the body cites, since the request names a resource that is not there. An executor a
 * change names is different: the request is well-formed and the directory is consulted as of the amendment's
 * effective date, like a retired executor, so the change cannot be made to the programme: a 409 listing it.
 * Whatever the answer, nothing is written: no event appended, no read model changed.
 */
describe('writes that name an id nobody registered', () => {
  const NO_PROGRAMME = 'no-such-programme';
  const NO_AMENDMENT = '00000000-0000-4000-8000-000000000000';
  const NO_EXECUTOR = '00000000-0000-4000-8000-0000000000e1';
  const NO_DECISION = '00000000-0000-4000-8000-0000000000d1';

  let t: TestApp;
  let decisionId: string;
  let executorId: string;
  let amendmentId: string;

  beforeAll(async () => {
    t = await startApp();
    decisionId = await registerDecision(t, '2025-03-20');
    executorId = await registerExecutor(t, 'Відділ з питань надзвичайних ситуацій');
    amendmentId = (await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2026, amount: '1.00' }] }).expect(201)).body.amendmentId;
  });
  afterAll(async () => t.close());

  const secretariat = () => t.as('secretariat');

  /**
   * Everything a write could have changed: the events appended to the store (counted as they are appended, so
   * never lagging like a read model), the Korosten programme's revision and the three lists.
   */
  async function everything() {
    const appendedEvents = /^event_store_appended_events_total (\d+)$/m.exec((await t.http.get('/metrics').expect(200)).text)?.[1];
    if (appendedEvents === undefined) throw new Error('/metrics has no event_store_appended_events_total');
    return {
      appendedEvents,
      etag: await etagOf(t, KOROSTEN),
      programmes: (await t.http.get('/api/v1/programmes').expect(200)).body,
      decisions: (await t.http.get('/api/v1/decisions').expect(200)).body,
      executors: (await t.http.get('/api/v1/executors').expect(200)).body,
    };
  }

  /** The refusal as one comparable value: status, media type, and the problem document's type, code and list. */
  function refusal(res: Response) {
    return {
      status: res.status,
      contentType: String(res.headers['content-type']),
      type: res.body?.type,
      code: res.body?.code,
      statusInBody: res.body?.status,
      problems: res.body?.problems,
    };
  }

  function expected(status: number, code: string, problems: unknown[] = [expect.objectContaining({ code })]) {
    return { status, contentType: expect.stringMatching(PROBLEM_JSON), type: `urn:programme-tracker:problem:${code}`, code, statusInBody: status, problems };
  }

  const setCell = { decisionId: '', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] };

  describe('an id in the path', () => {
    it('given no programme with the id, when an amendment is registered for it, then 404 ProgrammeNotFound and nothing written', async () => {
      const before = await everything();

      const res = await amend(t, NO_PROGRAMME, { ...setCell, decisionId });

      expect(refusal(res)).toEqual(expected(404, 'ProgrammeNotFound'));
      expect(await everything()).toEqual(before);
      await t.http.get(`/api/v1/programmes/${NO_PROGRAMME}`).expect(404);
    });

    it('given no programme with the id, when an amendment is sent with If-Match "3", then 404 ProgrammeNotFound, not 412 (RFC 9110 §13.2.1)', async () => {
      // a precondition is only evaluated on a resource that exists: an unknown target answers as without it
      const before = await everything();

      const res = await amend(t, NO_PROGRAMME, { ...setCell, decisionId }, { 'If-Match': '"3"' });

      expect(refusal(res)).toEqual(expected(404, 'ProgrammeNotFound'));
      expect(await everything()).toEqual(before);
      await t.http.get(`/api/v1/programmes/${NO_PROGRAMME}`).expect(404);
    });

    it('given a programme without the amendment, when it is revoked, then 404 AmendmentNotFound and nothing written', async () => {
      const before = await everything();

      const res = await revoke(t, KOROSTEN, NO_AMENDMENT);

      expect(refusal(res)).toEqual(expected(404, 'AmendmentNotFound'));
      expect(await everything()).toEqual(before);
    });

    it('given no programme with the id, when an amendment of it is revoked, then 404 ProgrammeNotFound and nothing written', async () => {
      // even with the id of an amendment that exists, in another programme
      const before = await everything();

      const res = await revoke(t, NO_PROGRAMME, amendmentId);

      expect(refusal(res)).toEqual(expected(404, 'ProgrammeNotFound'));
      expect(await everything()).toEqual(before);
      await t.http.get(`/api/v1/programmes/${NO_PROGRAMME}`).expect(404);
    });

    it('given no programme with the id, when an amendment of it is revoked with If-Match "3", then 404 ProgrammeNotFound, not 412', async () => {
      const before = await everything();

      const res = await revoke(t, NO_PROGRAMME, amendmentId, undefined, { 'If-Match': '"3"' });

      expect(refusal(res)).toEqual(expected(404, 'ProgrammeNotFound'));
      expect(await everything()).toEqual(before);
    });

    it('given a programme without the amendment, when it is revoked with a stale If-Match, then 404 AmendmentNotFound, not 412', async () => {
      const before = await everything();

      const res = await revoke(t, KOROSTEN, NO_AMENDMENT, undefined, { 'If-Match': '"3"' });

      expect(refusal(res)).toEqual(expected(404, 'AmendmentNotFound'));
      expect(await everything()).toEqual(before);
    });

    it('given no executor with the id, when it is renamed, then 404 ExecutorNotFound and nothing written', async () => {
      const before = await everything();

      const res = await t.http.post(`/api/v1/executors/${NO_EXECUTOR}/renames`).set(secretariat()).send({ name: 'Нова назва', effectiveFrom: '2025-09-01' });

      expect(refusal(res)).toEqual(expected(404, 'ExecutorNotFound'));
      expect(await everything()).toEqual(before);
      await t.http.get(`/api/v1/executors/${NO_EXECUTOR}`).expect(404);
    });

    it('given no executor with the id, when it is retired, then 404 ExecutorNotFound and nothing written', async () => {
      const before = await everything();

      const res = await t.http.post(`/api/v1/executors/${NO_EXECUTOR}/retirement`).set(secretariat()).send({ effectiveFrom: '2025-09-01' });

      expect(refusal(res)).toEqual(expected(404, 'ExecutorNotFound'));
      expect(await everything()).toEqual(before);
      await t.http.get(`/api/v1/executors/${NO_EXECUTOR}`).expect(404);
    });

    it('given no decision with the id, when it is corrected, then 404 DecisionNotFound and nothing written', async () => {
      const before = await everything();

      const res = await t.http.post(`/api/v1/decisions/${NO_DECISION}/corrections`).set(secretariat()).send({ number: '2001-45-VIII' });

      expect(refusal(res)).toEqual(expected(404, 'DecisionNotFound'));
      expect(await everything()).toEqual(before);
      await t.http.get(`/api/v1/decisions/${NO_DECISION}`).expect(404);
    });

    it('names the path parameter nobody registered, on writes and reads alike, as a body’s problems name their field', async () => {
      const pathOf = async (request: Promise<Response>) => {
        const res = await request;
        expect(res.status).toBe(404);
        return (res.body.problems as { path?: string }[]).map((p) => p.path);
      };
      expect(await pathOf(amend(t, NO_PROGRAMME, { ...setCell, decisionId }))).toEqual(['params:id']);
      expect(await pathOf(revoke(t, KOROSTEN, NO_AMENDMENT))).toEqual(['params:amendmentId']);
      expect(await pathOf(t.http.get(`/api/v1/programmes/${NO_PROGRAMME}/versions`))).toEqual(['params:id']);
      expect(await pathOf(t.http.get(`/api/v1/programmes/${KOROSTEN}/versions/${NO_DECISION}`))).toEqual(['params:decisionId']);
      expect(await pathOf(t.http.get(`/api/v1/decisions/${NO_DECISION}`))).toEqual(['params:id']);
      expect(await pathOf(t.http.get(`/api/v1/executors/${NO_EXECUTOR}`))).toEqual(['params:id']);
      // while a decision the body cites is the body's
      expect(await pathOf(amend(t, KOROSTEN, { ...setCell, decisionId: NO_DECISION }))).toEqual(['$.decisionId']);
    });
  });

  describe('an id in the body', () => {
    it('given no decision with the id, when an amendment cites it, then 404 DecisionNotFound at $.decisionId and nothing written', async () => {
      const before = await everything();

      const res = await amend(t, KOROSTEN, { ...setCell, decisionId: NO_DECISION });

      expect(refusal(res)).toEqual(expected(404, 'DecisionNotFound', [expect.objectContaining({ path: '$.decisionId', code: 'DecisionNotFound' })]));
      expect(await everything()).toEqual(before);
    });

    it('given no decision with the id, when an import names it, then 404 DecisionNotFound at $.decisionId and nothing written', async () => {
      const before = await everything();

      const res = await t.http.post('/api/v1/programmes/import').set(secretariat()).send({ programmeId: 'imported-under-no-decision', decisionId: NO_DECISION, document: ANNEX });

      expect(refusal(res)).toEqual(expected(404, 'DecisionNotFound', [expect.objectContaining({ path: '$.decisionId', code: 'DecisionNotFound' })]));
      expect(await everything()).toEqual(before);
      await t.http.get('/api/v1/programmes/imported-under-no-decision').expect(404);
    });

    it('given no executor with the id, when an amendment assigns it, then 409 InvalidChanges naming it at $.changes[0].executor and nothing written', async () => {
      const before = await everything();

      const res = await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'assignExecutor', measure: '1.1', executor: NO_EXECUTOR }] });

      expect(refusal(res)).toEqual(expected(409, 'InvalidChanges', [expect.objectContaining({ path: '$.changes[0].executor', code: 'ExecutorNotFound' })]));
      expect(await everything()).toEqual(before);
    });

    it('given unknown executors among known ones, when a new measure names them, then 409 listing every unknown one by its path, and nothing written', async () => {
      const before = await everything();

      const res = await amend(t, KOROSTEN, {
        decisionId,
        changes: [{ op: 'addMeasure', number: '1.5', title: 'Новий захід', term: { from: 2025, to: 2026 }, executors: [NO_EXECUTOR, executorId, 'no-such-executor'] }],
      });

      expect(refusal(res)).toEqual(
        expected(409, 'InvalidChanges', [
          expect.objectContaining({ path: '$.changes[0].executors[0]', code: 'ExecutorNotFound' }),
          expect.objectContaining({ path: '$.changes[0].executors[2]', code: 'ExecutorNotFound' }),
        ]),
      );
      expect(await everything()).toEqual(before);
    });
  });
});
