import { join } from 'node:path';
import { programmeStream } from '../../src/programme/domain/programme.events';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { KOROSTEN, startApp, type TestApp } from '../support/app';

describe('what every stored event says about the request that wrote it (DESIGN §3)', () => {
  let t: TestApp;
  let store: SqliteEventStore;
  beforeAll(async () => {
    t = await startApp();
    // A second connection to the server's own store file, as an operator's tool would open it.
    store = new SqliteEventStore({ filename: join(t.dataDir, 'events.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    await t.close();
  });

  it('carries the request id as $correlationId, a $causationId per command, the actor, and the amendment’s own facts', async () => {
    // given a decision and an amendment, each sent with its own X-Request-Id
    const decision = await t.http
      .post('/api/v1/decisions')
      .set(t.as('secretariat'))
      .set('X-Request-Id', 'req-decision-1')
      .send({ council: 'Коростенська міська рада', convocation: 'VIII', session: 55, number: '1878', adoptedOn: '2025-03-20', title: 'Про внесення змін' })
      .expect(201);
    const amendment = await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .set('X-Request-Id', 'req-amendment-1')
      .send({ decisionId: decision.body.id, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] })
      .expect(201);
    expect(amendment.headers['x-request-id']).toBe('req-amendment-1');

    // when the stored events are read back
    const [decisionEvent] = await store.readStream(`decision-${decision.body.id}`);
    const written = await store.readStream(programmeStream(KOROSTEN), { fromRevision: amendment.body.revision - 1 });

    // then
    expect(decisionEvent.metadata).toEqual({ $correlationId: 'req-decision-1', $causationId: expect.any(String), actor: expect.stringMatching(/^secretariat:[0-9a-f]{8}$/) });
    expect(written.map((e) => e.type)).toEqual(['AmendmentRegistered', 'AllocationSet']);
    for (const event of written) {
      expect(event.metadata).toEqual({
        $correlationId: 'req-amendment-1',
        $causationId: written[0].metadata.$causationId,
        actor: decisionEvent.metadata.actor,
        amendmentId: amendment.body.amendmentId,
        decisionId: decision.body.id,
        effectiveFrom: '2025-03-20',
      });
    }
    expect(written[0].metadata.$causationId).not.toBe(decisionEvent.metadata.$causationId);
    // and the token itself is nowhere in what was stored
    expect(JSON.stringify([decisionEvent, ...written])).not.toContain('secretariat-token');

    // when the amendment is revoked, then the revocation carries the facts of the amendment it takes back
    const revocation = await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments/${amendment.body.amendmentId}/revocation`)
      .set(t.as('secretariat'))
      .set('X-Request-Id', 'req-revocation-1')
      .send({ reason: 'внесено помилково' })
      .expect(201);
    const [revoked] = await store.readStream(programmeStream(KOROSTEN), { fromRevision: revocation.body.revision });
    expect(revoked.type).toBe('AmendmentRevoked');
    expect(revoked.metadata).toEqual({
      $correlationId: 'req-revocation-1',
      $causationId: expect.any(String),
      actor: decisionEvent.metadata.actor,
      amendmentId: amendment.body.amendmentId,
      decisionId: decision.body.id,
      effectiveFrom: '2025-03-20',
    });
  });
});
