import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { z } from 'zod';
import { CrossStreamLocks, lockOn } from '../../common/cross-stream.locks';
import { type DomainError, isDomainError } from '../../common/domain-error';
import { citation, decisionStream } from '../../decision/domain/decision.decider';
import { DecisionsProjection } from '../../decision/decisions.projection';
import { decisionFold } from '../../decision/decision.fold';
import { executorStream, statusOn } from '../../executor/domain/executor.decider';
import { executorFold } from '../../executor/executor.fold';
import { AggregateRepository, type CommandContext, deterministicId, type Outcome, writtenByLaterVersion } from '../../event-store/aggregate.repository';
import type { RecordedEvent } from '../../event-store/event-store.port';
import { answerWhenProjected, type WriteResponse } from '../../http/command-context';
import { fromDomainError, ProblemException } from '../../http/problem';
import { ProjectionRunner } from '../../projections/projection.runner';
import type { Change, ExecutorStatus, ProgrammeCommand } from '../domain/programme.commands';
import { decide } from '../domain/programme.decider';
import { type AmendmentRegistered, programmeEventOf, programmeStream } from '../domain/programme.events';
import type { ProgrammeTimeline } from '../domain/timeline';
import type { amendmentBodySchema, ChangeBody } from '../programme.api';
import { programmeFold, withProgrammeMetadata } from './programme.fold';

export class RegisterAmendment {
  constructor(
    readonly programmeId: string,
    readonly body: z.output<typeof amendmentBodySchema>,
    readonly context: CommandContext,
  ) {}
}

export class RevokeAmendment {
  constructor(
    readonly programmeId: string,
    readonly amendmentId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {}
}

export interface AmendmentWritten {
  readonly programmeId: string;
  readonly amendmentId: string;
  readonly effectiveFrom?: string;
  readonly events: number;
  readonly warnings?: readonly AmendmentWarning[];
}

/** What was written but may not be what was meant, at the change it concerns. */
export interface AmendmentWarning {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

const ID_NAMESPACE = 'b7e2f0a4-9c3d-4d1e-8a6b-2f5c7e9d1a3b';

/** Ids the client did not choose: derived from the amendment id, so a retry decides the same. */
function withIds(changes: readonly ChangeBody[], amendmentId: string): Change[] {
  const id = (index: number, kind: string) => uuidv5(`${amendmentId}/${index}/${kind}`, ID_NAMESPACE);
  return changes.map((change, index) => {
    switch (change.op) {
      case 'addMeasure':
        return { ...change, measureId: change.measureId ?? id(index, 'measure') };
      case 'addSection':
        return { ...change, sectionId: change.sectionId ?? id(index, 'section') };
      case 'addDirection':
        return { ...change, directionId: change.directionId ?? id(index, 'direction') };
      default:
        return change;
    }
  });
}

function executorsNamed(changes: readonly ChangeBody[]): string[] {
  return [
    ...new Set(
      changes.flatMap((c) => (c.op === 'addMeasure' ? c.executors : c.op === 'assignExecutor' ? [c.executor] : [])),
    ),
  ];
}

/**
 * An allocation under a source its measure did not have adds a funding line beside the others: co-funding from
 * another budget, or a source's name misspelt ("Коростенськоі" for "Коростенської"), which would fund the year twice.
 * Written either way (the decision may well add a source); said, so that a slip is seen and revoked.
 */
function newSourceWarnings(changeEvents: readonly RecordedEvent[], changes: readonly ChangeBody[]): AmendmentWarning[] {
  // Each change makes one event (change.translate.ts, translateChanges), so an event's place is its change's.
  return changeEvents.flatMap((stored, index) => {
    const event = programmeEventOf(stored);
    if (event?.type !== 'AllocationSet' || event.data.existingSource) return [];
    const { measure, fundingSource } = changes[index] as Extract<ChangeBody, { op: 'setAllocation' }>;
    return [
      {
        path: `$.changes[${index}].fundingSource`,
        code: 'NewFundingSource',
        message: `measure ${measure} had no funding source "${fundingSource}": it is added as a new funding line beside its others; if the name is a misspelling of one of them, revoke this amendment and send the name as the measure has it`,
      },
    ];
  });
}

/** A decision's id in a domain message, which the secretariat is shown as the decision's citation instead. */
const DECISION_ID = /decision ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;

abstract class ProgrammeWriter {
  constructor(
    @Inject(AggregateRepository) protected readonly repository: AggregateRepository,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
    @Inject(CrossStreamLocks) protected readonly locks: CrossStreamLocks,
  ) {}

  /**
   * The decider names decisions by id; the secretariat knows them as the council cites them ("рішення 55 сесії VIII
   * скликання від 20.03.2025 № 1878"). Each problem keeps the id in its details, for a client to act on.
   */
  private citingDecisions(error: DomainError): DomainError {
    const cite = (text: string) =>
      text.replace(DECISION_ID, (named, decisionId: string) => {
        const decision = this.decisions.get(decisionId);
        return decision ? citation(decision) : named;
      });
    return { ...error, message: cite(error.message), problems: error.problems.map((problem) => ({ ...problem, message: cite(problem.message) })) };
  }

  protected async run(
    programmeId: string,
    context: CommandContext,
    command: (timeline: ProgrammeTimeline) => ProgrammeCommand,
    respond: (outcome: Outcome<ProgrammeTimeline>) => AmendmentWritten,
    /** A refusal found in the other streams the command is decided by; answered after an idempotent replay, as the decider's are. */
    refusal?: DomainError,
  ): Promise<WriteResponse<AmendmentWritten>> {
    const outcome = await this.repository.execute(programmeStream(programmeId), programmeFold, context, (timeline) => {
      if (refusal) return refusal;
      const decided = decide(command(timeline), timeline);
      return isDomainError(decided) ? decided : withProgrammeMetadata(decided, timeline);
    });
    if (isDomainError(outcome)) throw fromDomainError(this.citingDecisions(outcome));
    return answerWhenProjected(this.runner, outcome, respond(outcome));
  }
}

@CommandHandler(RegisterAmendment)
export class RegisterAmendmentHandler extends ProgrammeWriter implements ICommandHandler<RegisterAmendment> {
  execute(command: RegisterAmendment) {
    // Held until the amendment is in the read models, against which a correction of its decision, or a retirement
    // of a unit it assigns, checks (CrossStreamLocks): read from their streams here, they cannot change meanwhile.
    const { body } = command;
    return this.locks.hold([lockOn.decision(body.decisionId), ...executorsNamed(body.changes).map(lockOn.executor)], () => this.register(command));
  }

  private async register({ programmeId, body, context }: RegisterAmendment) {
    const decisionLoaded = await this.repository.load(decisionStream(body.decisionId), decisionFold);
    const decision = decisionLoaded.state;
    if (decision.status !== 'registered') {
      throw new ProblemException(404, 'DecisionNotFound', `no decision ${body.decisionId}`, [
        { path: '$.decisionId', code: 'DecisionNotFound', message: 'register the decision first (POST /api/v1/decisions)' },
      ]);
    }
    const effectiveFrom = body.effectiveFrom ?? decision.effectiveFrom;
    const executors: Record<string, ExecutorStatus> = {};
    // A decision or unit whose stream holds what a later version wrote is not decided by (WrittenByLaterVersion).
    let laterVersion = writtenByLaterVersion(decisionStream(decision.id), decisionLoaded);
    for (const executorId of executorsNamed(body.changes)) {
      const loaded = await this.repository.load(executorStream(executorId), executorFold);
      laterVersion ??= writtenByLaterVersion(executorStream(executorId), loaded);
      executors[executorId] = statusOn(loaded.state, effectiveFrom);
    }
    const amendmentId = context.idempotencyKey ? deterministicId(programmeStream(programmeId), context.idempotencyKey, -1) : randomUUID();
    const changes = withIds(body.changes, amendmentId);
    return this.run(
      programmeId,
      context,
      () => ({
        type: 'RegisterAmendment',
        data: {
          programmeId,
          amendmentId,
          decision: { id: decision.id, effectiveFrom: decision.effectiveFrom },
          ...(body.effectiveFrom ? { effectiveFrom: body.effectiveFrom } : {}),
          ...(body.note ? { note: body.note } : {}),
          changes,
          executors,
        },
      }),
      (outcome) => {
        // The append just written begins with its header.
        const { amendmentId: written, effectiveFrom } = outcome.events[0].data as AmendmentRegistered['data'];
        return { programmeId, amendmentId: written, effectiveFrom, events: outcome.events.length, warnings: newSourceWarnings(outcome.events.slice(1), body.changes) };
      },
      laterVersion,
    );
  }
}

@CommandHandler(RevokeAmendment)
export class RevokeAmendmentHandler extends ProgrammeWriter implements ICommandHandler<RevokeAmendment> {
  execute({ programmeId, amendmentId, reason, context }: RevokeAmendment) {
    return this.run(
      programmeId,
      context,
      () => ({ type: 'RevokeAmendment', data: { amendmentId, reason } }),
      (outcome) => ({ programmeId, amendmentId, events: outcome.events.length }),
    );
  }
}
