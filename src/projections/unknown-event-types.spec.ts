import Database from 'better-sqlite3';
import { decisionFold } from '../decision/decision.fold';
import { DecisionsProjection } from '../decision/decisions.projection';
import { decisionStream } from '../decision/domain/decision.decider';
import type { JsonObject, RecordedEvent } from '../event-store/event-store.port';
import { executorStream } from '../executor/domain/executor.decider';
import { executorFold } from '../executor/executor.fold';
import { ExecutorsProjection } from '../executor/executors.projection';

/**
 * A log written by a later version of the server may hold event types this code does not know (a rollback after
 * an upgrade). Every aggregate's folds pass them by alike (eventReader): a decision's or an executor's command is
 * still decided, and the read models do not stop on them.
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
  it('given a decision stream with one, when the decision is folded for a command, then it is passed by', () => {
    expect(decisionFold.evolve(decisionFold.initial, [registered, decisionArchived])).toEqual(decisionFold.evolve(decisionFold.initial, [registered]));
  });

  it('given an executor stream with one, when the executor is folded for a command, then it is passed by', () => {
    expect(executorFold.evolve(executorFold.initial, [unit, unitMerged])).toEqual(executorFold.evolve(executorFold.initial, [unit]));
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
