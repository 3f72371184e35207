import pino from 'pino';
import {
  AccessDeniedError,
  AllStreamJSONRecordedEvent,
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendResult as ClientAppendResult,
  AppendToStreamOptions,
  DeadlineExceededError,
  EventData as ClientEventData,
  EventType,
  excludeSystemEvents,
  NO_STREAM,
  ReadAllOptions as ClientReadAllOptions,
  ReadStreamOptions as ClientReadStreamOptions,
  ResolvedEvent,
  StreamingRead,
  StreamNotFoundError,
  SubscribeToAllOptions,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors';
import { EventData, Position, readWholeLog, RecordedEvent, START } from '../event-store.port';
import { EsdbClient, EsdbEventStore, resubscribeDelay } from './esdb-event-store';
import { rejection } from '../../../test/support/rejection';

// ---------------------------------------------------------------------------------------------------------------
// A fake of the client: an in-memory $all that answers reads the way the server does (inclusive of the start
// position), and subscriptions that behave like the client's own Subscription stream.
// ---------------------------------------------------------------------------------------------------------------

const at = (n: number): Position => ({ commit: n, prepare: n });

function resolved(stream: string, revision: number, position: number, type = 'Happened'): AllStreamResolvedEvent {
  const event: AllStreamJSONRecordedEvent = {
    streamId: stream,
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    revision: BigInt(revision),
    type,
    data: { position },
    metadata: { actor: 'test' },
    isJson: true,
    created: new Date(Date.UTC(2024, 1, 22, 9, 0, 0, position)),
    position: { commit: BigInt(position), prepare: BigInt(position) },
  };
  return { event, commitPosition: BigInt(position) };
}

const positionOf = (e: AllStreamResolvedEvent): bigint => e.event!.position.commit;

function streamingRead<T>(items: readonly T[], failure?: Error): StreamingRead<T> {
  const readable = new Readable({ objectMode: true, read() {} });
  for (const item of items) readable.push(item);
  if (failure) process.nextTick(() => readable.destroy(failure));
  else readable.push(null);
  return Object.assign(readable, { cancel: async () => undefined }) as unknown as StreamingRead<T>;
}

/** What the server sends on a subscription: an event, or the "caught up" message. */
type ServerMessage = { event: AllStreamResolvedEvent } | { caughtUp: true };

/** Like the client's Subscription: a Transform that emits `caughtUp` as the server's message passes through. */
class FakeSubscription extends Transform {
  unsubscribed = false;
  constructor(readonly fromPosition: SubscribeToAllOptions['fromPosition']) {
    super({ objectMode: true });
  }
  override _transform(message: ServerMessage, _encoding: BufferEncoding, next: TransformCallback): void {
    if ('caughtUp' in message) {
      this.emit('caughtUp');
      return next();
    }
    next(null, message.event);
  }
  send(event: AllStreamResolvedEvent): void {
    this.write({ event });
  }
  /** The client cancels the gRPC call, whose end then ends this stream. */
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    if (!this.destroyed && !this.writableEnded) this.end();
  }
  /** How the client reports a dropped connection: an 'error' event, after what already arrived. */
  dropConnection(error: Error = new UnavailableError()): void {
    this.emit('error', error);
  }
}

class FakeEventStoreDB implements EsdbClient {
  readonly log: AllStreamResolvedEvent[] = [];
  readonly appendCalls: Array<{ stream: string; events: ClientEventData[]; options?: AppendToStreamOptions }> = [];
  readonly readStreamCalls: Array<{ stream: string; options?: ClientReadStreamOptions }> = [];
  readonly readAllCalls: ClientReadAllOptions[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  appendAnswer: () => Promise<ClientAppendResult> = async () => ({ success: true, nextExpectedRevision: 0n, position: { commit: 1n, prepare: 1n } });
  /** Servers before 23.10 do not send the caught-up message. */
  sendsCaughtUp = true;
  /** When set, the next subscription sends only this many events and then drops the connection. */
  dropAfter: number | undefined;
  /** When set, subscriptions fail with this error as they start. */
  subscribeFailure: (() => Error) | undefined;
  disposed = false;

  add(...events: AllStreamResolvedEvent[]): void {
    for (const event of events) {
      this.log.push(event);
      for (const subscription of this.subscriptions) if (this.passesFilter(event) && !subscription.writableEnded && !subscription.destroyed) subscription.send(event);
    }
  }

  appendToStream: EsdbClient['appendToStream'] = async (stream, events, options) => {
    this.appendCalls.push({ stream, events: ([] as ClientEventData[]).concat(events), options });
    return this.appendAnswer();
  };

  readStream: EsdbClient['readStream'] = <E extends EventType>(stream: string, options?: ClientReadStreamOptions) => {
    this.readStreamCalls.push({ stream, options });
    const events = this.log.filter((e) => e.event!.streamId === stream);
    if (events.length === 0) return streamingRead<ResolvedEvent<E>>([], new StreamNotFoundError(undefined, stream));
    const from = options?.fromRevision;
    const backwards = options?.direction === 'backwards';
    const ordered = backwards ? [...events].reverse() : events;
    const selected = ordered.filter(
      (e) => typeof from !== 'bigint' || (backwards ? e.event!.revision <= from : e.event!.revision >= from),
    );
    return streamingRead(selected.slice(0, Number(options?.maxCount ?? Number.MAX_SAFE_INTEGER)) as ResolvedEvent<E>[]);
  };

  readAll: EsdbClient['readAll'] = (options = {}) => {
    this.readAllCalls.push(options);
    const from = options.fromPosition ?? 'start';
    const count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    if (options.direction === 'backwards') {
      const newestFirst = [...this.log].reverse();
      const selected = typeof from === 'object' ? newestFirst.filter((e) => positionOf(e) < from.commit) : newestFirst;
      return streamingRead(selected.slice(0, count));
    }
    const selected = typeof from === 'object' ? this.log.filter((e) => positionOf(e) >= from.commit) : this.log;
    return streamingRead(selected.slice(0, count));
  };

  subscribeToAll: EsdbClient['subscribeToAll'] = (options = {}) => {
    const subscription = new FakeSubscription(options.fromPosition);
    this.subscriptions.push(subscription);
    expect(options.filter).toEqual(excludeSystemEvents());
    const failure = this.subscribeFailure;
    if (failure) {
      process.nextTick(() => subscription.dropConnection(failure()));
      return subscription as unknown as AllStreamSubscription;
    }
    const from = options.fromPosition;
    // Subscriptions start after the given position.
    const history = this.log.filter((e) => this.passesFilter(e) && (typeof from !== 'object' || positionOf(e) > from.commit));
    const dropAfter = this.dropAfter;
    this.dropAfter = undefined;
    for (const event of history.slice(0, dropAfter)) subscription.send(event);
    if (dropAfter !== undefined) process.nextTick(() => subscription.dropConnection());
    else if (this.sendsCaughtUp) subscription.write({ caughtUp: true });
    return subscription as unknown as AllStreamSubscription;
  };

  dispose: EsdbClient['dispose'] = async () => {
    this.disposed = true;
    for (const subscription of this.subscriptions) await subscription.unsubscribe();
  };

  private passesFilter(event: AllStreamResolvedEvent): boolean {
    return new RegExp(excludeSystemEvents().regex).test(event.event!.type);
  }
}

const FAST_RETRY = { resubscribe: { initialDelayMs: 1, maxDelayMs: 4 } };

function storeWith(fake: FakeEventStoreDB): EsdbEventStore {
  return new EsdbEventStore(fake, FAST_RETRY);
}

function waitFor(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 2);
    };
    tick();
  });
}

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

const portEvent = (id: string, type = 'AllocationSet'): EventData => ({ id, type, data: { measureId: '1.3' }, metadata: { actor: 'secretariat' } });

// ---------------------------------------------------------------------------------------------------------------

describe('EsdbEventStore', () => {
  let fake: FakeEventStoreDB;
  let store: EsdbEventStore;

  beforeEach(() => {
    fake = new FakeEventStoreDB();
    store = storeWith(fake);
  });
  afterEach(() => store.close());

  it('is the eventstoredb kind', () => {
    expect(store.kind).toBe('eventstoredb');
  });

  describe('appendToStream', () => {
    it('sends JSON events with the expected revision as the client’s, and answers in numbers', async () => {
      fake.appendAnswer = async () => ({ success: true, nextExpectedRevision: 2n, position: { commit: 5_000n, prepare: 4_800n } });
      const result = await store.appendToStream('decision-1', [portEvent('a1'), portEvent('a2')], { expectedRevision: 0 });
      expect(result).toEqual({ nextExpectedRevision: 2, position: { commit: 5_000, prepare: 4_800 } });
      expect(JSON.stringify(result)).toBe('{"nextExpectedRevision":2,"position":{"commit":5000,"prepare":4800}}');
      expect(fake.appendCalls).toHaveLength(1);
      expect(fake.appendCalls[0].stream).toBe('decision-1');
      expect(fake.appendCalls[0].options?.expectedRevision).toBe(0n);
      expect(fake.appendCalls[0].events.map((e) => [e.id, e.contentType, e.type])).toEqual([
        ['a1', 'application/json', 'AllocationSet'],
        ['a2', 'application/json', 'AllocationSet'],
      ]);
    });

    it('sends no_stream as the client’s NO_STREAM', async () => {
      await store.appendToStream('decision-2', [portEvent('b1')], { expectedRevision: 'no_stream' });
      expect(fake.appendCalls[0].options?.expectedRevision).toBe(NO_STREAM);
    });

    it('turns WrongExpectedVersionError into WrongExpectedRevisionError with expected and actual', async () => {
      fake.appendAnswer = async () => {
        throw new WrongExpectedVersionError(undefined, { streamName: 'decision-3', expected: 0n, current: 1n });
      };
      const error = await rejection(store.appendToStream('decision-3', [portEvent('c1')], { expectedRevision: 0 }));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamName: 'decision-3', expected: 0, actual: 1 });
    });

    it('reports actual no_stream when the stream does not exist', async () => {
      fake.appendAnswer = async () => {
        throw new WrongExpectedVersionError(undefined, { streamName: 'decision-4', expected: 'stream_exists', current: 'no_stream' });
      };
      expect(await rejection(store.appendToStream('decision-4', [portEvent('d1')], { expectedRevision: 'stream_exists' }))).toMatchObject({
        name: 'WrongExpectedRevisionError',
        expected: 'stream_exists',
        actual: 'no_stream',
      });
    });

    it('treats a reported (not thrown) append failure as a wrong expected revision', async () => {
      fake.appendAnswer = async () => ({ success: false, nextExpectedRevision: 6n, position: undefined });
      expect(await rejection(store.appendToStream('decision-5', [portEvent('e1')], { expectedRevision: 2 }))).toMatchObject({
        name: 'WrongExpectedRevisionError',
        expected: 2,
        actual: 6,
      });
    });

    it('turns an unavailable server into EventStoreUnavailableError', async () => {
      fake.appendAnswer = async () => {
        throw new UnavailableError();
      };
      expect(await rejection(store.appendToStream('decision-6', [portEvent('f1')], { expectedRevision: 'any' }))).toBeInstanceOf(EventStoreUnavailableError);
    });

    it('reads the position back from the stream when the server answers without one', async () => {
      fake.add(resolved('decision-7', 0, 100), resolved('decision-7', 1, 200), resolved('other-1', 0, 300));
      fake.appendAnswer = async () => ({ success: true, nextExpectedRevision: 1n, position: undefined });
      const result = await store.appendToStream('decision-7', [portEvent('g1')], { expectedRevision: 0 });
      expect(result).toEqual({ nextExpectedRevision: 1, position: at(200) });
    });

    it('refuses an empty append without asking the server', async () => {
      await expect(store.appendToStream('decision-8', [], { expectedRevision: 'any' })).rejects.toThrow(RangeError);
      expect(fake.appendCalls).toHaveLength(0);
    });
  });

  describe('readStream', () => {
    beforeEach(() => {
      for (let revision = 0; revision < 5; revision++) fake.add(resolved('programme-a', revision, 100 * (revision + 1)));
    });

    it('reads one page forwards from the start by default', async () => {
      const page = await store.readStream('programme-a', { maxCount: 3 });
      expect(page.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(fake.readStreamCalls[0].options).toMatchObject({ fromRevision: 'start', direction: 'forwards', maxCount: 3 });
    });

    it('reads backwards from the end by default, or from a revision', async () => {
      expect((await store.readStream('programme-a', { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([4, 3]);
      expect(fake.readStreamCalls[0].options).toMatchObject({ fromRevision: 'end', direction: 'backwards' });
      expect((await store.readStream('programme-a', { direction: 'backwards', fromRevision: 1 })).map((e) => e.revision)).toEqual([1, 0]);
      expect(fake.readStreamCalls[1].options).toMatchObject({ fromRevision: 1n, maxCount: 500 });
    });

    it('maps events with numbers only', async () => {
      const [first] = await store.readStream('programme-a', { fromRevision: 2, maxCount: 1 });
      expect(first).toEqual({
        id: '00000000-0000-4000-8000-000000000300',
        type: 'Happened',
        data: { position: 300 },
        metadata: { actor: 'test' },
        streamName: 'programme-a',
        revision: 2,
        position: at(300),
        created: '2024-02-22T09:00:00.300Z',
      });
    });

    it('reads a missing stream (StreamNotFoundError) as an empty page', async () => {
      expect(await store.readStream('programme-missing')).toEqual([]);
    });

    it('turns a deadline into EventStoreUnavailableError', async () => {
      fake.readStream = () => streamingRead([], new DeadlineExceededError());
      expect(await rejection(store.readStream('programme-a'))).toBeInstanceOf(EventStoreUnavailableError);
    });
  });

  describe('readAll', () => {
    beforeEach(() => {
      fake.add(
        resolved('programme-a', 0, 100),
        resolved('$stats-node', 0, 150, '$statsCollected'),
        resolved('programme-a', 1, 200),
        resolved('$$programme-a', 0, 250, '$metadata'),
        resolved('$ce-programme', 0, 260, '$>'),
        // A server projection's result: a $ stream, though its type does not say so.
        resolved('$projections-totals-result', 0, 270, 'Result'),
        resolved('decision-1', 0, 300),
        resolved('programme-a', 2, 400),
      );
    });

    it('reads strictly after `after`, though the server starts at it, and leaves out system events', async () => {
      const page = await store.readAll({ after: at(100), maxCount: 2 });
      expect(page.map((e) => e.position.commit)).toEqual([200, 300]);
      expect(fake.readAllCalls[0]).toMatchObject({ fromPosition: { commit: 100n, prepare: 100n }, direction: 'forwards' });
    });

    it('reads on until the page is full when system events take room in a read', async () => {
      const page = await store.readAll({ after: at(200), maxCount: 2 });
      expect(page.map((e) => e.position.commit)).toEqual([300, 400]);
      expect(fake.readAllCalls.length).toBeGreaterThan(1);
    });

    it('reads from the start of the log when no position is given, and returns a short page at the end', async () => {
      const page = await store.readAll({ maxCount: 10 });
      expect(page.map((e) => e.position.commit)).toEqual([100, 200, 300, 400]);
      expect(fake.readAllCalls[0].fromPosition).toBe('start');
    });

    it('lets readWholeLog walk the log in pages with every event exactly once', async () => {
      const seen: number[] = [];
      for await (const page of readWholeLog(store, START, 1)) {
        seen.push(...page.map((e) => e.position.commit));
        if (seen.length > 10) break; // a cursor that does not advance must fail here, not loop forever
      }
      expect(seen).toEqual([100, 200, 300, 400]);
    });
  });

  describe('headPosition and ping', () => {
    it('is the position of the newest event that is not a system event', async () => {
      fake.add(resolved('programme-a', 0, 100), resolved('programme-a', 1, 200), resolved('$stats', 0, 300, '$statsCollected'));
      expect(await store.headPosition()).toEqual(at(200));
    });

    it('is START for an empty log and for a log of system events only', async () => {
      expect(await store.headPosition()).toEqual(START);
      fake.add(resolved('$stats', 0, 300, '$statsCollected'), resolved('$stats', 1, 400, '$statsCollected'));
      expect(await store.headPosition()).toEqual(START);
    });

    it('pings by reading the newest event', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(fake.readAllCalls[0]).toMatchObject({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    });

    it('reports a failed ping as EventStoreUnavailableError', async () => {
      fake.readAll = () => streamingRead([], new UnavailableError());
      expect(await rejection(store.ping())).toBeInstanceOf(EventStoreUnavailableError);
    });

    it('reports a ping that gets no answer as EventStoreUnavailableError', async () => {
      const silent = new EsdbEventStore(fake, { pingTimeoutMs: 20 });
      fake.readAll = () => Object.assign(new Readable({ objectMode: true, read() {} }), { cancel: async () => undefined }) as unknown as StreamingRead<AllStreamResolvedEvent>;
      await expect(silent.ping()).rejects.toThrow(/no answer within 20 ms/);
      await expect(silent.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });
  });

  describe('subscribeToAll', () => {
    it('delivers history after `after`, reports catching up only after the buffered history is handled, then delivers live events', async () => {
      for (let i = 1; i <= 30; i++) fake.add(resolved('programme-a', i - 1, 100 * i));
      fake.add(resolved('$stats', 0, 3_050, '$statsCollected'));
      const seen: number[] = [];
      const caughtUpAfter: number[] = [];
      const subscription = store.subscribeToAll(
        {
          // A slow handler lets the server's caught-up message overtake the events still waiting in the stream.
          onEvent: async (e) => {
            await new Promise((r) => setTimeout(r, 1));
            seen.push(e.position.commit);
          },
          onCaughtUp: () => caughtUpAfter.push(seen.length),
        },
        { after: at(500) },
      );
      await waitFor(() => caughtUpAfter.length > 0);
      expect(caughtUpAfter[0]).toBe(25);
      expect(fake.subscriptions[0].fromPosition).toEqual({ commit: 500n, prepare: 500n });

      fake.add(resolved('programme-a', 30, 3_100));
      await waitFor(() => seen.length === 26);
      await subscription.stop();
      expect(seen).toEqual([...Array.from({ length: 25 }, (_, i) => 100 * (i + 6)), 3_100]);
    });

    it('subscribes from the start when no position is given', async () => {
      fake.add(resolved('programme-a', 0, 100));
      const seen: number[] = [];
      const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit) });
      await waitFor(() => seen.length === 1);
      await subscription.stop();
      expect(fake.subscriptions[0].fromPosition).toBe('start');
    });

    it('reports catching up on a server that never says so, once the head read at start is delivered', async () => {
      fake.sendsCaughtUp = false;
      fake.add(resolved('programme-a', 0, 100), resolved('programme-a', 1, 200), resolved('programme-a', 2, 300));
      const seen: number[] = [];
      let caughtUpAfter = -1;
      const subscription = store.subscribeToAll({
        onEvent: (e) => void seen.push(e.position.commit),
        onCaughtUp: () => {
          if (caughtUpAfter < 0) caughtUpAfter = seen.length;
        },
      });
      await waitFor(() => caughtUpAfter >= 0);
      await subscription.stop();
      expect(caughtUpAfter).toBe(3);
    });

    it('reports catching up at once when nothing is stored after `after`, even without the server’s message', async () => {
      fake.sendsCaughtUp = false;
      fake.add(resolved('programme-a', 0, 100));
      let caughtUp = 0;
      const subscription = store.subscribeToAll({ onEvent: () => undefined, onCaughtUp: () => caughtUp++ }, { after: at(100) });
      await waitFor(() => caughtUp === 1);
      await subscription.stop();
    });

    it('resubscribes after a dropped connection from the last delivered position, with no gap and no repeat', async () => {
      for (let i = 1; i <= 6; i++) fake.add(resolved('programme-a', i - 1, 100 * i));
      fake.dropAfter = 3;
      const seen: number[] = [];
      const errors: Error[] = [];
      const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit), onError: (e) => errors.push(e) });
      await waitFor(() => seen.length === 6);
      fake.add(resolved('programme-a', 6, 700));
      await waitFor(() => seen.length === 7);
      await subscription.stop();

      expect(fake.subscriptions.map((s) => s.fromPosition)).toEqual(['start', { commit: 300n, prepare: 300n }]);
      expect(seen).toEqual([100, 200, 300, 400, 500, 600, 700]);
      expect(errors).toEqual([]);
    });

    it('resumes from the last event its handler finished, not the last one the stream had buffered', async () => {
      for (let i = 1; i <= 5; i++) fake.add(resolved('programme-a', i - 1, 100 * i));
      const seen: number[] = [];
      const subscription = store.subscribeToAll({
        onEvent: (e) => {
          seen.push(e.position.commit);
          // The connection dies while 300…500 sit unread in the stream's buffer, and they are lost with it.
          if (seen.length === 2 && fake.subscriptions.length === 1) fake.subscriptions[0].destroy(new UnavailableError());
        },
      });
      await waitFor(() => seen.length === 5);
      await settle();
      await subscription.stop();
      expect(fake.subscriptions[1].fromPosition).toEqual({ commit: 200n, prepare: 200n });
      expect(seen).toEqual([100, 200, 300, 400, 500]);
    });

    it('does not deliver twice an event a server sends again at the resume position', async () => {
      fake.add(resolved('programme-a', 0, 100), resolved('programme-a', 1, 200));
      const seen: number[] = [];
      const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit) });
      await waitFor(() => seen.length === 2);
      fake.subscriptions[0].dropConnection();
      await waitFor(() => fake.subscriptions.length === 2);
      // An inclusive server would start the new subscription with the event at the position it was given.
      fake.subscriptions[1].send(resolved('programme-a', 1, 200));
      fake.add(resolved('programme-a', 2, 300));
      await waitFor(() => seen.length === 3);
      await settle();
      await subscription.stop();
      expect(seen).toEqual([100, 200, 300]);
    });

    it('resubscribes when the server ends the subscription without an error', async () => {
      fake.add(resolved('programme-a', 0, 100));
      const seen: number[] = [];
      const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit) });
      await waitFor(() => seen.length === 1);
      fake.subscriptions[0].end();
      await waitFor(() => fake.subscriptions.length === 2);
      fake.add(resolved('programme-a', 1, 200));
      await waitFor(() => seen.length === 2);
      await subscription.stop();
      expect(fake.subscriptions[1].fromPosition).toEqual({ commit: 100n, prepare: 100n });
    });

    it('logs every resubscription with its cause and the position it resumes after', async () => {
      fake.add(resolved('programme-a', 0, 100));
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      fake.subscribeFailure = () => new UnavailableError();
      const seen: number[] = [];
      const subscription = new EsdbEventStore(fake, { ...FAST_RETRY, logger }).subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit) });
      await waitFor(() => lines.length >= 2);
      fake.subscribeFailure = undefined;
      await waitFor(() => seen.length === 1);
      await subscription.stop();
      expect(lines.slice(0, 2).map(({ msg, failures, after, err }) => ({ msg, failures, after, type: (err as { type?: string } | undefined)?.type }))).toEqual([
        { msg: 'EventStoreDB subscription dropped: resubscribing', failures: 1, after: START, type: 'UnavailableError' },
        { msg: 'EventStoreDB subscription dropped: resubscribing', failures: 2, after: START, type: 'UnavailableError' },
      ]);
    });

    it('keeps retrying while the server is unavailable, then carries on', async () => {
      fake.add(resolved('programme-a', 0, 100));
      fake.subscribeFailure = () => new UnavailableError();
      const seen: number[] = [];
      const errors: Error[] = [];
      const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit), onError: (e) => errors.push(e) });
      await waitFor(() => fake.subscriptions.length >= 3);
      fake.subscribeFailure = undefined;
      await waitFor(() => seen.length === 1);
      await subscription.stop();
      expect(seen).toEqual([100]);
      expect(errors).toEqual([]);
    });

    it('gives up and reports through onError when the server refuses the subscription', async () => {
      fake.subscribeFailure = () => new AccessDeniedError();
      const errors: Error[] = [];
      const subscription = store.subscribeToAll({ onEvent: () => undefined, onError: (e) => errors.push(e) });
      await waitFor(() => errors.length === 1);
      await settle();
      await subscription.stop();
      expect(errors[0]).toBeInstanceOf(AccessDeniedError);
      expect(fake.subscriptions).toHaveLength(1);
    });

    it('reports a failing handler through onError with its own error, and stops', async () => {
      fake.add(resolved('programme-a', 0, 100), resolved('programme-a', 1, 200));
      const failure = new Error('projection bug');
      const errors: Error[] = [];
      const seen: number[] = [];
      const subscription = store.subscribeToAll({
        onEvent: (e) => {
          if (e.position.commit === 200) throw failure;
          seen.push(e.position.commit);
        },
        onError: (e) => errors.push(e),
      });
      await waitFor(() => errors.length === 1);
      await settle();
      await subscription.stop();
      expect(errors).toEqual([failure]);
      expect(seen).toEqual([100]);
      expect(fake.subscriptions).toHaveLength(1);
      expect(fake.subscriptions[0].unsubscribed).toBe(true);
    });

    it('delivers nothing more once stopped, and cancels the server subscription', async () => {
      fake.add(resolved('programme-a', 0, 100));
      const seen: number[] = [];
      const subscription = store.subscribeToAll({ onEvent: (e) => void seen.push(e.position.commit) });
      await waitFor(() => seen.length === 1);
      await subscription.stop();
      fake.add(resolved('programme-a', 1, 200));
      await settle();
      expect(seen).toEqual([100]);
      expect(fake.subscriptions).toHaveLength(1);
      expect(fake.subscriptions[0].unsubscribed).toBe(true);
    });

    it('stops while waiting to resubscribe, and does not resubscribe afterwards', async () => {
      const slow = new EsdbEventStore(fake, { resubscribe: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
      fake.subscribeFailure = () => new UnavailableError();
      const subscription = slow.subscribeToAll({ onEvent: () => undefined });
      await waitFor(() => fake.subscriptions.length === 1);
      await settle();
      const started = Date.now();
      await subscription.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      await settle();
      expect(fake.subscriptions).toHaveLength(1);
    });
  });

  describe('a call the server never answers', () => {
    const pending = <T>() => Object.assign(new Readable({ objectMode: true, read() {} }), { cancel: async () => undefined }) as unknown as StreamingRead<T>;

    it('fails as unavailable after the call timeout, and cancels its read', async () => {
      const silent = new EsdbEventStore(fake, { callTimeoutMs: 20 });
      const reads: StreamingRead<AllStreamResolvedEvent>[] = [];
      fake.readAll = () => {
        reads.push(pending());
        return reads[reads.length - 1];
      };
      fake.appendAnswer = () => new Promise(() => undefined);
      for (const call of [silent.readAll(), silent.headPosition(), silent.appendToStream('programme-a', [portEvent('11111111-1111-4111-8111-111111111111')], { expectedRevision: 'any' })]) {
        const error = await rejection(call);
        expect([error, (error as Error).message]).toEqual([expect.any(EventStoreUnavailableError), 'no answer within 20 ms']);
      }
      expect(reads.every((read) => read.destroyed)).toBe(true);
    });

    it('lets a subscription waiting for the head be stopped, and the store be closed, at once', async () => {
      fake.readAll = () => pending();
      const subscription = store.subscribeToAll({ onEvent: () => undefined });
      await settle(10);
      const stopped = await Promise.race([subscription.stop().then(() => 'stopped'), settle(500).then(() => 'still waiting')]);
      const closed = await Promise.race([store.close().then(() => 'closed'), settle(500).then(() => 'still waiting')]);
      expect([stopped, closed]).toEqual(['stopped', 'closed']);
      expect(fake.subscriptions).toHaveLength(0);
    });

    it('passes on a call the client refuses at once, and leaves no deadline behind to fail later', async () => {
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => void unhandled.push(reason);
      process.on('unhandledRejection', record);
      try {
        const quick = new EsdbEventStore(fake, { callTimeoutMs: 20 });
        fake.readStream = () => {
          throw new RangeError('fromRevision must not be negative');
        };
        expect(await rejection(quick.readStream('programme-a', { fromRevision: 3 }))).toEqual(new RangeError('fromRevision must not be negative'));
        await settle(60);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', record);
      }
    });

    it('answers a call under way unavailable as soon as the store closes, without waiting out its deadline', async () => {
      fake.readAll = () => pending();
      const reading = rejection(store.readAll());
      await store.close();
      expect(await reading).toEqual(new EventStoreUnavailableError('the EventStoreDB connection was closed during the call'));
    });

    it('fails a read that close() cut short as unavailable, not as a short page, and every call after close', async () => {
      // given a read the client ends early, as disposing cancels it
      let endRead: () => void = () => undefined;
      fake.readAll = () => {
        const read = pending<AllStreamResolvedEvent>();
        endRead = () => read.push(null);
        return read;
      };
      const reading = rejection(store.readAll());
      await settle(5);
      // when
      const closing = store.close();
      endRead();
      await closing;
      // then
      expect(await reading).toBeInstanceOf(EventStoreUnavailableError);
      expect(await rejection(store.readStream('programme-a'))).toBeInstanceOf(EventStoreUnavailableError);
    });
  });

  describe('close', () => {
    it('stops running subscriptions, then disposes the client', async () => {
      fake.add(resolved('programme-a', 0, 100));
      const seen: RecordedEvent[] = [];
      store.subscribeToAll({ onEvent: (e) => void seen.push(e) });
      await waitFor(() => seen.length === 1);
      await store.close();
      expect(fake.disposed).toBe(true);
      fake.add(resolved('programme-a', 1, 200));
      await settle();
      expect(seen).toHaveLength(1);
      expect(fake.subscriptions).toHaveLength(1);
    });

    it('leaves a subscription asked for afterwards with nothing to deliver, and nothing to retry', async () => {
      const warnings: unknown[] = [];
      const closedStore = new EsdbEventStore(fake, { ...FAST_RETRY, logger: { warn: (...args: unknown[]) => void warnings.push(args) } as never });
      await closedStore.close();
      const subscription = closedStore.subscribeToAll({ onEvent: () => undefined });
      await settle(50);
      expect([fake.subscriptions.length, warnings.length]).toEqual([0, 0]);
      await subscription.stop();
    });

    it('can be called twice', async () => {
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
});

describe('EsdbEventStore on the real client, against a peer that takes the connection and never answers', () => {
  let peer: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    peer = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => peer.close(resolve));
  });

  it('fails every call as unavailable within its timeout, where the client alone would wait for good', async () => {
    const { port } = peer.address() as AddressInfo;
    const store = new EsdbEventStore(`esdb://127.0.0.1:${port}?tls=false`, { callTimeoutMs: 200, pingTimeoutMs: 200 });
    const calls = {
      append: store.appendToStream('programme-a', [portEvent('22222222-2222-4222-8222-222222222222')], { expectedRevision: 'no_stream' }),
      readStream: store.readStream('programme-a'),
      readAll: store.readAll(),
      headPosition: store.headPosition(),
      ping: store.ping(),
    };
    const failures = Object.fromEntries(await Promise.all(Object.entries(calls).map(async ([name, call]) => [name, (await rejection(call))?.constructor.name])));
    expect(failures).toEqual({ append: 'EventStoreUnavailableError', readStream: 'EventStoreUnavailableError', readAll: 'EventStoreUnavailableError', headPosition: 'EventStoreUnavailableError', ping: 'EventStoreUnavailableError' });
    await store.close();
  });
});

describe('resubscribeDelay', () => {
  const backoff = { initialDelayMs: 100, maxDelayMs: 5_000 };

  it('doubles from the initial delay up to the maximum', () => {
    const ceiling = (failures: number) => resubscribeDelay(failures, backoff, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(ceiling)).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
  });

  it('keeps at least half of the delay and randomises the rest', () => {
    expect(resubscribeDelay(2, backoff, () => 0)).toBe(200);
    expect(resubscribeDelay(2, backoff, () => 0.5)).toBe(300);
  });
});
