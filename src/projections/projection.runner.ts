import type { Logger } from 'pino';
import { EventStoreUnavailableError } from '../event-store/event-store.errors';
import { comparePositions, type EventStore, type Position, readWholeLog, type RecordedEvent, START, type Subscription } from '../event-store/event-store.port';
import { nextTurn } from '../common/next-turn';
import type { Metrics } from '../observability/metrics';
import type { Projection } from './projection';
import { READ_MODEL_LAYOUT, type ReadModelDb, UNFINISHED_LAYOUT } from './read-model.db';

/** The checkpoint of every read model the runner feeds. */
export const CHECKPOINT = 'read-models';
const MAX_BATCH = 1000;
/**
 * How long a write waits for the read models to hold it before answering, and a read sent with its position
 * before giving up: "briefly" (DESIGN §6), as they normally follow a write within milliseconds.
 */
const READ_YOUR_WRITES_MS = 2000;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 30_000;

/** The pause before the `attempt`-th try again (from 1) of read models that failed: doubling, at most half a minute. */
export function retryDelay(attempt: number): number {
  return Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
}

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
  /** The subscription of a failed batch, until the retry (or a stop) ends it. */
  private failed: Subscription | undefined;
  private buffer: RecordedEvent[] = [];
  private flushScheduled = false;
  private waiters: Waiter[] = [];
  private readonly listeners: ((batch: readonly RecordedEvent[]) => void)[] = [];
  private caughtUp = false;
  private failure: Error | undefined;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private processed: Position;
  private lastProcessedCreated: string | undefined;
  /**
   * The log is to be folded into new read models (`rebuild`): those found were of another layout (or of a fold
   * that did not finish) and were dropped at construction, or `checkAgainstLog` found them empty or ahead of it.
   */
  refoldPending = false;
  /**
   * The read models are not to be served (the API answers 503): a `rebuild` is under way (or failed, or stopped),
   * so they hold only part of the log; or the server has yet to learn whether they are whole (a store that did not
   * answer at start); or the seed of an empty store is still being imported.
   */
  withheld = false;

  /**
   * The store did not answer `checkAgainstLog`: whether the read models are whole is not known yet, and nothing
   * is being folded (the API says so, rather than that a fold is under way).
   */
  awaitingStore = false;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelDb,
    private readonly projections: readonly Projection[],
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {
    if (readModels.layout !== READ_MODEL_LAYOUT) this.dropOtherLayout();
    for (const projection of projections) projection.createSchema(readModels.db);
    this.processed = readModels.checkpoint(CHECKPOINT);
  }

  /** Tables of another layout are dropped, and the subscription starts from the beginning of the log. */
  private dropOtherLayout(): void {
    const { db } = this.readModels;
    const found = this.readModels.layout;
    const built = comparePositions(this.readModels.checkpoint(CHECKPOINT), START) > 0;
    db.transaction(() => {
      this.dropAll();
      this.readModels.layout = READ_MODEL_LAYOUT;
    })();
    if (built) this.logger.warn({ found, layout: READ_MODEL_LAYOUT }, 'read models of another layout: folding the whole log into new ones');
    this.refoldPending = built;
  }

  /** Every read model dropped and the checkpoint back at the start of the log; inside the caller's transaction. */
  private dropAll(): void {
    for (const projection of this.projections) projection.drop(this.readModels.db);
    this.readModels.saveCheckpoint(CHECKPOINT, START, null);
  }

  /**
   * Read models whose checkpoint lies past the end of the log were folded from another log (the store wiped or
   * replaced while the read models were kept): resuming after it would skip every event up to it, so the log is
   * to be folded afresh (`rebuild`); so are read models that hold nothing, on a log that has events. Called before
   * `start`; false when the store does not answer, and nothing is known.
   */
  async checkAgainstLog(): Promise<boolean> {
    let head: Position;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      // A store that does not answer yet leaves the server up (/ready says why), to check again later.
      if (!(error instanceof EventStoreUnavailableError)) throw error;
      this.logger.warn({ err: error }, 'the event store does not answer: read models not checked against it yet');
      this.awaitingStore = true;
      return false;
    }
    this.awaitingStore = false;
    if (comparePositions(this.processed, head) > 0) {
      this.logger.warn({ checkpoint: this.processed, head }, 'read models are ahead of the event store (was it replaced?): folding the whole log into new ones');
      this.refoldPending = true;
    } else if (comparePositions(this.processed, START) === 0 && comparePositions(head, START) > 0) {
      // No read models yet (a new or deleted file) on a log that has events: folded in bulk, the API answering 503 meanwhile, not views of part of it.
      this.refoldPending = true;
    }
    return true;
  }

  /** After each committed batch, with its events: caches of what the read models hold listen here. */
  onCommitted(listener: (batch: readonly RecordedEvent[]) => void): void {
    this.listeners.push(listener);
  }

  get position(): Position {
    return this.processed;
  }

  start(): void {
    this.stopped = false;
    // Stopped while it waited to retry a failure (the store gone mid-seed, say): it resumes as the retry would have.
    if (this.failure) this.reload();
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
    this.stopped = true;
    clearTimeout(this.retry);
    // One that failed a batch still delivers (its own reads did not fail): stopped, or a start would get its events twice.
    await this.failed?.stop();
    this.failed = undefined;
    await this.subscription?.stop();
    this.flush();
    this.subscription = undefined;
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }

  /** Resolves true once the read models include `position`, false after the timeout. */
  waitFor(position: Position, timeoutMs = READ_YOUR_WRITES_MS): Promise<boolean> {
    if (comparePositions(this.processed, position) >= 0) return Promise.resolve(true);
    if (this.failure) return Promise.resolve(false);
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
  async readiness(): Promise<{ ready: boolean; lagEvents: number | null; failure?: string; withheld?: true }> {
    if (this.failure) return { ready: false, lagEvents: null, failure: this.failure.message };
    if (this.withheld) return { ready: false, lagEvents: null, withheld: true };
    const head = await this.store.headPosition();
    const behind = comparePositions(head, this.processed) > 0;
    // The SQLite store numbers its events, so positions count them; EventStoreDB's are byte offsets: only "behind" (1) is known.
    const lagEvents = !behind ? 0 : this.store.kind === 'sqlite' ? head.commit - this.processed.commit : 1;
    this.metrics?.projectionLagEvents.set(lagEvents);
    this.metrics?.projectionLagSeconds.set(behind && this.lastProcessedCreated ? Math.max(0, (Date.now() - Date.parse(this.lastProcessedCreated)) / 1000) : 0);
    return { ready: this.caughtUp && !behind, lagEvents };
  }

  /**
   * Drops every read model and folds the whole log again, page by page. Between pages the event loop takes its
   * turn, so a server doing this at start still answers (/health, /ready, and 503 to the API meanwhile). A
   * `stop` ends it after the page in hand; the read models keep no layout until a fold finishes, so the next
   * start folds the log again.
   */
  async rebuild(onProgress?: (processed: number) => void): Promise<number> {
    const { db } = this.readModels;
    this.withheld = true;
    this.stopped = false;
    let finished = false;
    try {
      db.transaction(() => {
        this.dropAll();
        for (const projection of this.projections) projection.createSchema(db, { deferIndexes: true });
        // Of no layout until the fold is done: one that stops half-way (a crash, a stop) is folded again at the next start.
        this.readModels.layout = UNFINISHED_LAYOUT;
      })();
      this.processed = START;
      let count = 0;
      for await (const page of readWholeLog(this.store, START, MAX_BATCH)) {
        this.commit(page);
        count += page.length;
        onProgress?.(count);
        await nextTurn();
        if (this.stopped) return count;
      }
      for (const projection of this.projections) projection.createIndexes?.(db);
      this.readModels.layout = READ_MODEL_LAYOUT;
      this.refoldPending = false;
      finished = true;
      return count;
    } finally {
      // A fold that failed leaves its projections' memory and tables half-built: they are reloaded (indexes
      // included), and it stays pending — and withheld, so that the API goes on answering 503 until a retry.
      if (!finished && !this.stopped) {
        for (const projection of this.projections) projection.createSchema(db);
        this.processed = this.readModels.checkpoint(CHECKPOINT);
      }
      // Part of the log only, until a fold finishes: a stopped one too, while the server closes.
      this.withheld = !finished;
    }
  }

  private enqueue(event: RecordedEvent): void {
    // Read again from the checkpoint once the runner resumes.
    if (this.failure) return;
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
      this.readModels.saveCheckpoint(CHECKPOINT, last.position, last.created);
    })();
    for (const listener of this.listeners) listener(batch);
    this.processed = last.position;
    this.lastProcessedCreated = last.created;
    this.metrics?.projectedEvents.inc(batch.length);
    this.failures = 0;
    const reached = this.waiters.filter((w) => comparePositions(this.processed, w.position) >= 0);
    this.waiters = this.waiters.filter((w) => comparePositions(this.processed, w.position) < 0);
    for (const waiter of reached) waiter.resolve(true);
  }

  /**
   * A failed batch rolled back, but the projections' in-memory state may have moved with it: they reload it
   * from their tables, and the subscription starts again after the last committed checkpoint, with backoff
   * (a locked read-model file, a full disk). Until then /ready says why, and writers stop waiting.
   */
  private fail(error: Error): void {
    this.failure = error;
    this.failures += 1;
    this.buffer = [];
    const delay = retryDelay(this.failures);
    this.logger.error({ err: error, retryInMs: delay }, 'read models stopped: a projection failed');
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
    this.failed = this.subscription;
    this.subscription = undefined;
    this.retry = setTimeout(() => void this.resume(), delay);
  }

  private async resume(): Promise<void> {
    await this.failed?.stop();
    this.failed = undefined;
    if (this.stopped) return;
    this.start();
  }

  /** The projections' memory and the position reloaded from their tables, as a failed batch may have moved them. */
  private reload(): void {
    for (const projection of this.projections) projection.createSchema(this.readModels.db);
    this.processed = this.readModels.checkpoint(CHECKPOINT);
    this.failure = undefined;
    this.logger.info({ position: this.processed }, 'read models resuming after a failure');
  }
}
