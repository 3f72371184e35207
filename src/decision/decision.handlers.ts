import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { todayInKyiv } from '../common/clock';
import { CrossStreamLocks, lockOn } from '../common/cross-stream.locks';
import { type DomainError, domainError, isDomainError } from '../common/domain-error';
import { AggregateRepository, type CommandContext, deterministicId } from '../event-store/aggregate.repository';
import { answerWhenProjected, type WriteResponse } from '../http/command-context';
import { fromDomainError, ProblemException } from '../http/problem';
import { ProgrammeQueries } from '../programme/read/programme.queries';
import { ProjectionRunner } from '../projections/projection.runner';
import type { RecordedChange } from '../projections/recorded-history';
import type { decisionBodySchema, decisionCorrectionSchema } from './decision.api';
import { actLocks, DecisionsProjection, type RegisteredDecision } from './decisions.projection';
import { decisionFold } from './decision.fold';
import { citation, type Decision, type DecisionCommand, type DecisionDetails, decide, decisionStream, evolve } from './domain/decision.decider';

export class RegisterDecision {
  constructor(
    readonly body: z.output<typeof decisionBodySchema>,
    readonly context: CommandContext,
  ) {}
}

export class CorrectDecision {
  constructor(
    readonly decisionId: string,
    readonly body: z.output<typeof decisionCorrectionSchema>,
    readonly context: CommandContext,
  ) {}
}

export class ListDecisions {}
export class GetDecision {
  constructor(readonly decisionId: string) {}
}

export interface DecisionResponse extends RegisteredDecision {
  readonly citation: string;
  readonly amendments: ReturnType<ProgrammeQueries['amendmentsByDecision']>;
}

async function runDecisionCommand(
  repository: AggregateRepository,
  runner: ProjectionRunner,
  decisionId: string,
  context: CommandContext,
  command: DecisionCommand,
  /** What the decision would become is checked against what lies outside its stream (the programmes' amendments). */
  refuse: (next: Decision, current: Decision) => DomainError | undefined = () => undefined,
): Promise<WriteResponse<RegisteredDecision>> {
  const outcome = await repository.execute(decisionStream(decisionId), decisionFold, context, (state) => {
    const events = decide(command, state);
    return isDomainError(events) ? events : (refuse(events.reduce(evolve, state), state) ?? events);
  });
  if (isDomainError(outcome)) throw fromDomainError(outcome);
  if (outcome.state.status !== 'registered') throw new ProblemException(404, 'DecisionNotFound', `no decision ${decisionId}`);
  return answerWhenProjected(runner, outcome, outcome.state);
}

/**
 * A numbered decision is one act: the council's number on the same date registered again (or corrected into
 * one registered already) is refused, as open data would publish the act twice. Read from the list, under the
 * act's lock (actLocks), so that two writes racing to one act are told apart.
 */
function refuseSameAct(decisions: DecisionsProjection, decisionId: string, act: Pick<DecisionDetails, 'council' | 'number' | 'adoptedOn'>): void {
  const same = decisions.sameAct(act, decisionId);
  if (!same) return;
  const detail = `${citation(same)} is already registered, as decision ${same.id}`;
  throw new ProblemException(409, 'DecisionAlreadyRegistered', detail, [{ path: '$.number', code: 'DecisionAlreadyRegistered', message: detail, decisionId: same.id }]);
}

@CommandHandler(RegisterDecision)
export class RegisterDecisionHandler implements ICommandHandler<RegisterDecision> {
  constructor(
    @Inject(AggregateRepository) private readonly repository: AggregateRepository,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
    @Inject(CrossStreamLocks) private readonly locks: CrossStreamLocks,
  ) {}

  execute({ body, context }: RegisterDecision) {
    // A retried request (same Idempotency-Key) names the same decision, so the retry finds its first answer.
    const decisionId = context.idempotencyKey ? deterministicId('decision', context.idempotencyKey, 0) : randomUUID();
    return this.locks.hold(actLocks(body), async () => {
      refuseSameAct(this.decisions, decisionId, body);
      return runDecisionCommand(this.repository, this.runner, decisionId, context, { type: 'RegisterDecision', today: todayInKyiv(), data: { decisionId, ...body } });
    });
  }
}

@CommandHandler(CorrectDecision)
export class CorrectDecisionHandler implements ICommandHandler<CorrectDecision> {
  constructor(
    @Inject(AggregateRepository) private readonly repository: AggregateRepository,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
    @Inject(ProgrammeQueries) private readonly programmes: ProgrammeQueries,
    @Inject(CrossStreamLocks) private readonly locks: CrossStreamLocks,
  ) {}

  execute({ decisionId, body, context }: CorrectDecision) {
    /** The act the correction makes of the decision, as the decision stands (another correction may be changing it). */
    const actMade = () => {
      const current = this.decisions.get(decisionId);
      return current && { council: body.council ?? current.council, number: body.number === undefined ? current.number : body.number, adoptedOn: body.adoptedOn ?? current.adoptedOn };
    };
    // Amendments under the decision wait, and so does a registration of the act it would become.
    return this.locks.holdFound(() => {
      const act = actMade();
      return [lockOn.decision(decisionId), ...(act ? actLocks(act) : [])];
    }, async () => {
      const act = actMade();
      // An unknown decision is a 404 from the decider.
      if (act) refuseSameAct(this.decisions, decisionId, act);
      const command: DecisionCommand = { type: 'CorrectDecisionDetails', today: todayInKyiv(), data: { decisionId, corrections: body } };
      // Only a correction that moves the date later can leave an amendment before it: any other correction of a
      // decision that was let through (before the rule) is not held up by it.
      return runDecisionCommand(this.repository, this.runner, decisionId, context, command, (next, was) =>
        next.status === 'registered' && was.status === 'registered' && next.effectiveFrom > was.effectiveFrom
          ? amendmentsBefore(this.programmes, decisionId, next.effectiveFrom, body.effectiveFrom === undefined ? 'adoptedOn' : 'effectiveFrom')
          : undefined,
      );
    });
  }
}

/**
 * No amendment takes effect before its decision does (EffectiveBeforeDecision): a correction that would move the
 * decision's date past amendments made under it is refused, naming them. Checked against the read models, under the
 * decision's lock, which an amendment under it holds until it is in them (CrossStreamLocks).
 */
function amendmentsBefore(programmes: ProgrammeQueries, decisionId: string, effectiveFrom: string, field: 'adoptedOn' | 'effectiveFrom'): DomainError | undefined {
  const before = programmes.amendmentsByDecision(decisionId).filter((a) => a.revokedAt === null && a.effectiveFrom < effectiveFrom);
  if (before.length === 0) return undefined;
  // In effective order (amendmentsByDecision): the first is the earliest.
  const earliest = before[0].effectiveFrom;
  // The initial wording cannot be revoked: a decision that approved a programme keeps the date it took effect from.
  const remedy = before.some((a) => a.initial)
    ? `it approved a programme's initial wording, which takes effect on ${earliest} and cannot be revoked: send effectiveFrom ${earliest} with the correction`
    : `revoke them, or correct the decision to take effect no later than ${earliest}`;
  return domainError(
    'conflict',
    'AmendmentsBeforeDecision',
    `the decision would take effect on ${effectiveFrom}, after ${before.length} amendment(s) made under it: ${remedy}`,
    before.map((a) => ({
      code: 'AmendmentsBeforeDecision',
      message: `amendment ${a.amendmentId} to programme ${a.programmeId} takes effect on ${a.effectiveFrom}`,
      path: [field],
      details: { programmeId: a.programmeId, amendmentId: a.amendmentId, effectiveFrom: a.effectiveFrom },
    })),
  );
}

function withAmendments(decision: RegisteredDecision, programmes: ProgrammeQueries): DecisionResponse {
  return { ...decision, citation: citation(decision), amendments: programmes.amendmentsByDecision(decision.id) };
}

@QueryHandler(ListDecisions)
export class ListDecisionsHandler implements IQueryHandler<ListDecisions> {
  constructor(
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
    @Inject(ProgrammeQueries) private readonly programmes: ProgrammeQueries,
  ) {}

  async execute(): Promise<DecisionResponse[]> {
    return this.decisions.list().map((d) => withAmendments(d, this.programmes));
  }
}

@QueryHandler(GetDecision)
export class GetDecisionHandler implements IQueryHandler<GetDecision> {
  constructor(
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
    @Inject(ProgrammeQueries) private readonly programmes: ProgrammeQueries,
  ) {}

  async execute({ decisionId }: GetDecision): Promise<DecisionResponse> {
    const decision = this.decisions.get(decisionId);
    if (!decision) throw new ProblemException(404, 'DecisionNotFound', `no decision ${decisionId}`);
    return withAmendments(decision, this.programmes);
  }
}

export class GetDecisionChanges {
  constructor(readonly decisionId: string) {}
}

@QueryHandler(GetDecisionChanges)
export class GetDecisionChangesHandler implements IQueryHandler<GetDecisionChanges> {
  constructor(@Inject(DecisionsProjection) private readonly decisions: DecisionsProjection) {}

  async execute({ decisionId }: GetDecisionChanges): Promise<{ id: string; changes: RecordedChange[] }> {
    const changes = this.decisions.changes(decisionId);
    if (!changes) throw new ProblemException(404, 'DecisionNotFound', `no decision ${decisionId}`);
    return { id: decisionId, changes };
  }
}
