import type { Logger } from 'pino';
import { comparePositions, type EventStore, type Position, readWholeLog, type RecordedEvent, START, type Subscription } from '../event-store/event-store.port';
import type { Metrics } from '../observability/metrics';
import type { Projection } from './projection';
import type { ReadModelDb } from './read-model.db';

const CHECKPOINT = 'read-models';
const MAX_BATCH = 1000;

interface Waiter {
  readonly position: Position;
  readonly resolve: (reached: boolean) => void;
}

/**
 * Feeds every projection from one catch-up subscription to `$all`, in batches: one transaction per batch
 * holds the rows of every projection and the checkpoint. Writers wait on `waitFor` for read-your-writes.
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private buffer: RecordedEvent[] = [];
  private flushScheduled = false;
  private waiters: Waiter[] = [];
  private readonly listeners: ((batch: readonly RecordedEvent[]) => void)[] = [];
  private caughtUp = false;
  private failure: Error | undefined;
  private processed: Position;
  private lastProcessedCreated: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelDb,
    private readonly projections: readonly Projection[],
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    for (const projection of projections) projection.createSchema(readModels.db);
    this.processed = readModels.checkpoint(CHECKPOINT);
  }

  /** After each committed batch, with its events: caches of what the read models hold listen here. */
  onCommitted(listener: (batch: readonly RecordedEvent[]) => void): void {
    this.listeners.push(listener);
  }

  get position(): Position {
    return this.processed;
  }

  start(): void {
    this.subscription = this.store.subscribeToAll(
      {
        onEvent: (event) => this.enqueue(event),
        onCaughtUp: () => {
          this.flush();
          if (!this.caughtUp) this.logger.info({ position: this.processed }, 'read models caught up');
          this.caughtUp = true;
        },
        onError: (error) => this.fail(error),
      },
      { after: this.processed },
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.flush();
    this.subscription = undefined;
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }

  /** Resolves true once the read models include `position`, false after the timeout. */
  waitFor(position: Position, timeoutMs = 5000): Promise<boolean> {
    if (comparePositions(this.processed, position) >= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Caught up with the store's head, and not stopped by a failing projection. */
  async readiness(): Promise<{ ready: boolean; lagEvents: number; failure?: string }> {
    if (this.failure) return { ready: false, lagEvents: Number.NaN, failure: this.failure.message };
    const head = await this.store.headPosition();
    const behind = comparePositions(head, this.processed) > 0;
    const lagEvents = behind ? Math.max(1, head.commit - this.processed.commit) : 0;
    this.metrics?.projectionLagEvents.set(this.store.kind === 'sqlite' ? lagEvents : behind ? 1 : 0);
    this.metrics?.projectionLagSeconds.set(behind && this.lastProcessedCreated ? Math.max(0, (Date.now() - Date.parse(this.lastProcessedCreated)) / 1000) : 0);
    return { ready: this.caughtUp && !behind, lagEvents };
  }

  /** Drops every read model and folds the whole log again, page by page. */
  async rebuild(onProgress?: (processed: number) => void): Promise<number> {
    const { db } = this.readModels;
    db.transaction(() => {
      for (const projection of this.projections) {
        projection.drop(db);
        projection.createSchema(db, { deferIndexes: true });
      }
      this.readModels.saveCheckpoint(CHECKPOINT, START);
    })();
    this.processed = START;
    let count = 0;
    for await (const page of readWholeLog(this.store, START, MAX_BATCH)) {
      this.commit(page);
      count += page.length;
      onProgress?.(count);
    }
    for (const projection of this.projections) projection.createIndexes?.(db);
    return count;
  }

  private enqueue(event: RecordedEvent): void {
    this.buffer.push(event);
    if (this.buffer.length >= MAX_BATCH) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0 || this.failure) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.commit(batch);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private commit(batch: readonly RecordedEvent[]): void {
    const last = batch[batch.length - 1];
    this.readModels.db.transaction(() => {
      for (const event of batch) for (const projection of this.projections) projection.apply(event);
      for (const projection of this.projections) projection.beforeCommit?.();
      this.readModels.saveCheckpoint(CHECKPOINT, last.position);
    })();
    for (const listener of this.listeners) listener(batch);
    this.processed = last.position;
    this.lastProcessedCreated = last.created;
    this.metrics?.projectedEvents.inc(batch.length);
    const reached = this.waiters.filter((w) => comparePositions(this.processed, w.position) >= 0);
    this.waiters = this.waiters.filter((w) => comparePositions(this.processed, w.position) < 0);
    for (const waiter of reached) waiter.resolve(true);
  }

  private fail(error: Error): void {
    this.failure = error;
    this.logger.error({ err: error }, 'read models stopped: a projection failed');
  }
}
