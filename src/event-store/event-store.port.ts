/**
 * The event-store port: EventStoreDB's semantics, with plain numbers instead of bigints so that nothing
 * past an adapter ever meets a bigint (JSON.stringify throws on them).
 */

/** `number` = the revision of the stream's last event (revisions start at 0). */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

/**
 * A position in the global log. EventStoreDB needs both halves to resume a read of `$all`: the events of one
 * append may share a commit position and differ in their prepare position. The SQLite store uses one
 * sequence for both.
 */
export interface Position {
  readonly commit: number;
  readonly prepare: number;
}

export const START: Position = Object.freeze({ commit: -1, prepare: -1 });

export function comparePositions(a: Position, b: Position): number {
  return a.commit - b.commit || a.prepare - b.prepare;
}

export function formatPosition(p: Position): string {
  return p.commit === p.prepare ? String(p.commit) : `${p.commit}/${p.prepare}`;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface EventMetadata {
  $correlationId?: string;
  $causationId?: string;
  actor?: string;
  [key: string]: JsonValue | undefined;
}

export interface EventData<Type extends string = string, Data = JsonObject> {
  /** A UUID; the same id at the same expected revision makes an append idempotent. */
  readonly id: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = JsonObject> extends EventData<Type, Data> {
  readonly streamName: string;
  readonly revision: number;
  readonly position: Position;
  /** ISO 8601 in UTC, set by the store. */
  readonly created: string;
}

export interface AppendResult {
  /** The revision of the stream's last event after the append. */
  readonly nextExpectedRevision: number;
  /** The position of the last event written. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** Inclusive. Default: the first event forwards, the last event backwards. */
  readonly fromRevision?: number;
  readonly direction?: 'forwards' | 'backwards';
  /** One page; default {@link DEFAULT_PAGE_SIZE}. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: the events strictly after this position. Default: from the start. */
  readonly after?: Position;
  readonly maxCount?: number;
}

export interface SubscriptionHandlers {
  onEvent(event: RecordedEvent): Promise<void> | void;
  /** Called each time the subscription has delivered everything stored so far. */
  onCaughtUp?(): void;
  /** Called when the subscription stops for good (the adapter already retried what can be retried). */
  onError?(error: Error): void;
}

export interface Subscription {
  stop(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 500;

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
  appendToStream(stream: string, events: readonly EventData[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** One page of a stream; an unknown stream is an empty page. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log in commit order, system events excluded. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** A catch-up subscription to `$all` after `after` (exclusive); resumes by itself after dropped connections. */
  subscribeToAll(handlers: SubscriptionHandlers, options?: { after?: Position }): Subscription;
  /** The position of the last event in the log, START when empty. */
  headPosition(): Promise<Position>;
  /** Resolves when the store answers; EventStoreUnavailableError when it does not, soon (a readiness probe waits on it). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

/** A whole stream, page by page: a page shorter than asked for is the end, so no read past it is made. */
export async function* readWholeStream(store: EventStore, stream: string, fromRevision = 0, pageSize = DEFAULT_PAGE_SIZE): AsyncGenerator<RecordedEvent> {
  let next = fromRevision;
  for (;;) {
    const page = await store.readStream(stream, { fromRevision: next, direction: 'forwards', maxCount: pageSize });
    for (const event of page) yield event;
    if (page.length < pageSize) return;
    next = page[page.length - 1].revision + 1;
  }
}

/** The global log after `after`, in pages, as a rebuild or a catch-up folds it: a whole page per transaction. */
export async function* readWholeLog(store: EventStore, after: Position = START, pageSize = DEFAULT_PAGE_SIZE): AsyncGenerator<RecordedEvent[]> {
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, maxCount: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    cursor = page[page.length - 1].position;
  }
}
