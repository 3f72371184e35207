import Database from 'better-sqlite3';
import { decisionFold } from '../decision/decision.fold';
import { DecisionsProjection } from '../decision/decisions.projection';
import { decisionStream } from '../decision/domain/decision.decider';
import type { JsonObject, RecordedEvent } from '../event-store/event-store.port';
import { executorStream } from '../executor/domain/executor.decider';
import { executorFold } from '../executor/executor.fold';
import { ExecutorsProjection } from '../executor/executors.projection';
import { AggregateRepository } from '../event-store/aggregate.repository';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { decide as decideExecutor } from '../executor/domain/executor.decider';
import { programmeStream } from '../programme/domain/programme.events';
import { ProgrammesProjection } from '../programme/read/programmes.projection';
import { programmeFold } from '../programme/write/programme.fold';

/**
 * A log written by a later version of the server may hold event types this code does not know (a rollback after
 * an upgrade). The read models pass them by and go on (eventReader); a command on a stream holding one is refused
 * (409 WrittenByLaterVersion), as deciding without it could contradict it.
 */

let position = 0;
function stored(streamName: string, type: string, data: JsonObject): RecordedEvent {
  position += 1;
  return { id: `e-${position}`, streamName, type, data, metadata: {}, revision: position - 1, position: { commit: position, prepare: position }, created: `2025-03-01T10:00:00.${String(position).padStart(3, '0')}Z` };
}

const DECISION = decisionStream('d-1');
const registered = stored(DECISION, 'DecisionRegistered', {
  decisionId: 'd-1',
  council: 'Коростенська міська рада',
  convocation: 'VIII',
  session: 55,
  number: '1878',
  adoptedOn: '2025-03-01',
  effectiveFrom: '2025-03-01',
  title: 'Про внесення змін до Програми',
});
const decisionArchived = stored(DECISION, 'DecisionArchived', { decisionId: 'd-1' });

const EXECUTOR = executorStream('x-1');
const unit = stored(EXECUTOR, 'ExecutorRegistered', { executorId: 'x-1', name: 'Відділ інформаційної політики' });
const unitMerged = stored(EXECUTOR, 'ExecutorMerged', { executorId: 'x-1', into: 'x-2' });

describe('an event of a type this code does not know', () => {
  it('given a decision stream with one, when the decision is folded, then the fold passes it by and knows it does not know it', () => {
    expect(decisionFold.evolve(decisionFold.initial, [registered, decisionArchived])).toEqual(decisionFold.evolve(decisionFold.initial, [registered]));
    expect([decisionFold.knows?.('DecisionRegistered'), decisionFold.knows?.('DecisionArchived')]).toEqual([true, false]);
    expect([executorFold.knows?.('ExecutorRegistered'), executorFold.knows?.('ExecutorMerged')]).toEqual([true, false]);
    expect([programmeFold.knows?.('AllocationSet'), programmeFold.knows?.('MeasureArchived')]).toEqual([true, false]);
  });

  it('given an executor stream with one, when a command is sent on it, then it is refused (WrittenByLaterVersion) and nothing is written', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    try {
      await store.appendToStream(EXECUTOR, [unit, unitMerged].map(({ id, type, data }) => ({ id, type, data, metadata: {} })), { expectedRevision: 'no_stream' });
      const repository = new AggregateRepository(store);
      const outcome = await repository.execute(EXECUTOR, executorFold, { correlationId: 'c', actor: 'secretariat:test' }, (state) =>
        decideExecutor({ type: 'RetireExecutor', data: { executorId: 'x-1', effectiveFrom: '2025-06-01' } }, state),
      );
      expect(outcome).toMatchObject({ kind: 'conflict', code: 'WrittenByLaterVersion', message: expect.stringContaining('ExecutorMerged') });
      expect(await store.readStream(EXECUTOR, {})).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('given an append of a programme with one among its changes, when the read models take it, then the amendment is registered with the changes known', () => {
    const db = new Database(':memory:');
    try {
      const programmes = new ProgrammesProjection();
      programmes.createSchema(db);
      const stream = programmeStream('p-1');
      const header = (amendmentId: string, initial: boolean, changeCount: number) =>
        stored(stream, 'AmendmentRegistered', { amendmentId, programmeId: 'p-1', decisionId: 'd-1', effectiveFrom: '2025-03-01', note: null, initial, changeCount });
      for (const event of [
        header('a-0', true, 1),
        stored(stream, 'ProgrammeRegistered', { programmeId: 'p-1', title: 'Програма', community: 'Громада', period: { from: 2025, to: 2026 } }),
        header('a-1', false, 2),
        stored(stream, 'MeasureArchived', { measureId: 'm-1' }),
        stored(stream, 'ProgrammeRenamed', { title: 'Програма на 2025-2026 роки', was: 'Програма' }),
      ]) {
        programmes.apply(event);
      }
      programmes.beforeCommit();
      const rows = db.prepare<[], { amendment_id: string; changes: string }>('SELECT amendment_id, changes FROM programme_amendments ORDER BY revision').all();
      expect(rows.map((row) => [row.amendment_id, (JSON.parse(row.changes) as { type: string }[]).map((c) => c.type)])).toEqual([
        ['a-0', ['ProgrammeRegistered']],
        ['a-1', ['ProgrammeRenamed']],
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM programme_open_appends').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('given one on a decision stream and one on an executor stream, when the read models take them, then they go on, holding what they knew', () => {
    const db = new Database(':memory:');
    try {
      const decisions = new DecisionsProjection();
      const executors = new ExecutorsProjection();
      decisions.createSchema(db);
      executors.createSchema(db);
      for (const event of [registered, decisionArchived]) decisions.apply(event);
      for (const event of [unit, unitMerged]) executors.apply(event);
      expect(decisions.get('d-1')).toMatchObject({ status: 'registered', number: '1878' });
      expect(executors.get('x-1')).toMatchObject({ status: 'active', names: [{ name: 'Відділ інформаційної політики', effectiveFrom: null }] });
    } finally {
      db.close();
    }
  });
});
