import { deciderSpec } from '../../../test/support/decider-spec';
import {
  statusOn,
  decide,
  evolve,
  type Executor,
  type ExecutorCommand,
  type ExecutorEvent,
  executorStream,
  initialExecutor,
  nameAt,
  normalizeExecutorName,
} from './executor.decider';

const given = deciderSpec({ decide, evolve, initial: initialExecutor });

const ID = 'exec-press';
const registered: ExecutorEvent = { type: 'ExecutorRegistered', data: { executorId: ID, name: 'Відділ інформаційно-консультативного забезпечення' } };
const renamed = (name: string, was: string, effectiveFrom: string): ExecutorEvent => ({ type: 'ExecutorRenamed', data: { executorId: ID, name, was, effectiveFrom } });
const retired = (effectiveFrom: string): ExecutorEvent => ({ type: 'ExecutorRetired', data: { executorId: ID, effectiveFrom } });

const register = (name = 'Відділ інформаційно-консультативного забезпечення'): ExecutorCommand => ({ type: 'RegisterExecutor', data: { executorId: ID, name } });
const rename = (name: string, effectiveFrom: string): ExecutorCommand => ({ type: 'RenameExecutor', data: { executorId: ID, name, effectiveFrom } });
const retire = (effectiveFrom: string): ExecutorCommand => ({ type: 'RetireExecutor', data: { executorId: ID, effectiveFrom } });

const namesOf = (state: Executor) => (state.status === 'unknown' ? [] : state.names);

describe('executor decider', () => {
  describe('RegisterExecutor', () => {
    it('registers the executor under its name, active', () => {
      const state = given().when(register()).then([registered]);
      expect(state).toEqual({ status: 'active', id: ID, names: [{ name: 'Відділ інформаційно-консультативного забезпечення', effectiveFrom: null }], retiredFrom: null });
    });

    it('an executor is registered once (ExecutorAlreadyRegistered), naming its current name', () => {
      const error = given(registered, renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2025-01-01'))
        .when(register('Інший відділ'))
        .thenFails('ExecutorAlreadyRegistered', 'conflict');
      expect(error.message).toContain('"Відділ комунікацій"');
    });
  });

  describe('RenameExecutor', () => {
    it('renames from a date on, recording the name valid on that date', () => {
      given(registered)
        .when(rename('Відділ комунікацій', '2025-01-01'))
        .then([renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2025-01-01')]);
    });

    it('a rename dated before a later one replaces the name valid then, not the latest', () => {
      const state = given(registered, renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2025-01-01'))
        .when(rename('Прес-служба', '2024-06-01'))
        .then([renamed('Прес-служба', 'Відділ інформаційно-консультативного забезпечення', '2024-06-01')]);
      expect(namesOf(state).map((n) => n.name)).toEqual(['Відділ інформаційно-консультативного забезпечення', 'Прес-служба', 'Відділ комунікацій']);
    });

    it('renaming to the name it already has on that date is SameName', () => {
      given(registered).when(rename('Відділ інформаційно-консультативного забезпечення', '2025-01-01')).thenFails('SameName', 'conflict');
      // before the rename of 2025-01-01 the old name is still valid
      given(registered, renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2025-01-01'))
        .when(rename('Відділ інформаційно-консультативного забезпечення', '2024-06-01'))
        .thenFails('SameName', 'conflict');
    });

    it('an unregistered executor is ExecutorNotFound', () => {
      given().when(rename('Відділ комунікацій', '2025-01-01')).thenFails('ExecutorNotFound', 'not-found');
    });

    it('a retired executor is renamed from a date before its retirement, as the unit it was then', () => {
      const state = given(registered, retired('2025-01-01'))
        .when(rename('Відділ комунікацій', '2024-06-01'))
        .then([renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2024-06-01')]);
      expect(state).toMatchObject({ status: 'retired', names: [{ effectiveFrom: null }, { name: 'Відділ комунікацій', effectiveFrom: '2024-06-01' }] });
    });

    it('a rename from the retirement on is ExecutorRetired: there is no unit to name', () => {
      given(registered, retired('2025-01-01')).when(rename('Відділ комунікацій', '2025-01-01')).thenFails('ExecutorRetired', 'conflict');
    });
  });

  describe('RetireExecutor', () => {
    it('retires the executor from a date', () => {
      const state = given(registered).when(retire('2025-01-01')).then([retired('2025-01-01')]);
      expect(state).toMatchObject({ status: 'retired', retiredFrom: '2025-01-01' });
    });

    it('an unregistered executor is ExecutorNotFound', () => {
      given().when(retire('2025-01-01')).thenFails('ExecutorNotFound', 'not-found');
    });

    it('a retirement entered again with another date corrects it, naming the date it replaces', () => {
      const state = given(registered, retired('2025-01-01'))
        .when(retire('2026-01-01'))
        .then([{ type: 'ExecutorRetired', data: { executorId: ID, effectiveFrom: '2026-01-01', was: '2025-01-01' } }]);
      expect(state).toMatchObject({ status: 'retired', retiredFrom: '2026-01-01' });
    });

    it('a retirement from a date on or before a rename is ExecutorRenamedLater, first entered or moved', () => {
      const renamedIn2026 = renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2026-06-01');
      given(registered, renamedIn2026).when(retire('2026-06-01')).thenFails('ExecutorRenamedLater', 'conflict');
      given(registered, retired('2030-01-01'), renamedIn2026).when(retire('2025-01-01')).thenFails('ExecutorRenamedLater', 'conflict');
      given(registered, renamedIn2026).when(retire('2026-06-02')).then([retired('2026-06-02')]);
    });

    it('the same retirement date again is ExecutorRetired', () => {
      given(registered, retired('2025-01-01')).when(retire('2025-01-01')).thenFails('ExecutorRetired', 'conflict');
    });
  });

  describe('nameAt chooses the name valid at a date', () => {
    const state = given(
      registered,
      renamed('Відділ комунікацій', 'Відділ інформаційно-консультативного забезпечення', '2025-01-01'),
      // recorded later, effective earlier
      renamed('Прес-служба', 'Відділ інформаційно-консультативного забезпечення', '2024-06-01'),
    ).state;
    if (state.status === 'unknown') throw new Error('expected a registered executor');

    it.each([
      ['2024-01-01', 'Відділ інформаційно-консультативного забезпечення'],
      ['2024-05-31', 'Відділ інформаційно-консультативного забезпечення'],
      ['2024-06-01', 'Прес-служба'],
      ['2024-12-31', 'Прес-служба'],
      ['2025-01-01', 'Відділ комунікацій'],
      ['2030-01-01', 'Відділ комунікацій'],
    ])('on %s it is "%s"', (date, name) => {
      expect(nameAt(state, date)).toBe(name);
    });

    it('without a date it is the latest name', () => {
      expect(nameAt(state, null)).toBe('Відділ комунікацій');
    });

    it('of two renames on the same date, the one recorded later holds', () => {
      const twice = given(registered, renamed('Перша назва', 'x', '2025-01-01'), renamed('Друга назва', 'Перша назва', '2025-01-01')).state;
      if (twice.status === 'unknown') throw new Error('expected a registered executor');
      expect(nameAt(twice, '2025-01-01')).toBe('Друга назва');
      expect(nameAt(twice, null)).toBe('Друга назва');
    });
  });

  describe('normalizeExecutorName: the same unit written the same way is one executor', () => {
    it('ignores capitalisation, including Ukrainian capitals', () => {
      expect(normalizeExecutorName('ВІДДІЛ ІНФОРМАЦІЙНО-КОНСУЛЬТАТИВНОГО ЗАБЕЗПЕЧЕННЯ')).toBe('відділ інформаційно-консультативного забезпечення');
      expect(normalizeExecutorName('Секретар міської ради')).toBe(normalizeExecutorName('секретар Міської Ради'));
    });

    it('ignores spacing: runs of spaces, tabs, line breaks and no-break spaces, and the ends', () => {
      expect(normalizeExecutorName('  Секретар \t міської\u00a0ради\n')).toBe('секретар міської ради');
    });

    it('treats composed and decomposed letters alike ("й" as и + breve)', () => {
      expect(normalizeExecutorName('Заступники міського голови, керуючий справами')).toBe(normalizeExecutorName('Заступники міського голови, керуючии\u0306 справами'));
    });

    it('keeps different units apart', () => {
      expect(normalizeExecutorName('Відділ внутрішньої політики')).not.toBe(normalizeExecutorName('Відділ з питань внутрішньої політики'));
    });
  });

  it('can carry a measure from a date before its retirement, not from the retirement on (statusOn)', () => {
    const state = [registered, retired('2025-06-01')].reduce(evolve, initialExecutor);
    expect([statusOn(state, '2025-05-31'), statusOn(state, '2025-06-01'), statusOn(state, '2026-01-01')]).toEqual(['active', 'retired', 'retired']);
    expect(statusOn(evolve(initialExecutor, registered), '2030-01-01')).toBe('active');
    expect(statusOn(initialExecutor, '2025-01-01')).toBe('unknown');
  });

  it('lives in the stream executor-<id>', () => {
    expect(executorStream(ID)).toBe('executor-exec-press');
  });
});
