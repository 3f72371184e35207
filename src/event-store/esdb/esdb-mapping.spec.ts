import {
  AccessDeniedError,
  ANY,
  BinaryRecordedEvent,
  convertToCommandError,
  END,
  JSONRecordedEvent,
  NO_STREAM,
  START as FROM_START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { Metadata, status } from '@grpc/grpc-js';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors';
import { START } from '../event-store.port';
import {
  fromClientExpectedRevision,
  fromCurrentRevision,
  isResumable,
  isSystemEvent,
  toClientEventData,
  toClientExpectedRevision,
  toClientPosition,
  toClientRevision,
  toEventStoreError,
  toPosition,
  toReadPosition,
  toReadRevision,
  toRecordedEvent,
  toSafeNumber,
} from './esdb-mapping';

const UNSAFE = BigInt(Number.MAX_SAFE_INTEGER) + 1n;

/** A gRPC failure as @grpc/grpc-js hands it to the client, which converts it with convertToCommandError. */
function grpcFailure(code: status, details: string, metadata: Record<string, string> = {}): Error {
  const grpcMetadata = new Metadata();
  for (const [key, value] of Object.entries(metadata)) grpcMetadata.set(key, value);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: grpcMetadata });
}

function jsonRecord(overrides: Partial<JSONRecordedEvent> = {}): JSONRecordedEvent {
  return {
    streamId: 'programme-korosten',
    id: '7d3b5b7e-1f6a-4b43-9a2e-2f1f4a1d8c01',
    revision: 4n,
    type: 'AllocationSet',
    data: { measureId: '1.3', year: 2025, amount: 35_000_000 },
    metadata: { $correlationId: 'req-1', $causationId: 'cmd-1', actor: 'secretariat' },
    isJson: true,
    created: new Date('2024-02-22T09:30:15.123Z'),
    position: { commit: 1_234n, prepare: 1_200n },
    ...overrides,
  } as JSONRecordedEvent;
}

describe('bigint revisions and positions at the edge', () => {
  it('converts bigints within the safe range to the same numbers', () => {
    expect(toSafeNumber(0n, 'revision')).toBe(0);
    expect(toSafeNumber(BigInt(Number.MAX_SAFE_INTEGER), 'revision')).toBe(Number.MAX_SAFE_INTEGER);
    expect(toSafeNumber(-1n, 'revision')).toBe(-1);
  });

  it('throws a RangeError naming the value instead of rounding a bigint past Number.MAX_SAFE_INTEGER', () => {
    expect(() => toSafeNumber(UNSAFE, 'commit position')).toThrow(RangeError);
    expect(() => toSafeNumber(UNSAFE, 'commit position')).toThrow(/commit position 9007199254740992/);
    expect(() => toPosition({ commit: 10n, prepare: 2n ** 64n - 2n })).toThrow(RangeError);
  });

  it('converts positions both ways without loss', () => {
    const position = { commit: 9_007_199_254_740_000, prepare: 9_007_199_254_739_000 };
    expect(toClientPosition(position)).toEqual({ commit: 9_007_199_254_740_000n, prepare: 9_007_199_254_739_000n });
    expect(toPosition(toClientPosition(position))).toEqual(position);
  });

  it('reads from the client’s START for the port’s START, and from the position itself otherwise', () => {
    expect(toReadPosition(START)).toBe(FROM_START);
    expect(toReadPosition({ commit: 0, prepare: 0 })).toEqual({ commit: 0n, prepare: 0n });
    expect(toReadPosition({ commit: 77, prepare: 70 })).toEqual({ commit: 77n, prepare: 70n });
  });

  it('converts revisions to bigints and refuses what is not a revision', () => {
    expect(toClientRevision(0)).toBe(0n);
    expect(toClientRevision(41)).toBe(41n);
    expect(() => toClientRevision(-1)).toThrow(RangeError);
    expect(() => toClientRevision(1.5)).toThrow(RangeError);
    expect(() => toClientRevision(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('starts a stream read at the start forwards, at the end backwards, or at the given revision', () => {
    expect(toReadRevision(undefined, false)).toBe(FROM_START);
    expect(toReadRevision(undefined, true)).toBe(END);
    expect(toReadRevision(7, true)).toBe(7n);
  });
});

describe('expected revisions', () => {
  it('maps the port’s expected revisions to the client’s', () => {
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision(12)).toBe(12n);
  });

  it('maps the client’s back, including the server’s negative codes found in errors from older servers', () => {
    expect(fromClientExpectedRevision(ANY)).toBe('any');
    expect(fromClientExpectedRevision(NO_STREAM)).toBe('no_stream');
    expect(fromClientExpectedRevision(STREAM_EXISTS)).toBe('stream_exists');
    expect(fromClientExpectedRevision(12n)).toBe(12);
    expect(fromClientExpectedRevision(-1n)).toBe('no_stream');
    expect(fromClientExpectedRevision(-2n)).toBe('any');
    expect(fromClientExpectedRevision(-4n)).toBe('stream_exists');
  });

  it('reads a missing stream as no_stream whether the client says so or the server sent -1', () => {
    expect(fromCurrentRevision(NO_STREAM)).toBe('no_stream');
    expect(fromCurrentRevision(-1n)).toBe('no_stream');
    expect(fromCurrentRevision(0n)).toBe(0);
    expect(() => fromCurrentRevision(UNSAFE)).toThrow(RangeError);
  });
});

describe('events', () => {
  it('sends events as JSON events with the caller’s id, so a retried append is idempotent', () => {
    const sent = toClientEventData({ id: 'a6f1c1de-6a57-4c36-a7c2-1d1b8f0e9a10', type: 'MeasureRemoved', data: { measureId: '1.3' }, metadata: { actor: 'secretariat' } });
    expect(sent).toEqual({
      id: 'a6f1c1de-6a57-4c36-a7c2-1d1b8f0e9a10',
      contentType: 'application/json',
      type: 'MeasureRemoved',
      data: { measureId: '1.3' },
      metadata: { actor: 'secretariat' },
    });
  });

  it('maps a recorded event to the port’s, with numbers, an ISO 8601 UTC created time and nothing JSON cannot hold', () => {
    const event = toRecordedEvent(jsonRecord());
    expect(event).toEqual({
      id: '7d3b5b7e-1f6a-4b43-9a2e-2f1f4a1d8c01',
      type: 'AllocationSet',
      data: { measureId: '1.3', year: 2025, amount: 35_000_000 },
      metadata: { $correlationId: 'req-1', $causationId: 'cmd-1', actor: 'secretariat' },
      streamName: 'programme-korosten',
      revision: 4,
      position: { commit: 1_234, prepare: 1_200 },
      created: '2024-02-22T09:30:15.123Z',
    });
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('gives an event written without metadata empty metadata', () => {
    expect(toRecordedEvent(jsonRecord({ metadata: undefined })).metadata).toEqual({});
  });

  it('refuses an event whose data is not a JSON object instead of handing the deciders something else', () => {
    const binary = { ...jsonRecord(), isJson: false, data: new Uint8Array([1, 2, 3]) } as BinaryRecordedEvent;
    expect(() => toRecordedEvent(binary)).toThrow(/data of event .* is not a JSON object/);
    expect(() => toRecordedEvent(jsonRecord({ data: ['a list'] }))).toThrow(TypeError);
  });

  it('refuses an event without a position, as older servers send on stream reads', () => {
    expect(() => toRecordedEvent(jsonRecord({ position: undefined }))).toThrow(/did not report the position/);
    expect(() => toRecordedEvent(jsonRecord({ position: { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n } }))).toThrow(/did not report the position/);
  });

  it('refuses a revision past Number.MAX_SAFE_INTEGER', () => {
    expect(() => toRecordedEvent(jsonRecord({ revision: UNSAFE }))).toThrow(RangeError);
  });

  it('knows system events by their $ type or their $ stream', () => {
    expect(isSystemEvent({ type: '$>', streamId: 'programme-p' })).toBe(true);
    expect(isSystemEvent({ type: '$metadata', streamId: '$$programme-p' })).toBe(true);
    expect(isSystemEvent({ type: 'Result', streamId: '$projections-by-type-result' })).toBe(true);
    expect(isSystemEvent({ type: 'AllocationSet', streamId: 'programme-p' })).toBe(false);
  });
});

describe('errors', () => {
  it('maps WrongExpectedVersionError to WrongExpectedRevisionError with the stream, expected and actual revision', () => {
    // As batchAppend builds it from the server's WrongExpectedVersion details.
    const error = toEventStoreError(new WrongExpectedVersionError(undefined, { streamName: 'decision-123', expected: 0n, current: 1n }));
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamName: 'decision-123', expected: 0, actual: 1 });
  });

  it('reports a missing stream as actual no_stream', () => {
    const error = toEventStoreError(new WrongExpectedVersionError(undefined, { streamName: 'decision-9', expected: STREAM_EXISTS, current: NO_STREAM }));
    expect(error).toMatchObject({ name: 'WrongExpectedRevisionError', expected: 'stream_exists', actual: 'no_stream' });
  });

  it('maps a WrongExpectedVersion built from gRPC metadata (older servers) with its numeric codes', () => {
    const raw = grpcFailure(status.FAILED_PRECONDITION, 'Append failed due to WrongExpectedVersion', {
      exception: 'wrong-expected-version',
      'stream-name': 'decision-123',
      'expected-version': '-1',
      'actual-version': '3',
    });
    expect(convertToCommandError(raw)).toBeInstanceOf(WrongExpectedVersionError);
    expect(toEventStoreError(raw)).toMatchObject({ name: 'WrongExpectedRevisionError', streamName: 'decision-123', expected: 'no_stream', actual: 3 });

    const onMissingStream = grpcFailure(status.FAILED_PRECONDITION, 'Append failed due to WrongExpectedVersion', {
      exception: 'wrong-expected-version',
      'stream-name': 'decision-124',
      'expected-version': '5',
      'actual-version': '-1',
    });
    expect(toEventStoreError(onMissingStream)).toMatchObject({ expected: 5, actual: 'no_stream' });
  });

  it.each([
    ['UNAVAILABLE', grpcFailure(status.UNAVAILABLE, 'No connection established')],
    ['DEADLINE_EXCEEDED', grpcFailure(status.DEADLINE_EXCEEDED, 'Deadline exceeded')],
    ['ABORTED (a server-side timeout)', grpcFailure(status.ABORTED, 'Commit phase timeout')],
    ['CANCELLED by the server', grpcFailure(status.CANCELLED, 'Cancelled by server')],
    ['INTERNAL (a call cut as a node restarts)', grpcFailure(status.INTERNAL, 'Received RST_STREAM with code 2')],
    [
      'NOT_LEADER',
      grpcFailure(status.NOT_FOUND, 'Leader info available', { exception: 'not-leader', 'leader-endpoint-host': 'eventstore-2', 'leader-endpoint-port': '2113' }),
    ],
  ])('maps %s to EventStoreUnavailableError, keeping the cause', (_, raw) => {
    const error = toEventStoreError(raw);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as EventStoreUnavailableError).cause).toBe(raw);
  });

  it('maps the client’s own UnavailableError and a failed cluster discovery to EventStoreUnavailableError', () => {
    expect(toEventStoreError(new UnavailableError())).toBeInstanceOf(EventStoreUnavailableError);
    expect(toEventStoreError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('passes other errors through unchanged', () => {
    const denied = new AccessDeniedError();
    const notFound = new StreamNotFoundError(undefined, 'programme-x');
    const bug = new TypeError('not a function');
    expect(toEventStoreError(denied)).toBe(denied);
    expect(toEventStoreError(notFound)).toBe(notFound);
    expect(toEventStoreError(bug)).toBe(bug);
    expect(toEventStoreError('text')).toEqual(new Error('text'));
  });

  it('resumes subscriptions after unavailability and cut streams, not after refusals or bugs', () => {
    expect(isResumable(new UnavailableError())).toBe(true);
    expect(isResumable(grpcFailure(status.INTERNAL, 'Received RST_STREAM with code 2'))).toBe(true);
    expect(isResumable(new UnknownError())).toBe(true);
    expect(isResumable(new EventStoreUnavailableError('down'))).toBe(true);
    expect(isResumable(new AccessDeniedError())).toBe(false);
    expect(isResumable(new TypeError('bug'))).toBe(false);
  });
});
