import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startApp, type TestApp } from '../support/app';
import { PROBLEM_JSON } from '../support/http-programmes';

/**
 * DESIGN §7: 503 when the store is unavailable. The embedded store is unavailable when another process keeps
 * its file locked past the busy timeout (5 s): a write then answers 503 with Retry-After, writes nothing, and
 * lands when sent again once the lock is gone.
 */
describe('a store that cannot take the write answers 503, not 500', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ seed: false })));
  afterAll(async () => t.close());

  it('a decision registered while another process holds the store’s write lock is 503 StoreUnavailable, and nothing is written', async () => {
    const decision = { council: 'Коростенська міська рада', convocation: 'VIII', session: 60, number: '2001', adoptedOn: '2025-06-19', title: 'Про внесення змін' };
    const other = new Database(join(t.dataDir, 'events.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    let res;
    try {
      res = await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send(decision);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ status: 503, code: 'StoreUnavailable' });
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toEqual([]);

    await t.http.post('/api/v1/decisions').set(t.as('secretariat')).send(decision).expect(201);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toHaveLength(1);
  }, 20_000);
});
