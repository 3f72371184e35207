import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { type RecordedEvent, START } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection.runner';
import { READ_MODEL_LAYOUT, ReadModelDb } from './read-model.db';

/** Counts events in a table; fails the batches it is told to fail, as a locked file or a full disk would. */
class CountingProjection implements Projection {
  readonly name = 'counting';
  private db!: Database.Database;
  failuresLeft = 0;
  reloads = 0;

  createSchema(db: Database.Database): void {
    this.db = db;
    this.reloads += 1;
    db.exec('CREATE TABLE IF NOT EXISTS counted (id TEXT PRIMARY KEY)');
  }
  drop(db: Database.Database): void {
    db.exec('DROP TABLE IF EXISTS counted');
  }
  /** Fails once, at the event after this many: a fold that breaks half-way. */
  failAfter = Number.POSITIVE_INFINITY;
  apply(event: RecordedEvent): void {
    this.db.prepare('INSERT INTO counted (id) VALUES (?)').run(event.id);
    if (this.count() > this.failAfter) {
      this.failAfter = Number.POSITIVE_INFINITY;
      throw new Error('disk full');
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('disk full');
    }
  }
  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM counted').get() as { n: number }).n;
  }
}

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'Happened', data: { i }, metadata: {} }));

describe('projection runner', () => {
  let store: SqliteEventStore;
  let readModels: ReadModelDb;
  let projection: CountingProjection;
  let runner: ProjectionRunner;
  beforeEach(() => {
    store = new SqliteEventStore({ filename: ':memory:', pollIntervalMs: 20 });
    readModels = new ReadModelDb(':memory:');
    projection = new CountingProjection();
    runner = new ProjectionRunner(store, readModels, [projection], pino({ level: 'silent' }));
  });
  afterEach(async () => {
    await runner.stop();
    await store.close();
    readModels.close();
  });

  it('catches up, commits each batch with its checkpoint, and lets a writer wait for its position', async () => {
    const first = await store.appendToStream('s-1', events(3), { expectedRevision: 'no_stream' });
    runner.start();
    expect(await runner.waitFor(first.position)).toBe(true);
    const second = await store.appendToStream('s-1', events(2), { expectedRevision: 2 });
    expect(await runner.waitFor(second.position)).toBe(true);
    expect(projection.count()).toBe(5);
    expect(readModels.checkpoint('read-models')).toEqual(second.position);
    expect(await runner.readiness()).toEqual({ ready: true, lagEvents: 0 });
  });

  it('after a failed batch: says so, stops making writers wait, then reloads and resumes from the checkpoint with nothing lost or doubled', async () => {
    // given a runner that has processed 3 events
    const first = await store.appendToStream('s-1', events(3), { expectedRevision: 'no_stream' });
    runner.start();
    await runner.waitFor(first.position);

    // when the next batch fails once
    projection.failuresLeft = 1;
    const second = await store.appendToStream('s-1', events(4), { expectedRevision: 2 });

    // then readiness names the failure while it lasts (the first retry waits half a second), and the runner resumes by itself
    let readiness = await runner.readiness();
    for (let i = 0; i < 40 && readiness.failure === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      readiness = await runner.readiness();
    }
    expect(readiness).toMatchObject({ ready: false, failure: 'disk full' });
    expect(await runner.waitFor(second.position, 50)).toBe(false);
    for (let i = 0; i < 100 && !(await runner.waitFor(second.position, 50)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(projection.count()).toBe(7);
    expect(projection.reloads).toBeGreaterThanOrEqual(2);
    expect(await runner.readiness()).toEqual({ ready: true, lagEvents: 0 });
  });

  it('stopped while it waits to retry a failed batch, and started again, resumes from the checkpoint instead of dropping every event', async () => {
    // given a runner whose batch failed, stopped before its retry
    const first = await store.appendToStream('s-1', events(3), { expectedRevision: 'no_stream' });
    runner.start();
    await runner.waitFor(first.position);
    projection.failuresLeft = 1;
    await store.appendToStream('s-1', events(4), { expectedRevision: 2 });
    for (let i = 0; i < 40 && (await runner.readiness()).failure === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await runner.readiness()).failure).toBe('disk full');
    await runner.stop();

    // when it is started again, and more is written
    runner.start();
    const third = await store.appendToStream('s-1', events(2), { expectedRevision: 6 });

    // then it holds every event once
    expect(await runner.waitFor(third.position, 2000)).toBe(true);
    expect(projection.count()).toBe(9);
    expect(await runner.readiness()).toEqual({ ready: true, lagEvents: 0 });
  });

  it('keeps read models of its own layout on a restart, and folds the log afresh into ones of another layout', async () => {
    // given read models built from three events
    const appended = await store.appendToStream('s-1', events(3), { expectedRevision: 'no_stream' });
    runner.start();
    expect(await runner.waitFor(appended.position)).toBe(true);
    await runner.stop();
    expect(readModels.layout).toBe(READ_MODEL_LAYOUT);

    // when a runner opens them again, then it resumes from their checkpoint
    const again = new ProjectionRunner(store, readModels, [projection], pino({ level: 'silent' }));
    expect(again.position).toEqual(appended.position);

    // when a runner opens them as written by another release, then it starts from the beginning, on empty tables
    readModels.layout = READ_MODEL_LAYOUT - 1;
    runner = new ProjectionRunner(store, readModels, [projection], pino({ level: 'silent' }));
    expect(runner.position).toEqual(START);
    expect(projection.count()).toBe(0);
    expect(readModels.layout).toBe(READ_MODEL_LAYOUT);
    // and it folds every event once
    runner.start();
    expect(await runner.waitFor(appended.position)).toBe(true);
    expect(projection.count()).toBe(3);
  });

  it('folds the log afresh when the read models are ahead of it (the store replaced while they were kept)', async () => {
    // given read models built from five events of one store
    const old = await store.appendToStream('s-1', events(5), { expectedRevision: 'no_stream' });
    runner.start();
    expect(await runner.waitFor(old.position)).toBe(true);
    await runner.stop();

    // when they are opened over a new store holding two events
    const replaced = new SqliteEventStore({ filename: ':memory:', pollIntervalMs: 20 });
    const appended = await replaced.appendToStream('s-2', events(2), { expectedRevision: 'no_stream' });
    const again = new ProjectionRunner(replaced, readModels, [projection], pino({ level: 'silent' }));
    try {
      await again.checkAgainstLog();

      // then the runner asks for a refold, and the rebuild holds the new log's events only
      expect(again.refoldPending).toBe(true);
      expect(await again.rebuild()).toBe(2);
      expect(projection.count()).toBe(2);
      expect(again.position).toEqual(appended.position);
    } finally {
      await replaced.close();
    }
  });

  it('leaves read models that are behind the log, or level with it, to resume; folds the log in bulk for none at all', async () => {
    // given no read models and an empty log, then read models level with a log of three events
    await runner.checkAgainstLog();
    expect(runner.refoldPending).toBe(false);
    const appended = await store.appendToStream('s-1', events(3), { expectedRevision: 'no_stream' });
    runner.start();
    expect(await runner.waitFor(appended.position)).toBe(true);
    await runner.checkAgainstLog();
    expect(runner.refoldPending).toBe(false);
    // and behind it by two events
    await runner.stop();
    await store.appendToStream('s-1', events(2), { expectedRevision: 2 });
    await runner.checkAgainstLog();
    expect(runner.refoldPending).toBe(false);

    // when read models that hold nothing open on that log, then they are to be folded in bulk
    const fresh = new ReadModelDb(':memory:');
    try {
      const empty = new ProjectionRunner(store, fresh, [new CountingProjection()], pino({ level: 'silent' }));
      await empty.checkAgainstLog();
      expect(empty.refoldPending).toBe(true);
    } finally {
      fresh.close();
    }
  });

  it('folds again at the next start read models whose fold stopped half-way, and keeps them reloaded and pending after a failed one', async () => {
    // given a log of three pages, and a fold that fails on its second page
    for (let i = 0; i < 3; i++) await store.appendToStream(`s-${i}`, events(1000), { expectedRevision: 'no_stream' });
    projection.failAfter = 1500;
    const reloads = projection.reloads;
    await expect(runner.rebuild()).rejects.toThrow('disk full');

    // then the runner reloaded the projections (their memory may hold the failed page), says it is still
    // withheld, and has its checkpoint at the last page it committed
    expect(projection.reloads).toBe(reloads + 2);
    expect(runner.withheld).toBe(true);
    expect(runner.position.commit).toBe(1000);
    // and a runner opening these read models (a restart) finds them of no layout, and folds the log again
    const again = new ProjectionRunner(store, readModels, [projection], pino({ level: 'silent' }));
    expect(again.refoldPending).toBe(true);
    expect(await again.rebuild()).toBe(3000);
    expect(projection.count()).toBe(3000);
    expect(readModels.layout).toBe(READ_MODEL_LAYOUT);
  });

  it('lets the event loop take its turns while it folds the log afresh, and says it is refolding meanwhile', async () => {
    // given a log of three pages
    for (let i = 0; i < 3; i++) await store.appendToStream(`s-${i}`, events(1000), { expectedRevision: 'no_stream' });

    // when a timer is due as the fold starts
    const seen: boolean[] = [];
    setTimeout(() => seen.push(runner.withheld), 0);
    const refolding = runner.rebuild();
    expect(runner.withheld).toBe(true);
    expect(await refolding).toBe(3000);

    // then the timer ran while the fold was under way, and the fold is over now
    expect(seen).toEqual([true]);
    expect(runner.withheld).toBe(false);
    expect(await runner.readiness()).toMatchObject({ ready: false });
  });

  it('catches up on a long log through the subscription without keeping timers waiting until it is done', async () => {
    for (let i = 0; i < 3; i++) await store.appendToStream(`s-${i}`, events(1000), { expectedRevision: 'no_stream' });
    const head = await store.headPosition();
    const seenAt: number[] = [];
    setTimeout(() => seenAt.push(runner.position.commit), 0);
    runner.start();
    expect(await runner.waitFor(head)).toBe(true);
    expect(seenAt).toHaveLength(1);
    expect(seenAt[0]).toBeLessThan(head.commit);
  });
});
