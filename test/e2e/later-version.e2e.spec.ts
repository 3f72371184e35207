import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BUNDLED_SEED } from '../../src/config/config.schema';
import { decisionStream } from '../../src/decision/domain/decision.decider';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import { executorStream } from '../../src/executor/domain/executor.decider';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import { amend, registerDecision, registerExecutor } from '../support/http-programmes';

/**
 * A log a later version of the server wrote to, then the server rolled back: an event of a type this version does not
 * know. No command is decided by such a stream (409 WrittenByLaterVersion), whether it is the command's own or one it
 * reads (an amendment's decision, a unit it assigns); an earlier request retried with its Idempotency-Key is still
 * answered as it was; and nothing is written.
 */
describe('a stream a later version of the server wrote to', () => {
  let t: TestApp;
  let store: EventStore;
  const PROGRAMME = `/api/v1/programmes/${KOROSTEN}`;

  beforeAll(async () => {
    t = await startApp();
    store = t.app.get<symbol, EventStore>(EVENT_STORE);
  });
  afterAll(async () => t.close());

  const laterEvent = (stream: string, type: string) => store.appendToStream(stream, [{ id: randomUUID(), type, data: { note: 'written by a later version' }, metadata: {} }], { expectedRevision: 'any' });
  const revision = async () => (await t.http.get(PROGRAMME).expect(200)).headers.etag as string;

  it('given such a decision, an amendment under it is refused and writes nothing; the same request retried with its key is answered as before', async () => {
    // given an amendment written under a decision, with an Idempotency-Key
    const decisionId = await registerDecision(t, '2025-03-20');
    const body = { decisionId, changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00' }] };
    const first = await amend(t, KOROSTEN, body, { 'Idempotency-Key': 'later-version-1' }).expect(201);
    // and then an event of a type this version does not know on the decision's stream
    await laterEvent(decisionStream(decisionId), 'DecisionAnnulled');
    const before = await revision();

    // when another amendment is sent under it, then it is refused, naming the stream and the type
    const refused = await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.2', year: 2026, amount: '170.00' }] }).expect(409);
    expect(refused.body).toMatchObject({ code: 'WrittenByLaterVersion', detail: expect.stringContaining('DecisionAnnulled') });
    expect(await revision()).toBe(before);

    // and the first request, retried, is answered as it was
    const retried = await amend(t, KOROSTEN, body, { 'Idempotency-Key': 'later-version-1' }).expect(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(first.body);
  });

  it('given such a unit, an amendment assigning it is refused and writes nothing, as is a rename of it', async () => {
    const decisionId = await registerDecision(t, '2025-04-01');
    const executor = await registerExecutor(t, 'Відділ, що його об’єднала пізніша версія');
    await laterEvent(executorStream(executor), 'ExecutorMerged');
    const before = await revision();

    const refused = await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'assignExecutor', measure: '1.2', executor }] }).expect(409);
    expect(refused.body).toMatchObject({ code: 'WrittenByLaterVersion', detail: expect.stringContaining('ExecutorMerged') });
    expect(await revision()).toBe(before);
    const rename = await t.http.post(`/api/v1/executors/${executor}/renames`).set(t.as('secretariat')).send({ name: 'Нова назва', effectiveFrom: '2025-05-01' }).expect(409);
    expect(rename.body.code).toBe('WrittenByLaterVersion');
  });

  it('given such a decision, an import approved by it is refused and writes nothing', async () => {
    const decisionId = await registerDecision(t, '2024-02-22');
    await laterEvent(decisionStream(decisionId), 'DecisionAnnulled');
    const res = await t.http
      .post('/api/v1/programmes/import')
      .set(t.as('secretariat'))
      .send({ programmeId: 'later-version-import', decisionId, document: readFileSync(BUNDLED_SEED, 'utf8') })
      .expect(409);
    expect(res.body.code).toBe('WrittenByLaterVersion');
    await t.http.get('/api/v1/programmes/later-version-import').expect(404);
  });

  it('given such a programme, an amendment to it is refused, while its views go on', async () => {
    const decisionId = await registerDecision(t, '2025-05-01');
    await laterEvent(`programme-${KOROSTEN}`, 'MeasureArchived');
    const refused = await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.3', year: 2025, amount: '310.00' }] }).expect(409);
    expect(refused.body.code).toBe('WrittenByLaterVersion');
    await t.http.get(PROGRAMME).expect(200);
  });
});
