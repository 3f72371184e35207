import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Logger } from 'pino';
import { type ApiToken, CONFIG, type Config, ConfigError } from './config/config.schema';
import { CorrectDecisionHandler, GetDecisionChangesHandler, GetDecisionHandler, ListDecisionsHandler, RegisterDecisionHandler } from './decision/decision.handlers';
import { DecisionsController } from './decision/decisions.controller';
import { DecisionsProjection } from './decision/decisions.projection';
import { AggregateRepository } from './event-store/aggregate.repository';
import { createEventStore } from './event-store/event-store.factory';
import { EventStoreUnavailableError } from './event-store/event-store.errors';
import type { DataFilesLock } from './config/data-files.lock';
import { EVENT_STORE, type EventStore, START, comparePositions } from './event-store/event-store.port';
import { programmeStream } from './programme/domain/programme.events';
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
import { ProblemException } from './http/problem';
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
import { ProjectionRunner, retryDelay } from './projections/projection.runner';
import { createProjections } from './projections/projections.factory';
import { ReadModelDb } from './projections/read-model.db';

const LOGGER = Symbol('LOGGER');

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

const DATA_FILES_LOCK = Symbol('DATA_FILES_LOCK');
const ON_START_FAILED = Symbol('ON_START_FAILED');

/** Starts the read models when the app starts, imports the seed into an empty store, and closes everything on shutdown. */
@Injectable()
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ReadModelDb) private readonly readModels: ReadModelDb,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(AnnexImporter) private readonly importer: AnnexImporter,
    @Inject(DATA_FILES_LOCK) private readonly lock: DataFilesLock,
    @Inject(ON_START_FAILED) private readonly onStartFailed: (error: unknown) => void,
    @Inject(DocxPacker) private readonly docxPacker: DocxPacker,
  ) {}

  /** The fold of the whole log under way in the background, if the start needed one. */
  private refold: Promise<void> | undefined;
  private closing = false;
  /** Ends the pause before a fold is tried again. */
  private wake: (() => void) | undefined;

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.runner.checkAgainstLog()) && !this.runner.refoldPending) {
      this.runner.start();
      await this.seed();
      return;
    }
    // Read models to fold afresh (of another layout, of a fold that did not finish, of another log, or none on a
    // log with events), or a store that does not answer, so that nobody knows yet whether they are whole. The
    // log is folded with the indexes built once at the end, rather than row by row through the subscription.
    // In the background, so that the server listens meanwhile: /health answers, /ready and the API say 503.
    this.runner.withheld = true;
    this.refold = this.prepareInBackground();
  }

  /**
   * Checks the read models against the log once the store answers, folds the log if they need it, then starts
   * the subscription and seeds a store found empty (one wiped while its read models were kept). Whatever fails
   * (a store that stops answering) is tried again with backoff, the API answering 503 meanwhile, rather than
   * serving read models of part of the log.
   */
  private async prepareInBackground(): Promise<void> {
    for (let attempt = 1; !this.closing; attempt++) {
      const started = Date.now();
      try {
        if (!(await this.runner.checkAgainstLog())) throw new EventStoreUnavailableError(`the ${this.store.kind} event store does not answer`);
        if (this.runner.refoldPending) {
          const events = await this.runner.rebuild();
          if (this.closing) return;
          this.logger.info({ events, ms: Date.now() - started }, 'read models folded afresh');
        }
        // Served once the seed is in (a fold just finished says it is done): ready on an empty store a moment
        // before, a client would find no programme.
        this.runner.withheld = true;
        this.runner.start();
        try {
          await this.seed();
        } catch (error) {
          // A store that stopped answering is asked again, the seed with it, as the loop asks it for the fold.
          if (error instanceof EventStoreUnavailableError) {
            await this.runner.stop();
            throw error;
          }
          // Otherwise as on a start with nothing to fold, where it stops the start: the API stays at 503 rather
          // than serving a store without the programme it was configured to hold.
          this.logger.fatal({ err: error }, 'the seed document could not be imported into the empty store');
          this.onStartFailed(error);
          return;
        }
        this.runner.withheld = false;
        return;
      } catch (error) {
        if (this.closing) return;
        const delay = retryDelay(attempt);
        this.logger.error({ err: error, retryInMs: delay }, 'the read models are not ready to serve; trying again');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.wake?.();
    await this.runner.stop();
    // A fold under way stops after its page, before the files close.
    await this.refold;
    await this.store.close();
    this.readModels.close();
    this.lock.release();
    await this.docxPacker.close();
  }

  private async seed(): Promise<void> {
    const file = this.config.SEED_DOCUMENT;
    if (file === '') return;
    const programmeId = basename(file, extname(file));
    if (!(await this.seedDue(programmeId))) return;
    // Read only here: once the store holds events the seed is never read, and may be gone.
    const result = await this.importer.import({ programmeId, document: seedText(file) }, { correlationId: seedCorrelation(programmeId), actor: 'seed' }).catch((error: unknown) => {
      // A document the importer refuses is a value to change, said with what the importer found (its lines), not a fault.
      if (!(error instanceof ProblemException)) throw error;
      throw new ConfigError([`SEED_DOCUMENT: ${file} cannot be imported: ${error.detail}`, ...error.problems.map((problem) => `SEED_DOCUMENT: ${problem.message}`)]);
    });
    // Longer than a request's wait: the whole annex is folded at once, on a machine still starting up.
    await this.runner.waitFor(result.position, 10_000);
    this.logger.info({ programmeId, revision: result.revision, warnings: result.warnings.length }, 'seed document imported into the empty store');
  }

  /**
   * An empty store gets the seed; so does one the seed began and did not finish — the store stopped answering
   * between the streams an import writes (decision, executors, programme) — which the importer, deriving its ids
   * from the document, finishes without writing anything twice.
   */
  private async seedDue(programmeId: string): Promise<boolean> {
    if (comparePositions(await this.store.headPosition(), START) === 0) return true;
    const [first] = await this.store.readAll({ after: START, maxCount: 1 });
    return first?.metadata.$correlationId === seedCorrelation(programmeId) && (await this.store.readStream(programmeStream(programmeId), { maxCount: 1 })).length === 0;
  }
}

function seedText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new ConfigError([`SEED_DOCUMENT: ${file} does not exist, and the store is empty (set SEED_DOCUMENT= to start without a programme)`]);
    throw new ConfigError([`SEED_DOCUMENT: ${file} cannot be read (${code ?? String(error)})`]);
  }
}

/** What the seed's import records carry as their correlation id: how a log the seed began is known. */
const seedCorrelation = (programmeId: string) => `seed:${programmeId}`;

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
