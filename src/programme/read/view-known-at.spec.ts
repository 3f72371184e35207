import { readFileSync } from 'node:fs';
import pino from 'pino';
import { isDomainError } from '../../common/domain-error';
import { BUNDLED_SEED } from '../../config/config.schema';
import { AggregateRepository } from '../../event-store/aggregate.repository';
import type { EventStore, Position, SubscriptionHandlers } from '../../event-store/event-store.port';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store';
import { ProjectionRunner } from '../../projections/projection.runner';
import { createProjections } from '../../projections/projections.factory';
import { ReadModelDb } from '../../projections/read-model.db';
import type { Kopecks } from '../domain/money';
import { decide } from '../domain/programme.decider';
import { programmeStream } from '../domain/programme.events';
import { AnnexImporter, EMPTY_DIRECTORY } from '../import/annex.importer';
import { programmeFold, withProgrammeMetadata } from '../write/programme.fold';
import { ProgrammeQueries } from './programme.queries';

const PROGRAMME = 'korosten-self-government-2024-2026';
const silent = pino({ level: 'silent' });

/** The store as a subscription that has delivered events up to `upTo` only: read models that lag behind. */
function deliveringUpTo(store: SqliteEventStore, upTo: number): EventStore {
  return Object.create(store, {
    subscribeToAll: {
      value: (handlers: SubscriptionHandlers, options?: { after?: Position }) =>
        store.subscribeToAll({ ...handlers, onEvent: (event) => (event.position.commit <= upTo ? handlers.onEvent(event) : undefined) }, options),
    },
  }) as EventStore;
}

describe('the knownAt a view without one reports', () => {
  it('when the read models stop inside an append, is the instant before it: sent back once the rest is read, it gives the same view', async () => {
    // given the programme and an amendment with two changes (three events, one instant)
    let now = Date.parse('2025-06-02T07:00:00.000Z');
    const store = new SqliteEventStore({ filename: ':memory:', now: () => new Date((now += 1000)) });
    const repository = new AggregateRepository(store);
    await new AnnexImporter(repository, EMPTY_DIRECTORY).import({ programmeId: PROGRAMME, document: readFileSync(BUNDLED_SEED, 'utf8') }, { correlationId: 'seed', actor: 'seed' });
    const amended = await repository.execute(programmeStream(PROGRAMME), programmeFold, { correlationId: 'c', actor: 'secretariat:test' }, (timeline) => {
      const changes = ['1.1', '1.2'].map((measure) => ({ op: 'setAllocation' as const, measure, year: 2025, amount: 12_345_600 as Kopecks }));
      const decided = decide({ type: 'RegisterAmendment', data: { programmeId: PROGRAMME, amendmentId: 'a-1', decision: { id: 'd-1', effectiveFrom: '2025-03-01' }, changes, executors: {} } }, timeline);
      return isDomainError(decided) ? decided : withProgrammeMetadata(decided, timeline);
    });
    if (isDomainError(amended)) throw new Error(amended.message);
    const readModels = new ReadModelDb(':memory:');

    // when the read models have read its header and first change only
    const projections = createProjections();
    const lagging = new ProjectionRunner(deliveringUpTo(store, amended.position.commit - 1), readModels, projections.all, silent);
    lagging.start();
    expect(await lagging.waitFor({ commit: amended.position.commit - 1, prepare: amended.position.commit - 1 })).toBe(true);
    await lagging.stop();
    const queries = new ProgrammeQueries(readModels.db, projections.decisions, projections.executors);
    const then = queries.view(PROGRAMME, { asOf: '2025-12-31' });

    // then the view does not show the amendment, and says it is as known just before it was recorded
    const recorded = amended.events[0].created;
    expect(then?.lastAmendment?.amendmentId).not.toBe('a-1');
    expect(then?.knownAt).toBe(new Date(Date.parse(recorded) - 1).toISOString());

    // and once the rest is read, that knownAt still gives that view, while the current one shows the amendment
    const caughtUp = new ProjectionRunner(store, readModels, projections.all, silent);
    caughtUp.start();
    expect(await caughtUp.waitFor(amended.position)).toBe(true);
    await caughtUp.stop();
    expect(queries.view(PROGRAMME, { asOf: '2025-12-31', knownAt: then?.knownAt })).toEqual(then);
    expect(queries.view(PROGRAMME, { asOf: '2025-12-31' })).toMatchObject({ knownAt: recorded, lastAmendment: { amendmentId: 'a-1' } });

    await store.close();
    readModels.close();
  });
});

describe('the latest knownAt a view can be asked for', () => {
  it('is now, or the last recorded instant when the store’s clock runs ahead of this server’s, so a view’s own knownAt is always accepted back', async () => {
    // given a store whose clock runs an hour ahead (an EventStoreDB leader's), and read models that hold its events
    const ahead = Date.now() + 3_600_000;
    const store = new SqliteEventStore({ filename: ':memory:', now: () => new Date(ahead) });
    await new AnnexImporter(new AggregateRepository(store), EMPTY_DIRECTORY).import({ programmeId: PROGRAMME, document: readFileSync(BUNDLED_SEED, 'utf8') }, { correlationId: 'seed', actor: 'seed' });
    const readModels = new ReadModelDb(':memory:');
    const projections = createProjections();
    const runner = new ProjectionRunner(store, readModels, projections.all, silent);
    runner.start();
    expect(await runner.waitFor(await store.headPosition())).toBe(true);
    await runner.stop();
    const queries = new ProgrammeQueries(readModels.db, projections.decisions, projections.executors);

    // then the view reports a knownAt later than this server's now, and that is the latest it accepts
    const view = queries.view(PROGRAMME, { asOf: '2025-12-31' });
    expect(Date.parse(view?.knownAt ?? '')).toBeGreaterThan(Date.now());
    expect(queries.latestKnowable()).toBe(view?.knownAt);

    // and with read models that hold nothing yet, it is this server's now
    const emptyModels = new ReadModelDb(':memory:');
    const fresh = createProjections();
    // Built, not started: the runner creates the tables, and nothing is folded into them.
    new ProjectionRunner(store, emptyModels, fresh.all, silent);
    const empty = new ProgrammeQueries(emptyModels.db, fresh.decisions, fresh.executors);
    const before = new Date().toISOString();
    const latest = empty.latestKnowable();
    expect(latest >= before).toBe(true);
    expect(latest <= new Date().toISOString()).toBe(true);

    await store.close();
    readModels.close();
    emptyModels.close();
  });
});
