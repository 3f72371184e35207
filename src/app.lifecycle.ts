import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Logger } from 'pino';
import { CONFIG, type Config, ConfigError } from './config/config.schema';
import type { DataFilesLock } from './config/data-files.lock';
import { EventStoreUnavailableError } from './event-store/event-store.errors';
import { comparePositions, EVENT_STORE, type EventStore, START } from './event-store/event-store.port';
import { ProblemException } from './http/problem';
import { programmeStream } from './programme/domain/programme.events';
import { DocxPacker } from './programme/export/docx.packer';
import { AnnexImporter } from './programme/import/annex.importer';
import { ProjectionRunner, retryDelay } from './projections/projection.runner';
import { ReadModelDb } from './projections/read-model.db';

export const LOGGER = Symbol('LOGGER');
export const DATA_FILES_LOCK = Symbol('DATA_FILES_LOCK');
export const ON_START_FAILED = Symbol('ON_START_FAILED');

/** Starts the read models when the app starts, imports the seed into an empty store, and closes everything on shutdown. */
@Injectable()
export class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
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
