import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import { ProjectionRunner } from '../../src/projections/projection.runner';
import { READ_MODEL_LAYOUT } from '../../src/projections/read-model.db';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { BUNDLED_SEED, loadConfig } from '../../src/config/config.schema';
import { startupFailure } from '../../src/config/startup.problems';
import { EventStoreUnavailableError } from '../../src/event-store/event-store.errors';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { KOROSTEN, startApp, type TestApp, TOKENS } from '../support/app';
import { amend, measureOf, registerDecision, viewOf } from '../support/http-programmes';

/**
 * A new release that changed a projection's tables starts on a data directory written by the old one: it finds
 * read models of another layout, folds the log into new ones before it serves, and answers as before.
 */
describe('starting on read models of another layout', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'programme-tracker-upgrade-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('folds the log into new read models before serving the API: the same answers, the new layout', async () => {
    // given a data directory with an amendment, its read models then marked as written by an older release
    const first = await startApp({ dataDir });
    const decisionId = await registerDecision(first, '2025-03-20');
    await amend(first, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '111.00' }] }).expect(201);
    const before = await viewOf(first, KOROSTEN, { asOf: '2025-12-31' });
    await first.close();
    const file = new Database(join(dataDir, 'read-models.sqlite'));
    file.pragma(`user_version = ${READ_MODEL_LAYOUT - 1}`);
    file.exec('CREATE TABLE left_by_the_old_release (x)');
    file.exec('DROP TABLE programme_audit');
    file.close();

    // when the server starts on it
    const second = await startApp({ dataDir });
    try {
      // then it is ready once the fold in the background is done, and answers what it answered before, the audit included
      await untilReady(second);
      expect(await viewOf(second, KOROSTEN, { asOf: '2025-12-31' })).toEqual(before);
      expect(measureOf(before, '1.1').allocations['2025']).toBe('111.00');
      const audit = await second.http.get(`/api/v1/programmes/${KOROSTEN}/audit`).set(second.as('auditor')).query({ decision: decisionId }).expect(200);
      expect(audit.body.entries).toHaveLength(1);
    } finally {
      await second.close();
    }
    const reopened = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(READ_MODEL_LAYOUT);
    reopened.close();
  });

  it('listens while it folds: /health answers, /ready and the API say 503 until the fold is done, then the API answers', async () => {
    // given a running server whose log is long (sixty pages), its subscription stopped as at a start that must refold
    const t = await startApp();
    try {
      const store = t.app.get<EventStore>(EVENT_STORE);
      for (let i = 0; i < 60; i++) {
        const noise = Array.from({ length: 1000 }, () => ({ id: randomUUID(), type: 'Noted', data: {}, metadata: {} }));
        await store.appendToStream(`noise-${i}`, noise, { expectedRevision: 'no_stream' });
      }
      const runner = t.app.get(ProjectionRunner);
      await runner.stop();

      // when the log is folded afresh
      const refold = runner.rebuild();
      const [health, ready, api] = await Promise.all([t.http.get('/health'), t.http.get('/ready'), t.http.get(`/api/v1/programmes/${KOROSTEN}`).set('Origin', 'https://portal.example')]);
      await refold;
      runner.start();

      // then the server answered meanwhile, the API with a problem to retry
      expect([health.status, ready.status, api.status]).toEqual([200, 503, 503]);
      expect(ready.body.problems).toEqual([expect.objectContaining({ code: 'ReadModelsRebuilding' })]);
      expect(api.body).toMatchObject({ status: 503, code: 'ReadModelsRebuilding' });
      expect(api.headers).toMatchObject({ 'retry-after': '5', 'access-control-allow-origin': '*' });
      // and once folded, the API answers again
      await untilReady(t);
      expect((await viewOf(t, KOROSTEN)).totals.overall).toBe('11181.90');
    } finally {
      await t.close();
    }
  });
});

describe('starting on read models kept while the store was wiped', () => {
  it('folds them afresh, then serves nothing, /ready included, until the seed is imported into the empty store', async () => {
    // given the read models of a seeded server, beside an empty store
    const wiped = await readModelsBesideEmptyStore();
    try {
      // when a server starts on them
      const t = await startApp({ dataDir: wiped });
      try {
        // then the first /ready that says ready comes with the seeded programme there
        let ready = false;
        for (let attempt = 0; attempt < 2000 && !ready; attempt++) ready = (await t.http.get('/ready')).status === 200;
        expect(ready).toBe(true);
        expect((await t.http.get(`/api/v1/programmes/${KOROSTEN}`)).status).toBe(200);
      } finally {
        await t.close();
      }
    } finally {
      rmSync(wiped, { recursive: true, force: true });
    }
  }, 20_000);

  it('stops the start, as on an empty data directory, when the seed document is gone: nothing served without the programme', async () => {
    // given the read models of a seeded server, beside an empty store, and the seed document no longer there
    const wiped = await readModelsBesideEmptyStore();
    try {
      const gone = join(wiped, 'gone.txt');

      // when a server starts on them
      let failed: ((error: unknown) => void) | undefined;
      const failure = new Promise<unknown>((resolve) => (failed = resolve));
      const t = await startApp({ dataDir: wiped, env: { SEED_DOCUMENT: gone }, onStartFailed: (error) => failed?.(error) });
      try {
        // then the start fails, naming the setting, and the API never served the empty store meanwhile
        const error = await failure;
        expect(startupFailure(error, loadConfig({ DATA_DIR: wiped, SEED_DOCUMENT: gone }))).toContain(`SEED_DOCUMENT: ${gone} does not exist`);
        expect((await t.http.get('/ready')).status).toBe(503);
        expect((await t.http.get(`/api/v1/programmes/${KOROSTEN}`)).status).toBe(503);
      } finally {
        await t.close();
      }
    } finally {
      rmSync(wiped, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('starting while the store does not answer', () => {
  it('listens with the API at 503 until the store answers, then checks the read models, seeds the empty store and serves it', async () => {
    // given an empty store that does not answer at first
    const dataDir = mkdtempSync(join(tmpdir(), 'programme-tracker-store-down-'));
    const config = loadConfig({ DATA_DIR: dataDir, SEED_DOCUMENT: BUNDLED_SEED, API_TOKENS: `secretariat:${TOKENS.secretariat},auditor:${TOKENS.auditor}`, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' });
    const real = new SqliteEventStore({ filename: join(dataDir, 'events.sqlite') });
    let down = true;
    const store: EventStore = Object.create(real, {
      headPosition: { value: async () => (down ? Promise.reject(new EventStoreUnavailableError('the store does not answer')) : real.headPosition()) },
    });

    // when the server starts on it
    const app = await createApp(config, pino({ level: 'silent' }), { store });
    await app.getHttpAdapter().getInstance().ready();
    const t = { http: request(app.getHttpServer()) } as TestApp;
    try {
      // then it listens, and says 503 rather than serving read models nobody has checked
      await t.http.get('/health').expect(200);
      const api = await t.http.get(`/api/v1/programmes/${KOROSTEN}`);
      // naming the store, not a fold that is not running
      expect(api.body).toMatchObject({ status: 503, code: 'StoreUnavailable' });
      expect(api.headers['retry-after']).toBe('5');
      // and once the store answers, it is ready, with the seed imported
      down = false;
      await untilReady(t);
      expect((await viewOf(t, KOROSTEN)).totals.overall).toBe('11181.90');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('a store that stops answering while the seed is imported', () => {
  it.each([
    ['its first append', () => true],
    // the decision and executors written by then: a store no longer empty, which the seed began
    ['the programme’s append', (stream: string) => stream.startsWith('programme-')],
  ])('is asked again, and the seed finished, when it drops %s, rather than the start failing or serving without the programme', async (_, drops) => {
    // given an empty store that does not answer at first, and then drops one append of the seed
    const dataDir = mkdtempSync(join(tmpdir(), 'programme-tracker-seed-dropped-'));
    const config = loadConfig({ DATA_DIR: dataDir, SEED_DOCUMENT: BUNDLED_SEED, API_TOKENS: `secretariat:${TOKENS.secretariat},auditor:${TOKENS.auditor}`, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' });
    const real = new SqliteEventStore({ filename: join(dataDir, 'events.sqlite') });
    let down = true;
    let dropped = 0;
    const store: EventStore = Object.create(real, {
      headPosition: { value: async () => (down ? Promise.reject(new EventStoreUnavailableError('the store does not answer')) : real.headPosition()) },
      appendToStream: {
        value: async (...args: Parameters<EventStore['appendToStream']>) => {
          if (dropped === 0 && drops(args[0])) {
            dropped += 1;
            throw new EventStoreUnavailableError('the connection dropped mid-way');
          }
          return real.appendToStream(...args);
        },
      },
    });
    const failures: unknown[] = [];

    // when the server starts on it, and the store answers
    const app = await createApp(config, pino({ level: 'silent' }), { store, onStartFailed: (error) => failures.push(error) });
    await app.getHttpAdapter().getInstance().ready();
    const t = { http: request(app.getHttpServer()) } as TestApp;
    try {
      down = false;

      // then the seed is imported whole on the next try, and the start does not fail
      await untilReady(t);
      expect(dropped).toBe(1);
      expect(failures).toEqual([]);
      expect((await viewOf(t, KOROSTEN)).totals.overall).toBe('11181.90');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 20_000);
});

/** A data directory holding the read models of a seeded server and no store: one whose store was wiped while they were kept. */
async function readModelsBesideEmptyStore(): Promise<string> {
  const kept = mkdtempSync(join(tmpdir(), 'programme-tracker-kept-'));
  try {
    const first = await startApp({ dataDir: kept });
    await untilReady(first);
    await first.close();
    const wiped = mkdtempSync(join(tmpdir(), 'programme-tracker-wiped-'));
    copyFileSync(join(kept, 'read-models.sqlite'), join(wiped, 'read-models.sqlite'));
    return wiped;
  } finally {
    rmSync(kept, { recursive: true, force: true });
  }
}

/** /ready polled until 200: a fold at start runs in the background. */
async function untilReady(t: TestApp): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await t.http.get('/ready')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('not ready after 5 s');
}
