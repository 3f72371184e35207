import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { nextTurn } from '../../common/next-turn';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors';
import {
  AppendResult,
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

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  created: string;
}

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:'. */
  readonly filename: string;
  /** The store's clock; tests pin it. */
  readonly now?: () => Date;
  /** How often a subscription looks for appends made by another process. */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another process's lock before the store counts as unavailable. */
  readonly busyTimeoutMs?: number;
}

/**
 * What SQLite says when the file, not the request, is the trouble — locked past the busy timeout, unreadable,
 * the disk full: the store is unavailable (HTTP 503, try again), never a server error blamed on the client.
 */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOLFS)/;

function available<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    // By name, not instanceof: the native addon keeps the SqliteError class (and realm) of the first module
    // instance that loaded it, which a test runner's fresh module registries do not share.
    const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'SqliteError' && typeof code === 'string' && UNAVAILABLE.test(code)) throw new EventStoreUnavailableError(`the SQLite event store: ${String(message)}`, { cause: error });
    throw error;
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT    NOT NULL,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    created  TEXT    NOT NULL,
    UNIQUE (stream, revision)
  );
  CREATE INDEX IF NOT EXISTS events_stream_id ON events (stream, id);
`;

/**
 * The embedded store: one SQLite file in WAL mode. `synchronous=FULL` makes every acknowledged append
 * durable across a power loss (WAL alone with NORMAL only survives a process crash).
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly appended = new EventEmitter();
  private lastCreated = '';
  private closed = false;

  private readonly stmt: {
    lastRevision: Database.Statement<[string], { revision: number | null }>;
    insert: Database.Statement<[string, string, number, string, string, string, string]>;
    byStreamAndId: Database.Statement<[string, string], EventRow>;
    forwards: Database.Statement<[string, number, number], EventRow>;
    backwards: Database.Statement<[string, number, number], EventRow>;
    all: Database.Statement<[number, number], EventRow>;
    head: Database.Statement<[], { position: number | null }>;
    lastCreated: Database.Statement<[], { created: string | null }>;
  };

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Several processes (the server, `npm run rebuild`) may share the file: wait for a writer instead of failing.
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.exec(SCHEMA);
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);
    this.stmt = {
      lastRevision: this.db.prepare('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      byStreamAndId: this.db.prepare('SELECT * FROM events WHERE stream = ? AND id = ?'),
      forwards: this.db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      backwards: this.db.prepare('SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?'),
      all: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: this.db.prepare('SELECT MAX(position) AS position FROM events'),
      lastCreated: this.db.prepare('SELECT created FROM events ORDER BY position DESC LIMIT 1'),
    };
    this.lastCreated = this.stmt.lastCreated.get()?.created ?? '';
  }

  async appendToStream(
    stream: string,
    events: readonly EventData[],
    { expectedRevision }: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    const result = available(() => this.db.transaction(() => this.appendInTransaction(stream, events, expectedRevision)).immediate());
    if (result.written) this.appended.emit('append');
    return result.result;
  }

  private appendInTransaction(stream: string, events: readonly EventData[], expected: ExpectedRevision) {
    const last = this.stmt.lastRevision.get(stream)?.revision ?? null;
    const replay = this.matchEarlierAppend(stream, events, expected, last);
    if (replay) return { written: false, result: replay };
    if (!revisionMatches(expected, last)) throw new WrongExpectedRevisionError(stream, expected, last ?? 'no_stream');

    const created = this.nextCreated();
    let revision = last ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.stmt.insert.run(
        event.id,
        stream,
        revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        created,
      );
      position = Number(info.lastInsertRowid);
    }
    return { written: true, result: { nextExpectedRevision: revision, position: { commit: position, prepare: position } } };
  }

  /**
   * EventStoreDB's idempotency: when the first event id is already in the stream, the whole batch must be
   * that earlier append, in order, at the revision the writer expected; then its result is returned and
   * nothing is written. Ids that only partly match are a concurrency error.
   */
  private matchEarlierAppend(stream: string, events: readonly EventData[], expected: ExpectedRevision, last: number | null): AppendResult | undefined {
    const first = this.stmt.byStreamAndId.get(stream, events[0].id);
    if (!first) {
      if (events.some((e) => this.stmt.byStreamAndId.get(stream, e.id))) throw new WrongExpectedRevisionError(stream, expected, last ?? 'no_stream');
      return undefined;
    }
    const earlier = this.stmt.forwards.all(stream, first.revision, events.length);
    const sameBatch = earlier.length === events.length && earlier.every((row, i) => row.id === events[i].id);
    const atExpected =
      expected === 'any' ||
      expected === 'stream_exists' ||
      (expected === 'no_stream' && first.revision === 0) ||
      (typeof expected === 'number' && first.revision === expected + 1);
    if (!sameBatch || !atExpected) throw new WrongExpectedRevisionError(stream, expected, last ?? 'no_stream');
    const lastRow = earlier[earlier.length - 1];
    return { nextExpectedRevision: lastRow.revision, position: { commit: lastRow.position, prepare: lastRow.position } };
  }

  /** Record time never runs backwards and two appends never share an instant, so `knownAt` can tell them apart. */
  private nextCreated(): string {
    let created = this.now().toISOString();
    if (created <= this.lastCreated) created = new Date(Date.parse(this.lastCreated) + 1).toISOString();
    this.lastCreated = created;
    return created;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_PAGE_SIZE;
    const rows = available(() =>
      options.direction === 'backwards'
        ? this.stmt.backwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
        : this.stmt.forwards.all(stream, options.fromRevision ?? 0, maxCount),
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options.after ?? START, options.maxCount ?? DEFAULT_PAGE_SIZE);
  }

  private readAllSync(after: Position, maxCount: number): RecordedEvent[] {
    return available(() => this.stmt.all.all(after.commit, maxCount)).map(toRecorded);
  }

  subscribeToAll(handlers: SubscriptionHandlers, options: { after?: Position } = {}): Subscription {
    let cursor = options.after ?? START;
    let stopped = false;
    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    this.appended.on('append', nudge);

    const run = async () => {
      let caughtUp = false;
      while (!stopped && !this.closed) {
        const page = this.readAllSync(cursor, DEFAULT_PAGE_SIZE);
        for (const event of page) {
          if (stopped) return;
          await handlers.onEvent(event);
          cursor = event.position;
        }
        // A full page: more is waiting. The event loop takes its turn first, so that catching up on a long log
        // does not keep the server from answering.
        if (page.length === DEFAULT_PAGE_SIZE) {
          await nextTurn();
          continue;
        }
        if (!caughtUp || page.length > 0) {
          caughtUp = true;
          handlers.onCaughtUp?.();
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    };
    const done = run().catch((error: unknown) => {
      if (!stopped) handlers.onError?.(error instanceof Error ? error : new Error(String(error)));
    });

    return {
      stop: async () => {
        stopped = true;
        this.appended.off('append', nudge);
        nudge();
        await done;
      },
    };
  }

  async headPosition(): Promise<Position> {
    const position = available(() => this.stmt.head.get())?.position;
    return position == null ? START : { commit: position, prepare: position };
  }

  async ping(): Promise<void> {
    available(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.emit('append');
    this.db.close();
  }
}

function revisionMatches(expected: ExpectedRevision, last: number | null): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return last === null;
    case 'stream_exists':
      return last !== null;
    default:
      return last === expected;
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    streamName: row.stream,
    revision: row.revision,
    position: { commit: row.position, prepare: row.position },
    created: row.created,
  };
}
