import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../../src/event-store/event-store.errors';
import {
  comparePositions,
  EventData,
  EventStore,
  Position,
  readWholeLog,
  RecordedEvent,
} from '../../src/event-store/event-store.port';
import { rejection } from '../support/rejection';

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Another client on the same store (another connection / process-like writer). */
  readonly openAnother: () => Promise<EventStore>;
  readonly dispose: () => Promise<void>;
}

const event = (type = 'Happened', data: Record<string, string | number> = {}): EventData => ({
  id: randomUUID(),
  type,
  data,
  metadata: { $correlationId: randomUUID(), $causationId: randomUUID(), actor: 'contract-test' },
});

const events = (n: number, type = 'Happened') => Array.from({ length: n }, (_, i) => event(type, { i }));

/** Events of this run only: the EventStoreDB server may hold other runs' events. */
async function collectFromLog(store: EventStore, after: Position, streams: Set<string>): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  for await (const page of readWholeLog(store, after, 7)) found.push(...page.filter((e) => streams.has(e.streamName)));
  return found;
}

function waitFor<T>(predicate: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = predicate();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** The rules of DESIGN §3, run against every adapter. */
export function eventStoreContract(adapter: string, open: () => Promise<StoreUnderTest>): void {
  describe(`event store contract: ${adapter}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    let streamName: (category?: string) => string;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      const run = randomUUID().slice(0, 8);
      streamName = (category = 'contract') => `${category}-${run}-${randomUUID().slice(0, 8)}`;
    });
    afterEach(async () => subject.dispose());

    describe('appending with an expected revision', () => {
      it('starts a new stream at revision 0 when no_stream is expected', async () => {
        const stream = streamName();
        const result = await store.appendToStream(stream, events(3), { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(2);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('appends when the expected revision number is the stream’s last revision', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(stream, events(1), { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('rejects a stale revision number with WrongExpectedRevision naming expected and actual', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' });
        const error = await rejection(store.appendToStream(stream, events(1), { expectedRevision: 0 }));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: stream, expected: 0, actual: 1 });
      });

      it('rejects no_stream on an existing stream', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(1), { expectedRevision: 'no_stream' });
        const error = await rejection(store.appendToStream(stream, events(1), { expectedRevision: 'no_stream' }));
        expect(error).toMatchObject({ name: 'WrongExpectedRevisionError', expected: 'no_stream', actual: 0 });
      });

      it('rejects stream_exists and a revision number on a missing stream, reporting no_stream', async () => {
        const stream = streamName();
        expect(await rejection(store.appendToStream(stream, events(1), { expectedRevision: 'stream_exists' }))).toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no_stream',
        });
        expect(await rejection(store.appendToStream(stream, events(1), { expectedRevision: 0 }))).toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no_stream',
        });
      });

      it('appends with stream_exists on an existing stream and with any on any stream', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(1), { expectedRevision: 'any' });
        await store.appendToStream(stream, events(1), { expectedRevision: 'stream_exists' });
        await store.appendToStream(stream, events(1), { expectedRevision: 'any' });
        expect((await store.readStream(stream)).length).toBe(3);
      });

      it('writes all events of an append or none of them', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(1), { expectedRevision: 'no_stream' });
        await rejection(store.appendToStream(stream, events(5), { expectedRevision: 7 }));
        expect((await store.readStream(stream)).length).toBe(1);
      });

      it('lets exactly one of N concurrent appenders on one expected revision win', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(1), { expectedRevision: 'no_stream' });
        const others = await Promise.all([subject.openAnother(), subject.openAnother()]);
        const writers = [store, ...others];
        const attempts = Array.from({ length: 12 }, (_, i) =>
          writers[i % writers.length].appendToStream(stream, events(2, `Writer${i}`), { expectedRevision: 0 }),
        );
        const outcomes = await Promise.allSettled(attempts);
        await Promise.all(others.map((o) => o.close()));
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((o) => o.reason instanceof WrongExpectedRevisionError)).toBe(true);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(new Set(read.slice(1).map((e) => e.type)).size).toBe(1);
      });
    });

    describe('idempotent append by event id', () => {
      it('returns the original result and writes nothing when the same ids are appended again at the same revision', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(1), { expectedRevision: 'no_stream' });
        const batch = events(3);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 0 });
        const again = await store.appendToStream(stream, batch, { expectedRevision: 0 });
        expect(again).toEqual(first);
        expect((await store.readStream(stream)).length).toBe(4);
      });

      it('is idempotent for a retried first append with no_stream', async () => {
        const stream = streamName();
        const batch = events(2);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' })).toEqual(first);
        expect((await store.readStream(stream)).length).toBe(2);
      });

      it('is idempotent with any when the ids are the stream’s latest append', async () => {
        const stream = streamName();
        const batch = events(2);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'any' });
        expect(await store.appendToStream(stream, batch, { expectedRevision: 'any' })).toEqual(first);
        expect((await store.readStream(stream)).length).toBe(2);
      });

      it('rejects ids that only partly match an earlier append with WrongExpectedRevision', async () => {
        const stream = streamName();
        const batch = events(2);
        await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        const error = await rejection(store.appendToStream(stream, [batch[0], event()], { expectedRevision: 'no_stream' }));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(stream)).length).toBe(2);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards from a revision, one page of maxCount at a time', async () => {
        const stream = streamName();
        await store.appendToStream(stream, events(10), { expectedRevision: 'no_stream' });
        const forwards = await store.readStream(stream, { fromRevision: 3, maxCount: 4 });
        expect(forwards.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([9, 8, 7]);
        const backwardsFrom = await store.readStream(stream, { direction: 'backwards', fromRevision: 2, maxCount: 5 });
        expect(backwardsFrom.map((e) => e.revision)).toEqual([2, 1, 0]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(streamName())).toEqual([]);
      });

      it('returns id, type, data and metadata as appended, with $correlationId, $causationId and actor', async () => {
        const stream = streamName();
        const written = event('Measured', { amount: 7_500_000, title: 'Членський внесок' });
        await store.appendToStream(stream, [written], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream);
        expect(read).toMatchObject({ id: written.id, type: 'Measured', data: written.data, streamName: stream, revision: 0 });
        expect(read.metadata).toMatchObject(written.metadata);
      });

      it('stamps each event with a UTC created time that never runs backwards', async () => {
        const stream = streamName();
        for (let i = 0; i < 5; i++) await store.appendToStream(stream, events(1), { expectedRevision: 'any' });
        const read = await store.readStream(stream);
        for (const e of read) expect(e.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        const times = read.map((e) => Date.parse(e.created));
        expect([...times].sort((a, b) => a - b)).toEqual(times);
      });
    });

    describe('reading $all', () => {
      it('reads every stream in global order, in pages, after an exclusive position', async () => {
        const head = await store.headPosition();
        const a = streamName();
        const b = streamName();
        await store.appendToStream(a, events(3, 'A'), { expectedRevision: 'no_stream' });
        await store.appendToStream(b, events(2, 'B'), { expectedRevision: 'no_stream' });
        await store.appendToStream(a, events(2, 'A'), { expectedRevision: 2 });
        const log = await collectFromLog(store, head, new Set([a, b]));
        expect(log.map((e) => `${e.type}${e.revision}`)).toEqual(['A0', 'A1', 'A2', 'B0', 'B1', 'A3', 'A4']);
        for (let i = 1; i < log.length; i++) expect(comparePositions(log[i - 1].position, log[i].position)).toBeLessThan(0);
        const afterThird = await collectFromLog(store, log[2].position, new Set([a, b]));
        expect(afterThird.map((e) => `${e.type}${e.revision}`)).toEqual(['B0', 'B1', 'A3', 'A4']);
      });

      it('reports the position of the last append as the head, with nothing of it after that position', async () => {
        const stream = streamName();
        const result = await store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' });
        expect(comparePositions(await store.headPosition(), result.position)).toBeGreaterThanOrEqual(0);
        expect(await collectFromLog(store, result.position, new Set([stream]))).toEqual([]);
        const [lastOfStream] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        // EventStoreDB reports an append's position as its commit, which may lie past its last event's own.
        expect(comparePositions(lastOfStream.position, result.position)).toBeLessThanOrEqual(0);
      });
    });

    describe('catch-up subscription to $all', () => {
      it('delivers history, says when it has caught up, then delivers live appends in order', async () => {
        const stream = streamName();
        const head = await store.headPosition();
        await store.appendToStream(stream, events(3, 'Old'), { expectedRevision: 'no_stream' });
        const seen: string[] = [];
        let caughtUpAfter = -1;
        const subscription = store.subscribeToAll(
          {
            onEvent: (e) => {
              if (e.streamName === stream) seen.push(`${e.type}${e.revision}`);
            },
            onCaughtUp: () => {
              if (caughtUpAfter < 0) caughtUpAfter = seen.length;
            },
          },
          { after: head },
        );
        await waitFor(() => (caughtUpAfter >= 0 ? true : undefined));
        await store.appendToStream(stream, events(2, 'New'), { expectedRevision: 2 });
        await waitFor(() => (seen.length === 5 ? true : undefined));
        await subscription.stop();
        expect(caughtUpAfter).toBe(3);
        expect(seen).toEqual(['Old0', 'Old1', 'Old2', 'New3', 'New4']);
      });

      it('resumes after a checkpoint without gaps or repeats', async () => {
        const stream = streamName();
        const head = await store.headPosition();
        await store.appendToStream(stream, events(4), { expectedRevision: 'no_stream' });
        const delivered: RecordedEvent[] = [];
        let checkpoint = head;
        const first = store.subscribeToAll(
          {
            onEvent: (e) => {
              if (e.streamName !== stream || delivered.length >= 2) return;
              delivered.push(e);
              checkpoint = e.position;
            },
          },
          { after: head },
        );
        await waitFor(() => (delivered.length === 2 ? true : undefined));
        await first.stop();
        await store.appendToStream(stream, events(3), { expectedRevision: 3 });

        const resumed = store.subscribeToAll(
          { onEvent: (e) => void (e.streamName === stream && delivered.push(e)) },
          { after: checkpoint },
        );
        await waitFor(() => (delivered.length >= 7 ? true : undefined));
        await new Promise((r) => setTimeout(r, 100));
        await resumed.stop();
        expect(delivered.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      });

      it('stops delivering once stopped', async () => {
        const stream = streamName();
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ onEvent: (e) => void (e.streamName === stream && seen.push(e)) }, { after: await store.headPosition() });
        await subscription.stop();
        await store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' });
        await new Promise((r) => setTimeout(r, 300));
        expect(seen).toEqual([]);
      });
    });
  });
}
