import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_MODEL_LAYOUT } from '../../src/projections/read-model.db';
import { KOROSTEN, startApp } from '../support/app';
import { amend, measureOf, registerDecision, viewOf } from '../support/http-programmes';

/**
 * A new release that changed a projection's tables starts on a data directory written by the old one: it finds
 * read models of another layout, folds the log into new ones before it serves, and answers as before.
 */
describe('starting on read models of another layout', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'programme-tracker-upgrade-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('folds the log into new read models before serving: the same answers, the new layout, ready at once', async () => {
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
      // then it is ready, and answers what it answered before, the audit included
      await second.http.get('/ready').expect(200);
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
});
