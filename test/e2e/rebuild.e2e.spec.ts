import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.schema';
import { SNAPSHOT_EVERY } from '../../src/programme/read/programmes.projection';
import { rebuildReadModels } from '../../src/projections/rebuild';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import { amend, registerDecision, registerExecutor, revoke } from '../support/http-programmes';

/**
 * `npm run rebuild` (DESIGN §6): the read models folded from the whole log at once must be the read models
 * the server built event by event — every row of every table, the bitemporal snapshots and their
 * known_from/known_to included — and serve the same answers.
 *
 * Nothing is excluded from the comparison, not even `programme_audit.seq`: it is a rowid, and both ways insert
 * the audit lines in the log's order into a table that starts empty (a rebuild drops the table), so even the
 * cursors a client holds stay valid.
 */

const PROGRAMME = `/api/v1/programmes/${KOROSTEN}`;
const logger = pino({ level: 'silent' });

type Tables = Record<string, unknown[]>;

/** Every row of every table, each table's rows in a canonical order (the comparison is of contents, not of storage order). */
function tablesOf(file: string): Tables {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    return Object.fromEntries(
      names.map(({ name }) => {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
        return [name, rows.map((row) => JSON.stringify(row)).sort().map((json) => JSON.parse(json) as unknown)];
      }),
    );
  } finally {
    db.close();
  }
}

describe('rebuilding the read models from the log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'programme-rebuild-'));
  const config = loadConfig({ DATA_DIR: dataDir });
  /** The GETs whose answers must not change, by path. */
  const reads: string[] = [];
  let servedBefore: Record<string, { status: number; etag: unknown; body: string }>;
  let builtIncrementally: Tables;

  const serve = async (t: TestApp) => {
    const answers: typeof servedBefore = {};
    for (const path of reads) {
      const res = await t.http.get(path).set(t.as('auditor'));
      answers[path] = { status: res.status, etag: res.headers.etag, body: res.text };
    }
    return answers;
  };

  beforeAll(async () => {
    // given read models the server built event by event: a decision corrected, an executor renamed, more
    // amendments than one snapshot interval with retroactive ones among them, and a revocation
    const t = await startApp({ dataDir });
    try {
      const executor = await registerExecutor(t, 'Відділ інформаційної політики');
      await t.http.post(`/api/v1/executors/${executor}/renames`).set(t.as('secretariat')).send({ name: 'Управління інформаційної політики', effectiveFrom: '2025-04-01' }).expect(201);
      const decisions: string[] = [];
      for (let month = 1; month <= 12; month++) decisions.push(await registerDecision(t, `2025-${String(month).padStart(2, '0')}-10`));
      await t.http.post(`/api/v1/decisions/${decisions[0]}/corrections`).set(t.as('secretariat')).send({ title: 'Про внесення змін до Програми (виправлено)' }).expect(201);

      const amendmentIds: string[] = [];
      for (let i = 0; i < SNAPSHOT_EVERY + 8; i++) {
        // every fifth amendment takes effect in January, before the ones already recorded for later months, and
        // rewords a measure no later amendment touches: every version after it changes, so its snapshots are made anew
        const retroactive = i % 5 === 4;
        const res = await amend(t, KOROSTEN, {
          decisionId: retroactive ? decisions[0] : decisions[Math.min(11, 1 + Math.floor(i / 3))],
          changes: [
            { op: 'setAllocation', measure: `1.${1 + (i % 4)}`, year: 2025, amount: `${100 + i}.50` },
            ...(retroactive ? [{ op: 'rewordMeasure', measure: '3.1', title: `Участь у конкурсах проєктів (редакція ${i})` }] : []),
            ...(i === 10 ? [{ op: 'assignExecutor', measure: '1.4', executor }] : []),
          ],
        }).expect(201);
        amendmentIds.push(res.body.amendmentId as string);
      }
      await revoke(t, KOROSTEN, amendmentIds[3], 'внесено помилково').expect(201);
      await revoke(t, KOROSTEN, amendmentIds[9], 'дубль').expect(201);

      const audit = await t.http.get(`${PROGRAMME}/audit`).set(t.as('auditor')).query({ limit: 500 }).expect(200);
      const revokedAt: string = audit.body.entries.find((e: { kind: string }) => e.kind === 'revocation').recordedAt;
      const earlier = new Date(Date.parse(revokedAt) - 1).toISOString();
      reads.push(
        '/api/v1/programmes',
        PROGRAMME,
        `${PROGRAMME}?asOf=2025-02-15`,
        `${PROGRAMME}?asOf=2025-12-31&knownAt=${earlier}`,
        `${PROGRAMME}/versions`,
        `${PROGRAMME}/versions/${decisions[0]}`,
        `${PROGRAMME}/diff?from=2025-01-01&to=2025-12-31`,
        `${PROGRAMME}/diff?from=2025-01-01&to=2025-12-31&knownAt=${earlier}`,
        `${PROGRAMME}/audit?limit=500`,
        `${PROGRAMME}/audit?limit=7&after=40`,
        '/api/v1/decisions',
        `/api/v1/executors?asOf=2025-06-01`,
      );
      servedBefore = await serve(t);
    } finally {
      await t.close();
    }
    builtIncrementally = tablesOf(config.readModelFile);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the history reached the cases a rebuild must reproduce: superseded snapshots and revocations', () => {
    expect(Object.keys(builtIncrementally)).toEqual(
      expect.arrayContaining(['checkpoints', 'decisions', 'executors', 'programme_amendments', 'programme_audit', 'programme_heads', 'programme_snapshots']),
    );
    expect(Object.values(servedBefore).map((answer) => answer.status)).toEqual(reads.map(() => 200));
    expect(builtIncrementally.programme_snapshots.some((row) => (row as { known_to: string | null }).known_to !== null)).toBe(true);
    expect(builtIncrementally.programme_amendments.filter((row) => (row as { revoked_at: string | null }).revoked_at !== null)).toHaveLength(2);
    expect(builtIncrementally.programme_open_appends).toEqual([]);
  });

  it('folds the whole log into a fresh read-model file with exactly the rows the server built', async () => {
    // given a read-model file that does not exist yet
    const fresh = join(dataDir, 'rebuilt', 'read-models.sqlite');
    const progress: number[] = [];
    let total = -1;

    // when the rebuild runs on the same store into it
    const result = await rebuildReadModels({ ...config, readModelFile: fresh }, { logger, onStart: (n) => (total = n), onProgress: (n) => progress.push(n) });

    // then every table holds the same rows, and progress counted every event of the log once
    expect(tablesOf(fresh)).toEqual(builtIncrementally);
    expect(result.events).toBe(total);
    expect(progress[progress.length - 1]).toBe(total);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(total).toBeGreaterThan(SNAPSHOT_EVERY * 2);
  });

  it('refuses a DATA_DIR that holds no event store, and creates nothing there', async () => {
    const mistyped = join(dataDir, 'no-such-data');
    await expect(rebuildReadModels(loadConfig({ DATA_DIR: mistyped }), { logger })).rejects.toThrow(/DATA_DIR: no event store at .*no-such-data.*events\.sqlite: nothing to rebuild from/);
    expect(existsSync(mistyped)).toBe(false);
  });

  it('rebuilds the server’s own read-model file in place, and the server then answers every read as before', async () => {
    // given the read models the server left behind
    expect(existsSync(config.readModelFile)).toBe(true);

    // when `npm run rebuild` drops and refolds them (the same configuration as the server's)
    await rebuildReadModels(config, { logger });

    // then the rows are the same, and so is every answer of a server started on them
    expect(tablesOf(config.readModelFile)).toEqual(builtIncrementally);
    const t = await startApp({ dataDir });
    try {
      expect(await serve(t)).toEqual(servedBefore);
    } finally {
      await t.close();
    }
  });

  it('is refused while a server runs on the same files, and so is a second server, leaving the first to serve as before; a killed rebuild’s file is cleared at start', async () => {
    // given what a killed rebuild leaves behind, which the server clears as it starts
    writeFileSync(`${config.readModelFile}.rebuilding`, 'unfinished');
    const t = await startApp({ dataDir });
    expect(existsSync(`${config.readModelFile}.rebuilding`)).toBe(false);
    try {
      await expect(rebuildReadModels(config, { logger })).rejects.toThrow(/^Invalid configuration:\n {2}- DATA_DIR: .*read-models\.sqlite is in use by another server or rebuild; stop it first/);
      await expect(startApp({ dataDir })).rejects.toThrow(/DATA_DIR: .*is in use by another server or rebuild/);
      expect(await serve(t)).toEqual(servedBefore);
    } finally {
      await t.close();
    }
    // and once the server has stopped, the files are free again
    await rebuildReadModels(config, { logger });
  });

  it('a start that fails lets go of the files, so the next start on them goes ahead', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'programme-failed-start-'));
    try {
      await expect(startApp({ dataDir: empty, env: { SEED_DOCUMENT: '/no/such/annex.txt' } })).rejects.toThrow(/SEED_DOCUMENT/);
      const t = await startApp({ dataDir: empty, seed: false });
      await t.close();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
