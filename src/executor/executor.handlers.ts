import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CrossStreamLocks, lockOn } from '../common/cross-stream.locks';
import { isDomainError } from '../common/domain-error';
import { AggregateRepository, type CommandContext } from '../event-store/aggregate.repository';
import { answerWhenProjected, type WriteResponse } from '../http/command-context';
import { fromDomainError, ProblemException } from '../http/problem';
import { ProjectionRunner } from '../projections/projection.runner';
import type { RecordedChange } from '../projections/recorded-history';
import { decide, type ExecutorCommand, executorIdFor, executorStream, nameAt, normalizeExecutorName } from './domain/executor.decider';
import { executorFold } from './executor.fold';
import { ExecutorsProjection, type KnownExecutor } from './executors.projection';
import { ProgrammeQueries } from '../programme/read/programme.queries';

export class RegisterExecutor {
  constructor(
    readonly name: string,
    readonly context: CommandContext,
  ) {}
}
export class RenameExecutor {
  constructor(
    readonly executorId: string,
    readonly name: string,
    readonly effectiveFrom: string,
    readonly context: CommandContext,
  ) {}
}
export class RetireExecutor {
  constructor(
    readonly executorId: string,
    readonly effectiveFrom: string,
    readonly context: CommandContext,
  ) {}
}
export class ListExecutors {
  constructor(readonly asOf: string | null) {}
}
export class GetExecutor {
  constructor(
    readonly executorId: string,
    readonly asOf: string | null,
  ) {}
}

export interface ExecutorView {
  readonly id: string;
  /** The name valid on asOf (null, as a write answers: the latest). */
  readonly name: string;
  readonly names: KnownExecutor['names'];
  readonly retiredFrom: string | null;
}

function executorView(executor: KnownExecutor, asOf: string | null): ExecutorView {
  return { id: executor.id, name: nameAt(executor, asOf), names: executor.names, retiredFrom: executor.retiredFrom };
}

abstract class ExecutorWriter {
  constructor(
    @Inject(AggregateRepository) private readonly repository: AggregateRepository,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(ExecutorsProjection) protected readonly executors: ExecutorsProjection,
    @Inject(CrossStreamLocks) private readonly locks: CrossStreamLocks,
  ) {}

  /** `refuse`: the rule across streams, checked under the locks `keys` name (CrossStreamLocks), held until the write is in the read models. */
  protected run(executorId: string, context: CommandContext, command: ExecutorCommand, keys: readonly string[], refuse: () => void): Promise<WriteResponse<ExecutorView>> {
    return this.locks.hold(keys, async () => {
      refuse();
      const outcome = await this.repository.execute(executorStream(executorId), executorFold, context, (state) => decide(command, state));
      if (isDomainError(outcome)) throw fromDomainError(outcome);
      if (outcome.state.status === 'unknown') throw new ProblemException(404, 'ExecutorNotFound', `no executor ${executorId}`);
      return answerWhenProjected(this.runner, outcome, executorView(outcome.state, null));
    });
  }
}

const nameLock = (name: string) => lockOn.executorName(normalizeExecutorName(name));

/**
 * A name another executor bears, or bore, is refused: two units of one name could not be told apart in a
 * document. Read from the directory, under the name's lock (nameLock).
 */
function refuseTakenName(executors: ExecutorsProjection, name: string, executorId: string): void {
  const holder = executors.holderOf(name);
  if (!holder || holder.id === executorId) return;
  const detail = `"${name}" is, or was, the name of executor ${holder.id} (now ${nameAt(holder, null)})`;
  throw new ProblemException(409, 'ExecutorNameTaken', detail, [{ path: '$.name', code: 'ExecutorNameTaken', message: detail, executorId: holder.id }]);
}

@CommandHandler(RegisterExecutor)
export class RegisterExecutorHandler extends ExecutorWriter implements ICommandHandler<RegisterExecutor> {
  execute({ name, context }: RegisterExecutor) {
    const executorId = executorIdFor(name);
    return this.run(executorId, context, { type: 'RegisterExecutor', data: { executorId, name } }, [nameLock(name)], () => refuseTakenName(this.executors, name, executorId));
  }
}

@CommandHandler(RenameExecutor)
export class RenameExecutorHandler extends ExecutorWriter implements ICommandHandler<RenameExecutor> {
  execute({ executorId, name, effectiveFrom, context }: RenameExecutor) {
    return this.run(executorId, context, { type: 'RenameExecutor', data: { executorId, name, effectiveFrom } }, [nameLock(name)], () => {
      // An unknown executor is a 404 from the decider, whatever the name.
      if (this.executors.get(executorId)) refuseTakenName(this.executors, name, executorId);
    });
  }
}

@CommandHandler(RetireExecutor)
export class RetireExecutorHandler extends ExecutorWriter implements ICommandHandler<RetireExecutor> {
  constructor(
    @Inject(AggregateRepository) repository: AggregateRepository,
    @Inject(ProjectionRunner) runner: ProjectionRunner,
    @Inject(ExecutorsProjection) executors: ExecutorsProjection,
    @Inject(ProgrammeQueries) private readonly programmes: ProgrammeQueries,
    @Inject(CrossStreamLocks) locks: CrossStreamLocks,
  ) {
    super(repository, runner, executors, locks);
  }

  execute({ executorId, effectiveFrom, context }: RetireExecutor) {
    return this.run(executorId, context, { type: 'RetireExecutor', data: { executorId, effectiveFrom } }, [lockOn.executor(executorId)], () => {
      if (this.executors.get(executorId)) refuseLaterAssignments(this.programmes, executorId, effectiveFrom);
    });
  }
}

/**
 * A unit cannot be assigned from its retirement on, so a retirement dated before an assignment already in force
 * is refused too: entered in the other order, the assignment would have been. Read from the read models, under the
 * unit's lock, which an amendment naming it holds until it is in them (CrossStreamLocks).
 */
function refuseLaterAssignments(programmes: ProgrammeQueries, executorId: string, effectiveFrom: string): void {
  const later = programmes.assignmentsFrom(executorId, effectiveFrom);
  if (later.length === 0) return;
  const detail = `the unit is assigned from ${later[0].effectiveFrom} on by ${later.length} amendment(s) in force: unassign it there, or retire it later`;
  throw new ProblemException(
    409,
    'ExecutorAssignedLater',
    detail,
    later.map((amendment) => ({
      path: '$.effectiveFrom',
      code: 'ExecutorAssignedLater',
      message: `assigned in programme ${amendment.programmeId} from ${amendment.effectiveFrom}`,
      ...amendment,
    })),
  );
}

@QueryHandler(ListExecutors)
export class ListExecutorsHandler implements IQueryHandler<ListExecutors> {
  constructor(@Inject(ExecutorsProjection) private readonly executors: ExecutorsProjection) {}

  async execute({ asOf }: ListExecutors): Promise<ExecutorView[]> {
    return this.executors.list(asOf).map((e) => executorView(e, asOf));
  }
}

@QueryHandler(GetExecutor)
export class GetExecutorHandler implements IQueryHandler<GetExecutor> {
  constructor(@Inject(ExecutorsProjection) private readonly executors: ExecutorsProjection) {}

  async execute({ executorId, asOf }: GetExecutor): Promise<ExecutorView> {
    const executor = this.executors.get(executorId);
    if (!executor) throw new ProblemException(404, 'ExecutorNotFound', `no executor ${executorId}`);
    return executorView(executor, asOf);
  }
}

export class GetExecutorChanges {
  constructor(readonly executorId: string) {}
}

@QueryHandler(GetExecutorChanges)
export class GetExecutorChangesHandler implements IQueryHandler<GetExecutorChanges> {
  constructor(@Inject(ExecutorsProjection) private readonly executors: ExecutorsProjection) {}

  async execute({ executorId }: GetExecutorChanges): Promise<{ id: string; changes: RecordedChange[] }> {
    const changes = this.executors.changes(executorId);
    if (!changes) throw new ProblemException(404, 'ExecutorNotFound', `no executor ${executorId}`);
    return { id: executorId, changes };
  }
}
