import { domainError, isDomainError } from '../common/domain-error';
import { eventReader } from '../common/event-types';
import { AggregateRepository, eventByEvent, type NewEvent, PreconditionFailedError } from './aggregate.repository';
import { WrongExpectedRevisionError } from './event-store.errors';
import type { EventStore, ReadStreamOptions } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** A counter aggregate: enough to see who decided on which revision. */
type Counted = { type: 'Counted'; data: { by: string; seen: number } };
const counter = eventByEvent<number, Counted>(0, (n) => n + 1, eventReader<Counted>({ Counted: true }));
const count = (by: string, decisions: string[]) => (state: number): NewEvent[] => {
  decisions.push(`${by}@${state}`);
  return [{ type: 'Counted', data: { by, seen: state } }];
};

/**
 * Two servers on one store: each has its own repository (and cache). The barrier holds every stream read until
 * `parties` reads are waiting, so both decide on the same revision and then race to append.
 */
function twoProcesses(store: EventStore, parties = 2) {
  let waiting: (() => void)[] = [];
  let armed = true;
  const gated: EventStore = Object.create(store, {
    readStream: {
      value: async (stream: string, options?: ReadStreamOptions) => {
        if (armed) {
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            if (waiting.length === parties) {
              armed = false;
              waiting.forEach((r) => r());
              waiting = [];
            }
          });
        }
        return store.readStream(stream, options);
      },
    },
  });
  return [new AggregateRepository(gated), new AggregateRepository(gated)] as const;
}

const context = { correlationId: 'test', actor: 'secretariat:test' };

describe('aggregate repository: load → decide → append with the revision decided on', () => {
  let store: SqliteEventStore;
  beforeEach(() => (store = new SqliteEventStore({ filename: ':memory:' })));
  afterEach(async () => store.close());

  it('runs commands queued on one stream each in a turn of its own, so that the server answers others between them', async () => {
    // given three commands queued on one stream, and requests arriving all the while
    const repository = new AggregateRepository(store);
    const log: string[] = [];
    const decide = (by: string) => (state: number): NewEvent[] => {
      log.push(by);
      return [{ type: 'Counted', data: { by, seen: state } }];
    };
    const queued = ['a', 'b', 'c'].map((by) => repository.execute('counter-turns', counter, context, decide(by)));
    let done = false;
    const request = () => {
      log.push('request');
      if (!done) setImmediate(request);
    };
    setImmediate(request);

    // when they run
    await Promise.all(queued);
    done = true;

    // then requests got their turns between the commands, not only after the last
    const commands = log.filter((entry) => entry !== 'request');
    expect(commands).toEqual(['a', 'b', 'c']);
    expect(log.slice(log.indexOf('a'), log.indexOf('c') + 1).filter((entry) => entry === 'request').length).toBeGreaterThanOrEqual(2);
  });

  it('re-decides a command that lost the append race on the new state, and both land', async () => {
    // given two writers in two processes that both loaded the empty stream
    const [a, b] = twoProcesses(store);
    const decisions: string[] = [];

    // when both append
    const [first, second] = await Promise.all([a.execute('counter-1', counter, context, count('a', decisions)), b.execute('counter-1', counter, context, count('b', decisions))]);

    // then the loser decided again, on the winner's event, and both events are in the stream
    expect(isDomainError(first) || isDomainError(second)).toBe(false);
    expect(decisions).toHaveLength(3);
    expect(decisions).toEqual(expect.arrayContaining(['a@0', 'b@0']));
    expect(decisions[2]).toMatch(/^[ab]@1$/);
    const stream = await store.readStream('counter-1');
    expect(stream.map((e) => (e.data as { seen: number }).seen)).toEqual([0, 1]);
  });

  it('answers 412 instead of re-deciding when the client pinned the revision with If-Match', async () => {
    const [a, b] = twoProcesses(store);
    await new AggregateRepository(store).execute('counter-2', counter, context, count('seed', []));
    const outcomes = await Promise.allSettled([
      a.execute('counter-2', counter, { ...context, expectedRevisions: [0] }, count('a', [])),
      b.execute('counter-2', counter, { ...context, expectedRevisions: [0] }, count('b', [])),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [lost] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(lost.reason).toBeInstanceOf(PreconditionFailedError);
    expect(lost.reason).toMatchObject({ expected: [0], actual: 1 });
  });

  it('with a stale If-Match, a command refused as not found keeps its 404; any other answer is 412', async () => {
    // given no stream, and a command that refuses to act on nothing
    const repository = new AggregateRepository(store);
    const refuse = () => domainError('not-found', 'CounterNotFound', 'no such counter');

    // when a client pins a revision it cannot have seen
    const outcome = await repository.execute('counter-none', counter, { ...context, expectedRevisions: [3] }, refuse);

    // then the refusal stands, and a command that would create the stream still meets the precondition
    expect(outcome).toMatchObject({ code: 'CounterNotFound' });
    await expect(repository.execute('counter-none', counter, { ...context, expectedRevisions: [3] }, count('a', []))).rejects.toBeInstanceOf(PreconditionFailedError);
    // and so does one that conflicts with what the client has not seen
    const conflict = () => domainError('conflict', 'CounterConflict', 'not on this count');
    await expect(repository.execute('counter-none', counter, { ...context, expectedRevisions: [3] }, conflict)).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.readStream('counter-none')).toHaveLength(0);
  });

  it('gives up with WrongExpectedRevision after a bounded number of lost races', async () => {
    // given a store where some other writer always appends first
    const repository = new AggregateRepository(
      Object.create(store, {
        appendToStream: { value: async (stream: string) => Promise.reject(new WrongExpectedRevisionError(stream, 0, 1)) },
      }) as EventStore,
    );
    const decisions: string[] = [];
    await expect(repository.execute('counter-3', counter, context, count('a', decisions))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(decisions).toHaveLength(5);
  });

  it('replays the first answer for a retried Idempotency-Key and refuses the key for a different request', async () => {
    const repository = new AggregateRepository(store);
    const keyed = { ...context, idempotencyKey: 'k-1', requestHash: 'h-1' };
    const first = await repository.execute('counter-4', counter, keyed, count('a', []));
    const retry = await repository.execute('counter-4', counter, keyed, count('a', []));
    expect(retry).toMatchObject({ replayed: true, revision: 0 });
    expect(isDomainError(first) ? undefined : first.events.map((e) => e.id)).toEqual(isDomainError(retry) ? [] : retry.events.map((e) => e.id));
    expect(await store.readStream('counter-4')).toHaveLength(1);
    const reused = await repository.execute('counter-4', counter, { ...keyed, requestHash: 'h-2' }, count('a', []));
    expect(reused).toMatchObject({ code: 'IdempotencyKeyReused' });
  });

  it('refuses one of two racing requests with the same Idempotency-Key but different content, instead of answering both as written', async () => {
    // given two processes that both loaded the empty stream, each with its own request under one key
    const [a, b] = twoProcesses(store);
    const [first, second] = await Promise.all([
      a.execute('counter-5', counter, { ...context, idempotencyKey: 'k-5', requestHash: 'h-a' }, count('a', [])),
      b.execute('counter-5', counter, { ...context, idempotencyKey: 'k-5', requestHash: 'h-b' }, count('b', [])),
    ]);

    // then one is written and the other refused, and the stream holds the one written
    const outcomes = [first, second].map((o) => (isDomainError(o) ? o.code : o.replayed ? 'replayed' : 'written'));
    expect(outcomes.sort()).toEqual(['IdempotencyKeyReused', 'written']);
    expect(await store.readStream('counter-5')).toHaveLength(1);
  });

  it('answers the same request racing itself under one Idempotency-Key once written and once replayed', async () => {
    const [a, b] = twoProcesses(store);
    const keyed = { ...context, idempotencyKey: 'k-6', requestHash: 'h-6' };
    const outcomes = await Promise.all([a.execute('counter-6', counter, keyed, count('a', [])), b.execute('counter-6', counter, keyed, count('a', []))]);
    expect(outcomes.map((o) => (isDomainError(o) ? o.code : o.replayed)).sort()).toEqual([false, true]);
    expect(await store.readStream('counter-6')).toHaveLength(1);
  });
});
