import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CrossStreamLocks } from '../../common/cross-stream.locks';
import type { CommandContext } from '../../event-store/aggregate.repository';
import { answerWhenProjected, type WriteResponse } from '../../http/command-context';
import { ProjectionRunner } from '../../projections/projection.runner';
import type { AnnexProblem } from './annex.model';
import { AnnexImporter, type ImportRequest } from './annex.importer';

export class ImportProgramme {
  constructor(
    readonly request: ImportRequest,
    readonly context: CommandContext,
  ) {}
}

export interface Imported {
  readonly programmeId: string;
  readonly decisionId: string;
  readonly warnings: readonly AnnexProblem[];
}

@CommandHandler(ImportProgramme)
export class ImportProgrammeHandler implements ICommandHandler<ImportProgramme> {
  constructor(
    @Inject(AnnexImporter) private readonly importer: AnnexImporter,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(CrossStreamLocks) private readonly locks: CrossStreamLocks,
  ) {}

  async execute({ request, context }: ImportProgramme): Promise<WriteResponse<Imported>> {
    const document = this.importer.read(request);
    // Its act, decision and units are checked against the read models, as a registration, a correction or a
    // retirement of them would be: held until the programme is in them (CrossStreamLocks).
    return this.locks.holdFound(() => this.importer.locksOf(document, context.idempotencyKey), async () => {
      const result = await this.importer.register(document, context);
      return answerWhenProjected(this.runner, result, { programmeId: result.programmeId, decisionId: result.decisionId, warnings: result.warnings });
    });
  }
}
