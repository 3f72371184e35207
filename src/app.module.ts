import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { CrossStreamLocks } from './common/cross-stream.locks';
import { type ApiToken, CONFIG, type Config } from './config/config.schema';
import { CorrectDecisionHandler, GetDecisionChangesHandler, GetDecisionHandler, ListDecisionsHandler, RegisterDecisionHandler } from './decision/decision.handlers';
import { DecisionsController } from './decision/decisions.controller';
import { DecisionsProjection } from './decision/decisions.projection';
import { AggregateRepository } from './event-store/aggregate.repository';
import { createEventStore } from './event-store/event-store.factory';
import type { DataFilesLock } from './config/data-files.lock';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port';
import {
  GetExecutorChangesHandler,
  GetExecutorHandler,
  ListExecutorsHandler,
  RegisterExecutorHandler,
  RenameExecutorHandler,
  RetireExecutorHandler,
} from './executor/executor.handlers';
import { ExecutorsController } from './executor/executors.controller';
import { ExecutorsProjection } from './executor/executors.projection';
import { AuthGuard, TokenTable } from './http/auth.guard';
import { AuthFailureLimiter } from './http/rate-limit';
import { RequestValidationGuard } from './http/request-validation.guard';
import { ProblemFilter } from './http/problem.filter';
import { HealthController } from './observability/health.controller';
import { Metrics } from './observability/metrics';
import { ExportController } from './programme/export/export.controller';
import { ExportAuditHandler, ExportDiffHandler, ExportProgrammeHandler, OpenDataAmendmentsHandler, OpenDataProgrammesHandler } from './programme/export/export.handlers';
import { AnnexImporter } from './programme/import/annex.importer';
import { ImportProgrammeHandler } from './programme/import/import.handler';
import {
  GetAuditHandler,
  GetDiffHandler,
  GetProgrammeViewHandler,
  GetVersionHandler,
  ListProgrammesHandler,
  ListVersionsHandler,
} from './programme/read/programme-read.handlers';
import { ProgrammeQueries } from './programme/read/programme.queries';
import { ProgrammeViewCache } from './programme/read/programme-view.cache';
import { DocxPacker } from './programme/export/docx.packer';
import { PackedDocuments } from './programme/export/packed-documents.cache';
import { ProgrammesController } from './programme/read/programmes.controller';
import { ProgrammesProjection } from './programme/read/programmes.projection';
import { RegisterAmendmentHandler, RevokeAmendmentHandler } from './programme/write/amendment.handlers';
import { AmendmentsController } from './programme/write/amendments.controller';
import { ProjectionRunner } from './projections/projection.runner';
import { createProjections } from './projections/projections.factory';
import { ReadModelDb } from './projections/read-model.db';
import { DATA_FILES_LOCK, Lifecycle, LOGGER, ON_START_FAILED } from './app.lifecycle';
import { OPENAPI_DOCUMENT, openApiDocument } from './http/openapi';

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The tokens in force (the configured ones, or the development ones). */
  readonly tokens: readonly ApiToken[];
  /** Tests may bring their own store. */
  readonly store?: EventStore;
  /**
   * A start that fails after the server listens (the seed of a store found empty only once the read models were
   * folded, or once the store answered): `npm start` stops with the same message as a start that fails before.
   */
  readonly onStartFailed?: (error: unknown) => void;
  /** Held by the caller before the app opens any data file; released when the app shuts down. */
  readonly lock: DataFilesLock;
}

@Module({})
export class AppModule {
  static register(options: AppOptions): DynamicModule {
    const { config, logger } = options;
    const projections = createProjections();
    const { decisions, executors, programmes } = projections;
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [DecisionsController, ExecutorsController, AmendmentsController, ProgrammesController, ExportController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: OPENAPI_DOCUMENT, useValue: openApiDocument(config.PUBLIC_URL) },
        { provide: LOGGER, useValue: logger },
        { provide: Metrics, useValue: new Metrics() },
        // Taken by createApp before any data file is opened; released after they are closed.
        { provide: DATA_FILES_LOCK, useValue: options.lock },
        { provide: ON_START_FAILED, useValue: options.onStartFailed ?? (() => undefined) },
        { provide: EVENT_STORE, useFactory: () => options.store ?? createEventStore(config, logger) },
        { provide: AggregateRepository, useFactory: (store: EventStore, metrics: Metrics) => new AggregateRepository(store, metrics), inject: [EVENT_STORE, Metrics] },
        { provide: ReadModelDb, useFactory: () => new ReadModelDb(config.readModelFile) },
        { provide: DecisionsProjection, useValue: decisions },
        { provide: ExecutorsProjection, useValue: executors },
        { provide: ProgrammesProjection, useValue: programmes },
        {
          provide: ProjectionRunner,
          useFactory: (store: EventStore, db: ReadModelDb, metrics: Metrics) => new ProjectionRunner(store, db, projections.all, logger, metrics),
          inject: [EVENT_STORE, ReadModelDb, Metrics],
        },
        // Declared after the runner, which creates the tables the queries read.
        { provide: ProgrammeQueries, useFactory: (db: ReadModelDb) => new ProgrammeQueries(db.db, decisions, executors), inject: [ReadModelDb, ProjectionRunner] },
        { provide: DocxPacker, useFactory: () => new DocxPacker() },
        { provide: CrossStreamLocks, useFactory: () => new CrossStreamLocks() },
        { provide: PackedDocuments, useFactory: (packer: DocxPacker) => new PackedDocuments((grid, at) => packer.pack(grid, at)), inject: [DocxPacker] },
        { provide: ProgrammeViewCache, useFactory: (queries: ProgrammeQueries, runner: ProjectionRunner) => new ProgrammeViewCache(queries, runner), inject: [ProgrammeQueries, ProjectionRunner] },
        {
          provide: AnnexImporter,
          useFactory: (repository: AggregateRepository, programmes: ProgrammeQueries) =>
            new AnnexImporter(repository, { holderOf: (name) => executors.holderOf(name), sameAct: (act) => decisions.sameAct(act), importedWithKey: (key) => programmes.importedWithKey(key) }),
          inject: [AggregateRepository, ProgrammeQueries],
        },
        { provide: TokenTable, useValue: new TokenTable(options.tokens) },
        { provide: AuthFailureLimiter, useValue: new AuthFailureLimiter(config.RATE_LIMIT_PER_MINUTE === 0 ? 0 : 10) },
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard: who may call comes before what the request holds.
        { provide: APP_GUARD, useClass: RequestValidationGuard },
        { provide: APP_FILTER, useValue: new ProblemFilter(logger) },
        Lifecycle,
        RegisterDecisionHandler,
        CorrectDecisionHandler,
        ListDecisionsHandler,
        GetDecisionHandler,
        GetDecisionChangesHandler,
        RegisterExecutorHandler,
        RenameExecutorHandler,
        RetireExecutorHandler,
        ListExecutorsHandler,
        GetExecutorHandler,
        GetExecutorChangesHandler,
        ImportProgrammeHandler,
        RegisterAmendmentHandler,
        RevokeAmendmentHandler,
        ListProgrammesHandler,
        GetProgrammeViewHandler,
        ListVersionsHandler,
        GetVersionHandler,
        GetDiffHandler,
        GetAuditHandler,
        ExportProgrammeHandler,
        ExportDiffHandler,
        ExportAuditHandler,
        OpenDataProgrammesHandler,
        OpenDataAmendmentsHandler,
      ],
    };
  }
}
