import type { Logger } from 'pino';
import {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  ReadPosition,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors';
import {
  AppendResult,
  comparePositions,
  DEFAULT_PAGE_SIZE,
  EventData,
  EventStore,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  START,
  Subscription,
  SubscriptionHandlers,
} from '../event-store.port';
import {
  fromCurrentRevision,
  isResumable,
  isSystemEvent,
  toClientEventData,
  toClientExpectedRevision,
  toEventStoreError,
  toPosition,
  toReadPosition,
  toReadRevision,
  toRecordedEvent,
  toSafeNumber,
} from './esdb-mapping';

/** The part of the client this adapter uses; tests hand in a fake of it. */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface ResubscribeBackoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface EsdbEventStoreOptions {
  /** The pause before resubscribing after a dropped subscription: doubles per failure, with jitter. */
  readonly resubscribe?: ResubscribeBackoff;
  readonly pingTimeoutMs?: number;
  /** How long any other call may go unanswered before it is EventStoreUnavailableError. */
  readonly callTimeoutMs?: number;
  /** Told of every resubscription, so that a subscription failing for good is not retried in silence. */
  readonly logger?: Pick<Logger, 'warn'>;
}

const DEFAULT_BACKOFF: ResubscribeBackoff = { initialDelayMs: 100, maxDelayMs: 5_000 };
const DEFAULT_PING_TIMEOUT_MS = 5_000;
/** The client's own deadline on an append, which it only sends to the server. */
const DEFAULT_CALL_TIMEOUT_MS = 10_000;
/** $all pages while looking for the newest non-system event; the first read is one event, as that is the usual case. */
const HEAD_SCAN_PAGE = 32;

/** "Equal jitter": half the delay fixed, half random, so reconnecting clients do not stampede a recovering node. */
export function resubscribeDelay(failures: number, backoff: ResubscribeBackoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** failures);
  return ceiling / 2 + (ceiling / 2) * random();
}

export class EsdbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EsdbClient;
  private readonly backoff: ResubscribeBackoff;
  private readonly pingTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly logger: Pick<Logger, 'warn'> | undefined;
  private readonly subscriptions = new Set<ResumingSubscription>();
  /** What abandons each call under way: close() answers them unavailable at once instead of waiting out their deadlines. */
  private readonly callsUnderWay = new Set<() => void>();
  private closed = false;

  /** @param connection an `esdb://` connection string, or a client built elsewhere */
  constructor(connection: string | EsdbClient, options: EsdbEventStoreOptions = {}) {
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
    this.backoff = options.resubscribe ?? DEFAULT_BACKOFF;
    this.pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.logger = options.logger;
  }

  async appendToStream(stream: string, events: readonly EventData[], { expectedRevision }: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    try {
      const result = await this.answered(() =>
        this.client.appendToStream(stream, events.map(toClientEventData), { expectedRevision: toClientExpectedRevision(expectedRevision) }),
      );
      // Only a connection string with throwOnAppendFailure=false makes the client report instead of throw.
      if (!result.success) throw new WrongExpectedRevisionError(stream, expectedRevision, fromCurrentRevision(result.nextExpectedRevision));
      const nextExpectedRevision = toSafeNumber(result.nextExpectedRevision, 'revision');
      const position = result.position ? toPosition(result.position) : await this.positionOf(stream, nextExpectedRevision);
      return { nextExpectedRevision, position };
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  /** Servers answer some appends (older ones: idempotent repeats) without a position; the event itself has it. */
  private async positionOf(stream: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(stream, { fromRevision: revision, direction: 'backwards', maxCount: 1 });
    if (!event) throw new Error(`EventStoreDB reported revision ${revision} of ${stream}, which cannot be read back`);
    return event.position;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    try {
      const read = await this.answered((started) =>
        collect(
          started(
            this.client.readStream(stream, {
              direction: backwards ? BACKWARDS : FORWARDS,
              fromRevision: toReadRevision(options.fromRevision, backwards),
              maxCount: options.maxCount ?? DEFAULT_PAGE_SIZE,
            }),
          ),
        ),
      );
      return read.flatMap((resolved) => (resolved.event ? [toRecordedEvent(resolved.event)] : []));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toEventStoreError(error);
    }
  }

  /**
   * The server reads $all from a position inclusively and cannot filter a read, so the page is gathered over as
   * many reads as it takes to collect `maxCount` events strictly after `after` that are not system events.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_PAGE_SIZE;
    const page: RecordedEvent[] = [];
    let cursor = options.after ?? START;
    let from = toReadPosition(cursor);
    try {
      while (page.length < maxCount) {
        // One more than needed: the first event may be the one at `cursor`.
        const wanted = maxCount - page.length + 1;
        const batch = await this.answered((started) => collect(started(this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: wanted }))));
        for (const { event } of batch) {
          if (!event || isSystemEvent(event) || page.length === maxCount) continue;
          const recorded = toRecordedEvent(event);
          if (comparePositions(recorded.position, cursor) > 0) page.push(recorded);
        }
        const last = batch[batch.length - 1]?.event;
        if (batch.length < wanted || !last) return page;
        from = last.position;
        cursor = toPosition(last.position);
      }
      return page;
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  async headPosition(): Promise<Position> {
    try {
      let from: ReadPosition = END;
      let pageSize = 1;
      for (;;) {
        const batch: AllStreamResolvedEvent[] = await this.answered((started) =>
          collect(started(this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: pageSize }))),
        );
        const newest = batch.find(({ event }) => event && !isSystemEvent(event))?.event;
        if (newest) return toPosition(newest.position);
        const oldest = batch[batch.length - 1]?.event;
        if (batch.length < pageSize || !oldest) return START;
        from = oldest.position;
        pageSize = HEAD_SCAN_PAGE;
      }
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.answered((started) => collect(started(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }))), this.pingTimeoutMs);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      throw new EventStoreUnavailableError(`EventStoreDB does not answer: ${cause.message}`, { cause });
    }
  }

  /**
   * The client sets no deadline on reads, nor on the capability check an append starts with, so a server that
   * takes the connection and never answers would hang the call for good. Past `timeoutMs` it is unavailable and
   * its reads are cancelled (an append may still land; a retry with its event ids is idempotent). A read that
   * `close()` cut short is unavailable too, not a short page taken for the end of the log.
   */
  private async answered<T>(call: (started: <R extends CancellableRead>(read: R) => R) => Promise<T>, timeoutMs = this.callTimeoutMs): Promise<T> {
    const closedDuringCall = () => new EventStoreUnavailableError('the EventStoreDB connection was closed during the call');
    if (this.closed) throw new EventStoreUnavailableError('the EventStoreDB connection is closed');
    const reads: CancellableRead[] = [];
    let abandon: (error: Error) => void = ignore;
    const abandoned = new Promise<never>((_, reject) => (abandon = reject));
    const timer = setTimeout(() => abandon(new EventStoreUnavailableError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onClose = () => abandon(closedDuringCall());
    this.callsUnderWay.add(onClose);
    // Async, so that a call that throws at once (an argument the client refuses) rejects instead of leaving the timer.
    const work = (async () =>
      call((read) => {
        reads.push(read);
        return read;
      }))();
    // Once the call is abandoned, its own failure (its cancelled read) is no one's to handle.
    work.catch(ignore);
    try {
      const result = await Promise.race([work, abandoned]);
      if (this.closed) throw closedDuringCall();
      return result;
    } catch (error) {
      for (const read of reads) {
        read.destroy();
        void read.cancel().catch(ignore);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.callsUnderWay.delete(onClose);
    }
  }

  subscribeToAll(handlers: SubscriptionHandlers, options: { after?: Position } = {}): Subscription {
    // As on the embedded store, a closed store delivers nothing; resubscribing to a closed client would retry for good.
    if (this.closed) return { stop: async () => undefined };
    const subscription = new ResumingSubscription(this.client, handlers, options.after ?? START, this.backoff, () => this.headPosition(), this.logger);
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  /** Subscriptions stop first: disposing cancels their streams, which they would take for a dropped connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const abandon of this.callsUnderWay) abandon();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.client.dispose();
  }
}

/**
 * A catch-up subscription to $all that outlives dropped connections: it remembers the position of the last event
 * its handler finished and resubscribes after it, so no event is delivered twice and none is skipped.
 */
class ResumingSubscription {
  private stopped = false;
  private failures = 0;
  private lastDelivered: Position;
  private current: AllStreamSubscription | undefined;
  private requestStop: () => void = ignore;
  /** Settles on stop(): whatever the subscription is waiting for (the head, a backoff) is not waited for any longer. */
  private readonly stopRequested = new Promise<void>((resolve) => (this.requestStop = resolve));
  private readonly finished: Promise<void>;

  constructor(
    private readonly client: EsdbClient,
    private readonly handlers: SubscriptionHandlers,
    after: Position,
    private readonly backoff: ResubscribeBackoff,
    private readonly readHead: () => Promise<Position>,
    private readonly logger: Pick<Logger, 'warn'> | undefined,
  ) {
    this.lastDelivered = after;
    this.finished = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.requestStop();
    // Ends the `for await` at once, even while the connection is still being set up; a running handler finishes first.
    this.current?.destroy();
    await this.finished;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let dropped: unknown;
      try {
        await this.deliverUntilDropped();
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof HandlerFailure) return this.handlers.onError?.(error.cause);
        if (!isResumable(error)) return this.handlers.onError?.(toEventStoreError(error));
        dropped = error;
      }
      if (this.stopped) return;
      const delay = resubscribeDelay(this.failures++, this.backoff);
      this.logger?.warn({ err: dropped, failures: this.failures, retryInMs: Math.round(delay), after: this.lastDelivered }, 'EventStoreDB subscription dropped: resubscribing');
      await this.pause(delay);
    }
  }

  /** Returns when the server ends the subscription, throws when it fails. */
  private async deliverUntilDropped(): Promise<void> {
    const headRead = this.readHead();
    // A stop while the head is read leaves the read to time out: its failure is no one's to handle then.
    headRead.catch(ignore);
    const head = await Promise.race([headRead, this.stopRequested]);
    if (this.stopped || head === undefined) return;
    const subscription = this.client.subscribeToAll({ fromPosition: toReadPosition(this.lastDelivered), filter: excludeSystemEvents() });
    this.current = subscription;
    // After the loop has left, a late error on the stream must not become an uncaught 'error' event.
    subscription.on('error', ignore);
    const caughtUp = new CaughtUpDetector(subscription, head, this.lastDelivered, () => {
      this.failures = 0;
      this.handlers.onCaughtUp?.();
    });
    try {
      for await (const resolved of subscription) {
        caughtUp.received();
        if (this.stopped) return;
        await this.deliver(resolved);
        caughtUp.processed(this.lastDelivered);
      }
    } finally {
      this.current = undefined;
      caughtUp.detach();
      // Cancels the gRPC call when the loop left early; a no-op on a call that has ended.
      void subscription.unsubscribe().catch(ignore);
    }
  }

  private async deliver({ event }: AllStreamResolvedEvent): Promise<void> {
    if (!event || isSystemEvent(event)) return;
    const recorded = toRecordedEvent(event);
    // Subscriptions start after the given position, but a server that repeats one must not make us repeat it.
    if (comparePositions(recorded.position, this.lastDelivered) <= 0) return;
    try {
      await this.handlers.onEvent(recorded);
    } catch (error) {
      throw new HandlerFailure(error);
    }
    this.lastDelivered = recorded.position;
    this.failures = 0;
  }

  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), this.stopRequested]);
    clearTimeout(timer);
  }
}

/**
 * Decides when everything stored has been delivered. The client emits `caughtUp` when the server's message passes
 * through its stream, while earlier events may still wait in the stream's buffer; the signal is held back until the
 * handler has finished those. Servers too old to send `caughtUp` are covered by the head position read at start.
 * Once caught up, each drained burst of live events is reported again, as the SQLite store does.
 */
class CaughtUpDetector {
  private receivedCount = 0;
  private processedCount = 0;
  private serverCaughtUpAt: number | undefined;
  private live = false;
  private readonly onServerCaughtUp = () => {
    const at = this.receivedCount + this.subscription.readableLength;
    if (this.processedCount >= at) this.report();
    else this.serverCaughtUpAt = at;
  };

  constructor(
    private readonly subscription: AllStreamSubscription,
    private readonly head: Position,
    after: Position,
    private readonly notify: () => void,
  ) {
    subscription.on('caughtUp', this.onServerCaughtUp);
    if (comparePositions(after, head) >= 0) this.report();
  }

  received(): void {
    this.receivedCount += 1;
  }

  processed(lastDelivered: Position): void {
    this.processedCount += 1;
    const serverSaysSo = this.serverCaughtUpAt !== undefined && this.processedCount >= this.serverCaughtUpAt;
    if (serverSaysSo) this.serverCaughtUpAt = undefined;
    const reachedHead = !this.live && comparePositions(lastDelivered, this.head) >= 0;
    const drainedLive = this.live && this.subscription.readableLength === 0;
    if (serverSaysSo || reachedHead || drainedLive) this.report();
  }

  detach(): void {
    this.subscription.removeListener('caughtUp', this.onServerCaughtUp);
  }

  private report(): void {
    this.live = true;
    this.notify();
  }
}

/** Marks an error thrown by the subscriber's own handler: not a connection problem, so never retried. */
class HandlerFailure extends Error {
  override readonly cause: Error;
  constructor(cause: unknown) {
    super('the subscription handler failed');
    this.cause = cause instanceof Error ? cause : new Error(String(cause));
  }
}

/** A read the deadline may have to cancel: the client's streaming read. */
type CancellableRead = { destroy(): void; cancel(): Promise<void> };

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

function ignore(): void {}
