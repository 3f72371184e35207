import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ProjectionRunner } from '../../src/projections/projection.runner';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import { amend, measureOf, PROBLEM_JSON, registerDecision, viewOf } from '../support/http-programmes';

/**
 * DESIGN §6: a write returns its position; a read that sends it back (Read-After-Position) sees the write,
 * even when the read models lag behind the store — it waits briefly, and answers 503 rather than a view
 * without the write.
 */
describe('read-your-writes: a read sent with a write’s position sees that write', () => {
  let t: TestApp;
  let runner: ProjectionRunner;
  let decisionId: string;
  beforeAll(async () => {
    t = await startApp();
    runner = t.app.get(ProjectionRunner);
    decisionId = await registerDecision(t, '2025-03-20');
  });
  afterAll(async () => t.close());

  const setCell = (amount: string) => ({ decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount }] });
  const view = (position?: string) => t.http.get(`/api/v1/programmes/${KOROSTEN}?asOf=2025-12-31`).set(position === undefined ? {} : { 'Read-After-Position': position });

  it('with the read models running, the write’s position is already reached: the read answers at once with the write in it', async () => {
    const written = await amend(t, KOROSTEN, setCell('101.00')).expect(201);
    expect(written.body.position).toMatch(/^\d+$/);

    const res = await view(written.body.position).expect(200);
    expect(measureOf(res.body, '1.1').allocations['2025']).toBe('101.00');
  });

  it('with the read models behind, a read without the position shows the older view; with it, the read waits until the write is projected', async () => {
    // given read models that stopped following the store
    await runner.stop();
    let resumed = false;
    const resume = () => {
      if (!resumed) runner.start();
      resumed = true;
    };
    let written;
    try {
      written = await amend(t, KOROSTEN, setCell('202.00')).expect(201);
      expect(measureOf((await view().expect(200)).body, '1.1').allocations['2025']).toBe('101.00');
      // (and /ready says the read models are behind, by how much)
      const ready = await t.http.get('/ready').expect(503);
      expect(ready.body).toMatchObject({ code: 'NotReady', problems: [{ code: 'ProjectionLag', lagEvents: 2 }] });

      // when a read carries the write's position, and the read models resume while it waits
      const reading = view(written.body.position);
      setTimeout(resume, 300);
      const res = await reading.expect(200);

      // then it sees the write
      expect(measureOf(res.body, '1.1').allocations['2025']).toBe('202.00');
    } finally {
      resume();
    }
    expect(measureOf(await viewOf(t, KOROSTEN, { asOf: '2025-12-31' }), '1.1').allocations['2025']).toBe('202.00');
    await t.http.get('/ready').expect(200);
  });

  it('a write the read models do not reach within the brief wait is 503 ReadModelsBehind with Retry-After, not a view without the write', async () => {
    await runner.stop();
    let res;
    try {
      const written = await amend(t, KOROSTEN, setCell('303.00')).expect(201);
      res = await view(written.body.position);
    } finally {
      runner.start();
    }
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 503, code: 'ReadModelsBehind' });
  });

  it('read models that fail a batch: /ready says they stopped and retry, without the failure’s own text (anyone may ask), and they go on when it passes', async () => {
    // given another process holding the read-model file's write lock, so that the next batch fails
    const holder = new Database(join(t.dataDir, 'read-models.sqlite'));
    let res;
    try {
      holder.exec('BEGIN EXCLUSIVE');
      await amend(t, KOROSTEN, setCell('404.00')).expect(201);
      for (let i = 0; i < 50; i++) {
        res = await t.http.get('/ready');
        if (res.body.problems?.[0]?.code === 'ProjectionFailed') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    }
    expect(res?.status).toBe(503);
    expect(res?.body).toMatchObject({ code: 'NotReady', problems: [{ code: 'ProjectionFailed' }] });
    expect(JSON.stringify(res?.body)).not.toMatch(/locked|sqlite|SQLITE/i);
    // then, the lock gone, the retry folds the write
    for (let i = 0; i < 50 && (await t.http.get('/ready')).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(measureOf(await viewOf(t, KOROSTEN, { asOf: '2025-12-31' }), '1.1').allocations['2025']).toBe('404.00');
  });

  it('a position no write has reached is 400 at once, not a wait for something that will not come', async () => {
    const res = await view('999999999');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'InvalidReadAfterPosition', problems: [{ path: 'header:Read-After-Position', message: 'no write has reached this position' }] });
  });

  it('a Read-After-Position that is not a position is 400, naming the header', async () => {
    const res = await view('yesterday');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ code: 'InvalidReadAfterPosition', problems: [{ code: 'InvalidReadAfterPosition', path: 'header:Read-After-Position' }] });
  });
});
