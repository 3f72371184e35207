/**
 * The edge between the EventStoreDB client's vocabulary (bigints, its constants, its error classes) and the
 * port's. Everything that names @eventstore/db-client lives in this folder, so that the move to its renamed
 * successor @kurrent/kurrentdb-client (`expectedRevision` → `streamState`) stays one folder away.
 */
import {
  ANY,
  AppendExpectedRevision,
  CancelledError,
  convertToCommandError,
  CurrentRevision,
  DeadlineExceededError,
  END,
  EventData as ClientEventData,
  jsonEvent,
  NO_STREAM,
  NotLeaderError,
  Position as ClientPosition,
  ReadPosition,
  ReadRevision,
  RecordedEvent as ClientRecordedEvent,
  START as FROM_START,
  STREAM_EXISTS,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
// Not re-exported by the package's index: the client's own parser, so that a string it would throw on at start is refused with the other settings.
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors';
import {
  comparePositions,
  EventData,
  EventMetadata,
  ExpectedRevision,
  JsonObject,
  Position,
  RecordedEvent,
  START,
} from '../event-store.port';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** The server writes "no position" as the unsigned 64-bit form of -1. */
const NO_POSITION = 2n ** 64n - 1n;

/** The server's own numbers for the expected-version constants, seen in errors built from gRPC metadata. */
const SERVER_NO_STREAM = -1n;
const SERVER_ANY = -2n;
const SERVER_STREAM_EXISTS = -4n;

/** Throws rather than round: a revision or position that lost precision would point at another event. */
export function toSafeNumber(value: bigint, what: string): number {
  if (value > MAX_SAFE || value < MIN_SAFE) {
    throw new RangeError(`EventStoreDB ${what} ${value} is beyond Number.MAX_SAFE_INTEGER and cannot be represented exactly`);
  }
  return Number(value);
}

export function toPosition(position: ClientPosition): Position {
  return { commit: toSafeNumber(position.commit, 'commit position'), prepare: toSafeNumber(position.prepare, 'prepare position') };
}

export function toClientPosition(position: Position): ClientPosition {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/** Where a forwards read or subscription starts for "after this position"; START is not a real position. */
export function toReadPosition(after: Position): ReadPosition {
  return comparePositions(after, START) <= 0 ? FROM_START : toClientPosition(after);
}

export function toClientRevision(revision: number): bigint {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`a stream revision must be a non-negative integer, got ${revision}`);
  return BigInt(revision);
}

/** Where a stream read starts; without a revision, at the end that `backwards` reads from. */
export function toReadRevision(fromRevision: number | undefined, backwards: boolean): ReadRevision {
  if (fromRevision === undefined) return backwards ? END : FROM_START;
  return toClientRevision(fromRevision);
}

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return toClientRevision(expected);
  }
}

export function fromClientExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  switch (expected) {
    case ANY:
    case SERVER_ANY:
      return 'any';
    case NO_STREAM:
    case SERVER_NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
    case SERVER_STREAM_EXISTS:
      return 'stream_exists';
    default:
      return toSafeNumber(expected, 'expected revision');
  }
}

/** Servers that report the actual version in gRPC metadata write a missing stream as -1. */
export function fromCurrentRevision(current: CurrentRevision): number | 'no_stream' {
  return current === NO_STREAM || current < 0n ? 'no_stream' : toSafeNumber(current, 'revision');
}

export function toClientEventData(event: EventData): ClientEventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

/**
 * The server's own events: `$`-typed (links, metadata, statistics), or in a `$` stream, whose types need not
 * say so (a projection's `$projections-…-result` holds `Result` events). The server filters `$all` by type only.
 */
export function isSystemEvent(event: Pick<ClientRecordedEvent, 'type' | 'streamId'>): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent {
  if (!event.position || event.position.commit === NO_POSITION) {
    throw new Error(
      `EventStoreDB did not report the position of event ${event.id} in ${event.streamId}: stream reads carry positions from server version 22.6`,
    );
  }
  return {
    id: event.id,
    type: event.type,
    data: jsonObject(event.isJson ? event.data : undefined, `the data of event ${event.id} in ${event.streamId}`),
    metadata: event.metadata == null ? {} : (jsonObject(event.metadata, `the metadata of event ${event.id} in ${event.streamId}`) as EventMetadata),
    streamName: event.streamId,
    revision: toSafeNumber(event.revision, 'revision'),
    position: toPosition(event.position),
    created: event.created.toISOString(),
  };
}

/** The client has already parsed JSON; anything else was written by a foreign producer and cannot be folded. */
function jsonObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new TypeError(`${what} is not a JSON object`);
  }
  return value as JsonObject;
}

/** gRPC's status code INTERNAL, as @grpc/grpc-js (the client's own dependency; here only the tests') names it. */
const GRPC_INTERNAL = 13;

/** Reached the server, but it answered no: a retry later, or on another node, may succeed. */
function isUnavailable(error: Error): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    // The client has already switched to the leader it names; the next call goes there.
    error instanceof NotLeaderError ||
    // A connection cut mid-call (RST_STREAM as a node restarts) is gRPC INTERNAL, which the client calls UnknownError.
    (error instanceof UnknownError && error.code === GRPC_INTERNAL) ||
    // Cluster discovery throws a plain Error.
    /^Failed to discover after \d+ attempts/.test(error.message)
  );
}

/** The port's errors for the client's; other errors pass through unchanged. */
export function toEventStoreError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const commandError = convertToCommandError(error);
  if (commandError instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(
      commandError.streamName,
      fromClientExpectedRevision(commandError.expectedVersion),
      fromCurrentRevision(commandError.actualVersion),
    );
  }
  if (isUnavailable(commandError)) {
    return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${commandError.message || commandError.constructor.name}`, { cause: error });
  }
  return commandError;
}

/**
 * Whether a dropped subscription is worth resubscribing. Beyond unavailability, a connection cut mid-stream
 * often surfaces as gRPC INTERNAL/UNKNOWN (e.g. RST_STREAM when a node restarts), which the client calls UnknownError.
 */
export function isResumable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return toEventStoreError(error) instanceof EventStoreUnavailableError || convertToCommandError(error) instanceof UnknownError;
}

/**
 * What this client cannot use in a connection string, or undefined. KurrentDB's own documents write
 * `kurrentdb://`, which this (legacy) client does not read: the caller rewrites it to `esdb://` first.
 */
export function connectionStringProblem(connectionString: string): string | undefined {
  // The client warns of an option it does not know on the console, the whole string (a password too) with it,
  // and ignores it: a misspelt option is named here instead, and the server does not start to parse it again.
  const unknown: string[] = [];
  const warn = console.warn;
  console.warn = (...message: unknown[]) => {
    const key = /^Unknown option key "([^"]*)"/.exec(String(message[0]))?.[1];
    if (key !== undefined) unknown.push(key);
    else warn(...message);
  };
  try {
    // Reporting instead of throwing would leave a wrong expected revision to this adapter: the client reports the actual one as 1 (its batchAppend passes a boolean to BigInt).
    if (parseConnectionString(connectionString).throwOnAppendFailure === false) return 'throwOnAppendFailure=false is not supported: a refused append must throw';
    return unknown.length === 0 ? undefined : `the client knows no option ${unknown.map((key) => `"${key}"`).join(', ')} and would ignore it`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    console.warn = warn;
  }
}
