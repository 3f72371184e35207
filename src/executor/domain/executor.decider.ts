import { v5 as uuidv5 } from 'uuid';
import { domainError, type DomainError } from '../../common/domain-error';
import { exhaustive } from '../../common/exhaustive';
import { nameKey } from '../../common/name-key';
import { streamCategory } from '../../common/stream-name';
import { eventReader } from '../../common/event-types';

/**
 * An executor (виконавець): a unit or official of the council, shared by every programme. Its name can
 * change from a date on (a reorganisation); views show the name valid at their date.
 */

export type ExecutorEvent =
  | { readonly type: 'ExecutorRegistered'; readonly data: { readonly executorId: string; readonly name: string } }
  | { readonly type: 'ExecutorRenamed'; readonly data: { readonly executorId: string; readonly name: string; readonly was: string; readonly effectiveFrom: string } }
  /** `was`: the date of the retirement this one corrects. */
  | { readonly type: 'ExecutorRetired'; readonly data: { readonly executorId: string; readonly effectiveFrom: string; readonly was?: string } };

/** A stored event as an executor event, or undefined for a type this code does not know (eventReader). */
export const executorEventOf = eventReader<ExecutorEvent>({ ExecutorRegistered: true, ExecutorRenamed: true, ExecutorRetired: true });

export type ExecutorCommand =
  | { readonly type: 'RegisterExecutor'; readonly data: { readonly executorId: string; readonly name: string } }
  | { readonly type: 'RenameExecutor'; readonly data: { readonly executorId: string; readonly name: string; readonly effectiveFrom: string } }
  | { readonly type: 'RetireExecutor'; readonly data: { readonly executorId: string; readonly effectiveFrom: string } };

export interface NameFrom {
  readonly name: string;
  /** null: from the start. */
  readonly effectiveFrom: string | null;
}

export type Executor =
  | { readonly status: 'unknown' }
  | { readonly status: 'active' | 'retired'; readonly id: string; readonly names: readonly NameFrom[]; readonly retiredFrom: string | null };

export const initialExecutor: Executor = { status: 'unknown' };

/** Whether the unit can carry a measure from `date`: one retired from a later date is still active then. */
export function statusOn(executor: Executor, date: string): 'active' | 'retired' | 'unknown' {
  if (executor.status === 'unknown') return 'unknown';
  return executor.retiredFrom === null || executor.retiredFrom > date ? 'active' : 'retired';
}

const executors = streamCategory('executor');
export const executorStream = executors.stream;
export const executorIdOf = executors.idOf;

/** Every apostrophe a keyboard gives for the Ukrainian one ("сім'ї", "сім’ї", "сімʼї"). */
const APOSTROPHES = /['\u2018\u2019\u02BC\u0060\u00B4]/g;

/**
 * The same unit written the same way is one executor, whatever its capitalisation, spacing or apostrophe. Only
 * the directory compares names so (registration, the name-taken check, an import's units): nothing folds by it.
 */
export function normalizeExecutorName(name: string): string {
  return nameKey(name).replace(APOSTROPHES, '\u02BC');
}

const EXECUTOR_NAMESPACE = '6f1d3c52-0b8e-4a57-9c41-2d7e5b9a8f10';

/** The same unit written the same way is one executor: its id is derived from its normalised name. */
export function executorIdFor(name: string): string {
  return uuidv5(normalizeExecutorName(name), EXECUTOR_NAMESPACE);
}

export function decide(command: ExecutorCommand, state: Executor): ExecutorEvent[] | DomainError {
  switch (command.type) {
    case 'RegisterExecutor':
      return registerExecutor(command.data, state);
    case 'RenameExecutor':
      return renameExecutor(command.data, state);
    case 'RetireExecutor':
      return retireExecutor(command.data, state);
    default:
      return exhaustive(command);
  }
}

type Data<T extends ExecutorCommand['type']> = Extract<ExecutorCommand, { type: T }>['data'];

function registerExecutor(data: Data<'RegisterExecutor'>, state: Executor): ExecutorEvent[] | DomainError {
  if (state.status !== 'unknown') {
    return domainError('conflict', 'ExecutorAlreadyRegistered', `executor ${data.executorId} is already registered as "${nameAt(state, null)}"`, [
      { code: 'ExecutorAlreadyRegistered', message: 'the same unit written the same way is one executor', path: ['name'] },
    ]);
  }
  return [{ type: 'ExecutorRegistered', data }];
}

function renameExecutor(data: Data<'RenameExecutor'>, state: Executor): ExecutorEvent[] | DomainError {
  if (state.status === 'unknown') return notFound(data.executorId);
  // A retirement, even one dated years ahead, leaves the unit's earlier names to be corrected.
  if (state.retiredFrom !== null && data.effectiveFrom >= state.retiredFrom) {
    const detail = `executor ${state.id} is retired from ${state.retiredFrom}`;
    return domainError('conflict', 'ExecutorRetired', detail, [{ code: 'ExecutorRetired', message: `${detail}: a rename from then on names no unit`, path: ['effectiveFrom'] }]);
  }
  const was = nameAt(state, data.effectiveFrom);
  if (was === data.name) {
    return domainError('conflict', 'SameName', `the executor is already named "${was}" on ${data.effectiveFrom}`, [{ code: 'SameName', message: 'a rename needs another name', path: ['name'] }]);
  }
  return [{ type: 'ExecutorRenamed', data: { ...data, was } }];
}

function retireExecutor(data: Data<'RetireExecutor'>, state: Executor): ExecutorEvent[] | DomainError {
  if (state.status === 'unknown') return notFound(data.executorId);
  // A rename from the retirement on is refused; a retirement is not moved before one either.
  const renamed = state.names.find((n) => n.effectiveFrom !== null && n.effectiveFrom >= data.effectiveFrom);
  if (renamed) {
    const detail = `executor ${state.id} is renamed "${renamed.name}" from ${renamed.effectiveFrom}: a retirement from ${data.effectiveFrom} would come before that`;
    return domainError('conflict', 'ExecutorRenamedLater', detail, [{ code: 'ExecutorRenamedLater', message: `a date after ${renamed.effectiveFrom}`, path: ['effectiveFrom'] }]);
  }
  if (state.retiredFrom === null) return [{ type: 'ExecutorRetired', data }];
  if (state.retiredFrom === data.effectiveFrom) {
    const detail = `executor ${state.id} is already retired from ${state.retiredFrom}`;
    return domainError('conflict', 'ExecutorRetired', detail, [{ code: 'ExecutorRetired', message: `${detail}: send another date to correct it`, path: ['effectiveFrom'] }]);
  }
  // Entered again with another date: a correction of a mistyped or moved date, which records the one it replaces.
  return [{ type: 'ExecutorRetired', data: { ...data, was: state.retiredFrom } }];
}

export function evolve(state: Executor, event: ExecutorEvent): Executor {
  switch (event.type) {
    case 'ExecutorRegistered':
      return { status: 'active', id: event.data.executorId, names: [{ name: event.data.name, effectiveFrom: null }], retiredFrom: null };
    case 'ExecutorRenamed':
      if (state.status === 'unknown') return state;
      return {
        ...state,
        names: [...state.names, { name: event.data.name, effectiveFrom: event.data.effectiveFrom }].sort(byEffectiveFrom),
      };
    case 'ExecutorRetired':
      if (state.status === 'unknown') return state;
      return { ...state, status: 'retired', retiredFrom: event.data.effectiveFrom };
    default:
      return exhaustive(event);
  }
}

/** The name valid on a date; null: the latest. */
export function nameAt(state: { readonly names: readonly NameFrom[] }, date: string | null): string {
  let current = state.names[0].name;
  for (const entry of state.names) if (entry.effectiveFrom === null || date === null || entry.effectiveFrom <= date) current = entry.name;
  return current;
}

function byEffectiveFrom(a: NameFrom, b: NameFrom): number {
  return (a.effectiveFrom ?? '').localeCompare(b.effectiveFrom ?? '');
}

function notFound(executorId: string): DomainError {
  return domainError('not-found', 'ExecutorNotFound', `no executor ${executorId}`);
}
