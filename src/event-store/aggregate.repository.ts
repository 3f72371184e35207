import { createHash, randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { type DomainError, domainError, isDomainError } from '../common/domain-error';
import { nextTurn } from '../common/next-turn';
import type { Metrics } from '../observability/metrics';
import { WrongExpectedRevisionError } from './event-store.errors';
import { type AppendResult, type EventMetadata, type EventStore, type JsonObject, type Position, type RecordedEvent, readWholeStream } from './event-store.port';
import { categoryOf } from '../common/stream-name';
import type { EventReader } from '../common/event-types';

/** How an aggregate's state is folded from its stored events (whole appends at a time). */
export interface StreamFold<State> {
  readonly initial: State;
  evolve(state: State, events: readonly RecordedEvent[]): State;
  /** Whether an event type is one of the aggregate's: a stream holding another is not decided on (WrittenByLaterVersion). */
  readonly knows: (type: string) => boolean;
}

export interface Loaded<State> {
  readonly state: State;
  /** -1: no stream. */
  readonly revision: number;
  /** Idempotency-Key → the append it made. */
  readonly idempotent: ReadonlyMap<string, IdempotentAppend>;
  /** The first event type in the stream the fold does not know (written by a later version of the server). */
  readonly unknownType?: string;
}

interface IdempotentAppend {
  readonly requestHash: string;
  readonly firstRevision: number;
  readonly result: AppendResult;
}

export interface CommandContext {
  readonly correlationId: string;
  readonly actor: string;
  /** If-Match: the revisions the client would write on (one, but for a list); any other is a 412, not a retry. */
  readonly expectedRevisions?: readonly number[];
  readonly idempotencyKey?: string;
  /** A fingerprint of the request, so a key reused for a different request is refused. */
  readonly requestHash?: string;
}

export interface NewEvent {
  readonly type: string;
  readonly data: unknown;
  /** Per-event metadata beside the common one ($correlationId, $causationId, actor). */
  readonly metadata?: EventMetadata;
}

export interface Outcome<State> {
  readonly state: State;
  readonly revision: number;
  readonly position: Position;
  /** The events of this append (or of the original append, on an idempotent replay). */
  readonly events: readonly RecordedEvent[];
  readonly replayed: boolean;
}

export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly streamName: string,
    readonly expected: readonly number[],
    readonly actual: number,
  ) {
    super(`${streamName} is at revision ${actual}, not ${expected.join(' or ')}`);
  }
}

const MAX_ATTEMPTS = 5;
const ID_NAMESPACE = 'a3c9a5d2-6a0e-4f5e-9d2b-1f6f8f0c2b7e';

/** The same Idempotency-Key on the same stream gives the same event ids, so the store itself dedupes a retry. */
export function deterministicId(streamName: string, key: string, index: number): string {
  return uuidv5(`${streamName}\u0000${key}\u0000${index}`, ID_NAMESPACE);
}

export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * Load → decide → append with the revision it was decided on. A writer that loses the append race decides
 * again on the new state (a few bounded attempts) unless the client pinned a revision with If-Match.
 * Keeps the last folded state per stream, so a long history is read once, not on every command.
 */
export class AggregateRepository {
  private readonly cache = new Map<string, Loaded<unknown>>();
  /** The last command queued on each stream: commands on one stream in this process take turns. */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly metrics?: Metrics,
    private readonly maxCachedStreams = 1000,
  ) {}

  async load<State>(streamName: string, fold: StreamFold<State>): Promise<Loaded<State>> {
    const cached = this.cache.get(streamName) as Loaded<State> | undefined;
    let { state, revision } = cached ?? { state: fold.initial, revision: -1 };
    // Copied only when a new append carries a key (the cached one is shared): not a map of every key per command.
    let idempotent: Map<string, IdempotentAppend> | undefined;
    let batch: RecordedEvent[] = [];
    let unknownType = cached?.unknownType;
    const flush = () => {
      if (batch.length === 0) return;
      state = fold.evolve(state, batch);
      revision = batch[batch.length - 1].revision;
      batch = [];
    };
    for await (const event of readWholeStream(this.store, streamName, revision + 1)) {
      batch.push(event);
      if (unknownType === undefined && !fold.knows(event.type)) unknownType = event.type;
      if (typeof event.metadata.idempotencyKey === 'string') {
        idempotent ??= new Map(cached?.idempotent ?? []);
        rememberIdempotentAppend(idempotent, event);
      }
      if (batch.length >= 1000) {
        flush();
        // A long history (read once, after a start) is folded a page a turn, the server answering meanwhile.
        await nextTurn();
      }
    }
    flush();
    const loaded: Loaded<State> = { state, revision, idempotent: idempotent ?? cached?.idempotent ?? new Map(), ...(unknownType === undefined ? {} : { unknownType }) };
    this.remember(streamName, loaded);
    return loaded;
  }

  /**
   * Writers in this process never race each other: simultaneous ones would re-decide in lockstep, each
   * round letting only one through, and the sixth of six would run out of attempts. The bounded retry
   * below is for writers in other processes sharing the store.
   */
  async execute<State>(
    streamName: string,
    fold: StreamFold<State>,
    context: CommandContext,
    decide: (state: State, revision: number) => readonly NewEvent[] | DomainError,
  ): Promise<Outcome<State> | DomainError> {
    // Each command in a turn of its own: with the embedded store a command is all synchronous work, and queued
    // ones chained as promise callbacks alone would run back to back, no request answered until the last.
    const turn = (this.turns.get(streamName) ?? Promise.resolve()).then(async () => {
      await nextTurn();
      return this.decideAndAppend(streamName, fold, context, decide);
    });
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(streamName, settled);
    try {
      return await turn;
    } finally {
      if (this.turns.get(streamName) === settled) this.turns.delete(streamName);
    }
  }

  private async decideAndAppend<State>(
    streamName: string,
    fold: StreamFold<State>,
    context: CommandContext,
    decide: (state: State, revision: number) => readonly NewEvent[] | DomainError,
  ): Promise<Outcome<State> | DomainError> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(streamName, fold);
      const replay = await this.replayOf(streamName, loaded, context);
      if (replay) return replay;
      const laterVersion = writtenByLaterVersion(streamName, loaded);
      if (laterVersion) return laterVersion;
      const decided = decide(loaded.state, loaded.revision);
      // RFC 9110 §13.2.1: a precondition is ignored where the answer would not be a 2xx before the request's
      // content is looked at, so an unknown programme or amendment stays a 404. A refusal of the content (a
      // conflict with changes the client has not seen) is not: a stale If-Match tells it to read them first.
      if (isDomainError(decided) && decided.kind === 'not-found') return decided;
      if (context.expectedRevisions !== undefined && !context.expectedRevisions.includes(loaded.revision)) {
        throw new PreconditionFailedError(streamName, context.expectedRevisions, loaded.revision);
      }
      if (isDomainError(decided)) return decided;
      if (decided.length === 0) return domainError('conflict', 'NothingToDo', 'the command changes nothing');

      const causationId = randomUUID();
      const events = decided.map((event, index) => ({
        id: context.idempotencyKey ? deterministicId(streamName, context.idempotencyKey, index) : randomUUID(),
        type: event.type,
        data: event.data as JsonObject,
        metadata: {
          $correlationId: context.correlationId,
          $causationId: causationId,
          actor: context.actor,
          ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey, requestHash: context.requestHash ?? '' } : {}),
          ...event.metadata,
        },
      }));
      const category = categoryOf(streamName);
      try {
        const result = await this.store.appendToStream(streamName, events, {
          expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
        });
        // The fresh state comes from re-reading the stream: exactly what a later load would see.
        const after = await this.load(streamName, fold);
        const written = await this.store.readStream(streamName, { fromRevision: result.nextExpectedRevision - events.length + 1, maxCount: events.length });
        // A store answers an append of event ids it holds already with that earlier append (EventStoreDB's
        // idempotency), so a request that raced another with the same Idempotency-Key finds the other's events
        // here: the first answer again if it was the same request, a refusal if not — never a 201 for a write that did not happen.
        if (written[0]?.metadata.$causationId !== causationId) {
          this.metrics?.appends.inc({ category, outcome: 'replayed' });
          if (written[0]?.metadata.requestHash !== (context.requestHash ?? '')) return keyReused();
          return { state: after.state, revision: result.nextExpectedRevision, position: result.position, events: written, replayed: true };
        }
        this.metrics?.appends.inc({ category, outcome: 'written' });
        this.metrics?.appendedEvents.inc(events.length);
        return { state: after.state, revision: result.nextExpectedRevision, position: result.position, events: written, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        this.metrics?.appends.inc({ category, outcome: 'lost-race' });
        this.cache.delete(streamName);
        if (context.expectedRevisions !== undefined) {
          throw new PreconditionFailedError(streamName, context.expectedRevisions, typeof error.actual === 'number' ? error.actual : -1);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async replayOf<State>(streamName: string, loaded: Loaded<State>, context: CommandContext): Promise<Outcome<State> | DomainError | undefined> {
    if (!context.idempotencyKey) return undefined;
    const earlier = loaded.idempotent.get(context.idempotencyKey);
    if (!earlier) return undefined;
    if (context.requestHash !== undefined && earlier.requestHash !== context.requestHash) return keyReused();
    const count = earlier.result.nextExpectedRevision - earlier.firstRevision + 1;
    const events = await this.store.readStream(streamName, { fromRevision: earlier.firstRevision, maxCount: count });
    return { state: loaded.state, revision: earlier.result.nextExpectedRevision, position: earlier.result.position, events, replayed: true };
  }

  private remember(streamName: string, loaded: Loaded<unknown>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, loaded);
    if (this.cache.size > this.maxCachedStreams) this.cache.delete(this.cache.keys().next().value as string);
  }
}

function rememberIdempotentAppend(map: Map<string, IdempotentAppend>, event: RecordedEvent): void {
  const key = event.metadata.idempotencyKey as string;
  const earlier = map.get(key);
  const firstRevision = earlier?.firstRevision ?? event.revision;
  map.set(key, {
    requestHash: String(event.metadata.requestHash ?? ''),
    firstRevision,
    result: { nextExpectedRevision: event.revision, position: event.position },
  });
}

/**
 * A fold for deciders whose `evolve` takes one event at a time and ignores store details; `eventOf` reads a stored
 * event as one of the aggregate's (eventReader).
 */
export function eventByEvent<State, Event>(initial: State, evolve: (state: State, event: Event) => State, eventOf: EventReader<Event>): StreamFold<State> {
  return {
    initial,
    knows: eventOf.knows,
    evolve: (state, events) =>
      events.reduce((s, stored) => {
        const event = eventOf(stored);
        return event === undefined ? s : evolve(s, event);
      }, state),
  };
}

/**
 * A stream holding an event this version does not know (a later version wrote it, then the server was rolled back):
 * a decision without it could contradict it, so none is made on it, nor on another stream by what it holds (an
 * amendment under such a decision, naming such a unit), until the version that knows it runs again.
 */
export function writtenByLaterVersion(streamName: string, loaded: Pick<Loaded<unknown>, 'unknownType'>): DomainError | undefined {
  if (loaded.unknownType === undefined) return undefined;
  const message = `${streamName} holds a ${loaded.unknownType} event, which this version of the server does not know: a later version wrote it, and nothing is decided by this stream without it until the server's operator runs that version again`;
  return domainError('conflict', 'WrittenByLaterVersion', message, [{ code: 'WrittenByLaterVersion', message }]);
}

export function keyReused(): DomainError {
  return domainError('invalid', 'IdempotencyKeyReused', 'this Idempotency-Key was used for a different request', [
    { code: 'IdempotencyKeyReused', message: 'send a new Idempotency-Key for a new request', path: ['Idempotency-Key'] },
  ]);
}
