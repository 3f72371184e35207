import { v5 as uuidv5 } from 'uuid';
import { todayInKyiv } from '../../common/clock';
import { lockOn } from '../../common/cross-stream.locks';
import { type DomainError, isDomainError } from '../../common/domain-error';
import { decide as decideDecision, decisionStream, type DecisionCommand, initialDecision } from '../../decision/domain/decision.decider';
import { decisionFold } from '../../decision/decision.fold';
import { decide as decideExecutor, executorIdFor, executorStream, nameAt, normalizeExecutorName, statusOn } from '../../executor/domain/executor.decider';
import { executorFold } from '../../executor/executor.fold';
import { actLocks, type RegisteredDecision } from '../../decision/decisions.projection';
import type { KnownExecutor } from '../../executor/executors.projection';
import { AggregateRepository, type CommandContext, keyReused, type NewEvent, type StreamFold, writtenByLaterVersion } from '../../event-store/aggregate.repository';
import type { Position } from '../../event-store/event-store.port';
import { fromDomainError, ProblemException, type ProblemItem } from '../../http/problem';
import type { InitialWording, ProgrammeCommand } from '../domain/programme.commands';
import { decide } from '../domain/programme.decider';
import { programmeStream } from '../domain/programme.events';
import { EMPTY_TIMELINE } from '../domain/timeline';
import { programmeFold, withProgrammeMetadata } from '../write/programme.fold';
import type { Annex, AnnexProblem } from './annex.model';
import { readAnnex } from './annex.reader';

const IMPORT_NAMESPACE = '0c8f4b1e-3d2a-4e6b-8f7c-5a9d1e2b3c4d';

export interface ImportRequest {
  readonly programmeId: string;
  readonly decisionId?: string;
  readonly document: string;
}

/** A document read, and what reading it warned of. */
export interface ReadDocument {
  readonly request: ImportRequest;
  readonly annex: Annex;
  readonly warnings: readonly AnnexProblem[];
}

export interface ImportResult {
  readonly programmeId: string;
  readonly decisionId: string;
  readonly revision: number;
  readonly position: Position;
  readonly warnings: readonly AnnexProblem[];
  readonly executorsRegistered: number;
  readonly replayed: boolean;
}

/** Where an import looks up what a document names that every programme shares: its units and its approving act. */
export interface ImportDirectory {
  /** The executor that bears the name, or bore it before a rename. */
  holderOf(name: string): KnownExecutor | undefined;
  /** The decision registered as this act (the council's number on that date). */
  sameAct(act: Pick<RegisteredDecision, 'council' | 'number' | 'adoptedOn'>): RegisteredDecision | undefined;
  /**
   * The programme an import with this Idempotency-Key registered, if any. Whoever sent it: a key names one request
   * to an address, as the store's own replay of a stream's appends takes it.
   */
  importedWithKey(idempotencyKey: string): string | undefined;
}

/** For a store known to hold nothing yet (the first start, a benchmark's fresh store). */
export const EMPTY_DIRECTORY: ImportDirectory = { holderOf: () => undefined, sameAct: () => undefined, importedWithKey: () => undefined };

/**
 * Turns an annex into the programme's first amendment. Everything is checked before anything is written:
 * the document reads, the programme is new, the decision exists, and the wording passes the decider.
 * Ids are derived from the document (section number, measure number, executor name), so the same
 * document always yields the same programme. What the directory knows already keeps its id: a unit known by
 * that name, current or former (a document written with a unit's old name names the same unit), and the act
 * its header cites.
 */
export class AnnexImporter {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly directory: ImportDirectory,
  ) {}

  async import(request: ImportRequest, context: CommandContext): Promise<ImportResult> {
    return this.register(this.read(request), context);
  }

  /** The document read, before anything it names is looked up: a 400 for one that cannot be. */
  read(request: ImportRequest): ReadDocument {
    const reading = readAnnex(request.document);
    if (!reading.ok) {
      throw new ProblemException(
        400,
        'UnreadableAnnex',
        `the document could not be read: ${reading.errors.length} line(s) could not be placed`,
        reading.errors.map((e) => ({ path: '$.document', code: 'UnplacedLine', message: `line ${e.line}: ${e.message}`, line: e.line })),
      );
    }
    return { request, annex: reading.annex, warnings: reading.warnings };
  }

  /**
   * What the import's rules across streams are about (CrossStreamLocks), as the directory knows them now: its
   * Idempotency-Key (one import per key, found in the read models), its approving act and decision, and each unit it
   * names, by name and as the unit found or to be registered. Found again once held (holdFound), and checked under them.
   */
  locksOf({ request, annex }: ReadDocument, idempotencyKey: string | undefined): string[] {
    // A unit once per name, however many measures name it: each is looked up in the directory.
    const named = new Map(namedExecutors(annex).map(({ name }) => [normalizeExecutorName(name), name]));
    const units = [...named].flatMap(([normalized, name]) => [lockOn.executorName(normalized), lockOn.executor(this.directory.holderOf(name)?.id ?? executorIdFor(name))]);
    const keyed = idempotencyKey === undefined ? [] : [lockOn.importKey(idempotencyKey)];
    const header = annex.decision;
    if (request.decisionId || !header) return [...keyed, ...units, ...(request.decisionId ? [lockOn.decision(request.decisionId)] : [])];
    return [...keyed, ...units, ...actLocks(header), lockOn.decision(this.directory.sameAct(header)?.id ?? headerDecisionId(header))];
  }

  /** Checks the document against the store and the directory, and writes it: its act and new units, then the programme. */
  async register({ request, annex, warnings: readingWarnings }: ReadDocument, context: CommandContext): Promise<ImportResult> {
    const stream = programmeStream(request.programmeId);
    const existing = await this.repository.load(stream, programmeFold);
    const replay = context.idempotencyKey ? existing.idempotent.get(context.idempotencyKey) : undefined;
    if (existing.revision >= 0 && !replay) {
      throw new ProblemException(409, 'ProgrammeAlreadyRegistered', `programme ${request.programmeId} is already registered; amend it instead`, [
        { path: '$.programmeId', code: 'ProgrammeAlreadyRegistered', message: `programme ${request.programmeId} exists` },
      ]);
    }
    // Refused before the directory entries are written: a key reused for another document must write nothing.
    // Keys are kept per stream, and every import goes to the same address: one that registered another
    // programme is found in the read models.
    const keyedProgramme = context.idempotencyKey && this.directory.importedWithKey(context.idempotencyKey);
    if ((replay && replay.requestHash !== context.requestHash) || (keyedProgramme && keyedProgramme !== request.programmeId)) throw fromDomainError(keyReused());

    const decision = await this.decisionFor(request, annex);
    const executors = this.executorsOf(annex, decision.facts.effectiveFrom);
    const warnings = [...readingWarnings, ...decision.warnings, ...executors.warnings].sort((a, b) => a.line - b.line);
    const wording = wordingOf(request.programmeId, annex, (name) => (executors.byName.get(normalizeExecutorName(name)) as ExecutorRef).id);
    const command: ProgrammeCommand = {
      type: 'RegisterProgramme',
      data: { programmeId: request.programmeId, amendmentId: uuidv5(`${request.programmeId}/initial`, IMPORT_NAMESPACE), decision: decision.facts, wording },
    };
    const dryRun = decide(command, EMPTY_TIMELINE);
    if (isDomainError(dryRun)) throw wordingProblem(dryRun, annex);

    if (decision.register) await this.write(decisionStream(decision.facts.id), decisionFold, context, (state) => decideDecision(decision.register as DecisionCommand, state));
    let executorsRegistered = 0;
    for (const { id: executorId, known, name } of executors.byName.values()) {
      if (known) continue;
      const written = await this.write(executorStream(executorId), executorFold, context, (state) =>
        state.status === 'unknown' ? decideExecutor({ type: 'RegisterExecutor', data: { executorId, name } }, state) : [],
      );
      if (written) executorsRegistered += 1;
    }

    const outcome = await this.repository.execute(stream, programmeFold, context, (timeline) => {
      const decided = decide(command, timeline);
      return isDomainError(decided) ? decided : withProgrammeMetadata(decided, timeline);
    });
    if (isDomainError(outcome)) throw fromDomainError(outcome, ['document']);
    return {
      programmeId: request.programmeId,
      decisionId: decision.facts.id,
      revision: outcome.revision,
      position: outcome.position,
      warnings,
      executorsRegistered,
      replayed: outcome.replayed,
    };
  }

  /**
   * Each unit the document names, by its normalised name: the directory's executor that bears or bore the name,
   * else a new one. A unit retired by the programme's effective date cannot carry its measures; one named by a
   * name it does not bear on that date is taken, with a warning.
   */
  private executorsOf(annex: Annex, effectiveFrom: string): { byName: Map<string, ExecutorRef>; warnings: AnnexProblem[] } {
    const byName = new Map<string, ExecutorRef>();
    const warnings: AnnexProblem[] = [];
    const retired: ProblemItem[] = [];
    for (const { name, line } of namedExecutors(annex)) {
      const normalized = normalizeExecutorName(name);
      const seen = byName.get(normalized);
      // A list's first unit is capitalised because the cell (or the item) opens with it ("Відділ культури, …"): the
      // unit's own spelling is the one written mid-list ("…, відділ культури"), where the document has one.
      if (seen && !seen.known && startsLowerCase(name) && !startsLowerCase(seen.name)) byName.set(normalized, { ...seen, name });
      if (seen) continue;
      const holder = this.directory.holderOf(name);
      byName.set(normalized, holder ? { id: holder.id, known: true, name } : { id: executorIdFor(name), known: false, name });
      if (!holder) continue;
      if (statusOn(holder, effectiveFrom) === 'retired') {
        const message = `line ${line}: "${name}" is executor ${holder.id}, retired from ${holder.retiredFrom}`;
        retired.push({ path: '$.document', code: 'ExecutorRetired', message, line, executorId: holder.id });
        continue;
      }
      const then = nameAt(holder, effectiveFrom);
      if (normalizeExecutorName(then) !== normalized) warnings.push({ line, message: `"${name}" is executor ${holder.id}, named "${then}" on ${effectiveFrom}` });
    }
    if (retired.length > 0) throw new ProblemException(409, 'ExecutorRetired', `${retired.length} unit(s) the document names are retired by ${effectiveFrom}`, retired);
    return { byName, warnings };
  }

  /** The decision as its stream holds it; refused (WrittenByLaterVersion) when the stream holds what a later version wrote. */
  private async decisionState(decisionId: string) {
    const loaded = await this.repository.load(decisionStream(decisionId), decisionFold);
    const laterVersion = writtenByLaterVersion(decisionStream(decisionId), loaded);
    if (laterVersion) throw fromDomainError(laterVersion);
    return loaded.state;
  }

  /** A decision named by id must exist; otherwise the one in the document's header is registered (once). */
  private async decisionFor(request: ImportRequest, { decision: header, unreadDecision, titleAsCited }: Annex) {
    if (request.decisionId) {
      const state = await this.decisionState(request.decisionId);
      if (state.status !== 'registered') {
        throw new ProblemException(404, 'DecisionNotFound', `no decision ${request.decisionId}`, [{ path: '$.decisionId', code: 'DecisionNotFound', message: 'register the decision first, or leave decisionId out to take it from the document' }]);
      }
      return { facts: { id: state.id, effectiveFrom: state.effectiveFrom }, register: undefined, warnings: [] };
    }
    if (unreadDecision) {
      const message = `line ${unreadDecision.line}: ${unreadDecision.message}: correct it (a date as 22.02.2024 that exists, "№" before the number), or pass decisionId`;
      throw new ProblemException(400, 'DecisionUnreadable', 'the document’s header cites its approving decision in a form that cannot be read', [
        { path: '$.document', code: 'DecisionUnreadable', message, line: unreadDecision.line },
      ]);
    }
    if (!header) {
      throw new ProblemException(400, 'DecisionMissing', 'the document names no approving decision in its header; pass decisionId', [
        { path: '$.decisionId', code: 'DecisionMissing', message: 'required when the document has no "Додаток … до рішення … від …" header' },
      ]);
    }
    // The act registered already (through the API, under an id of its own) is the one the document means.
    const registered = this.directory.sameAct(header);
    if (registered) {
      // Number and date make the act; a session or convocation cited otherwise is a slip in one of the two places.
      const differs = registered.session !== header.session || registered.convocation !== header.convocation;
      const warning = { line: header.line, message: `the header cites session ${header.session} of convocation ${header.convocation}; the act № ${registered.number} of ${registered.adoptedOn} is registered as session ${registered.session} of convocation ${registered.convocation} (decision ${registered.id}), and is taken` };
      return { facts: { id: registered.id, effectiveFrom: registered.effectiveFrom }, register: undefined, warnings: differs ? [warning] : [] };
    }
    const decisionId = headerDecisionId(header);
    const state = await this.decisionState(decisionId);
    const register: DecisionCommand | undefined =
      state.status === 'registered'
        ? undefined
        : {
            type: 'RegisterDecision',
            today: todayInKyiv(),
            data: {
              decisionId,
              council: header.council,
              convocation: header.convocation,
              session: header.session,
              number: header.number,
              adoptedOn: header.adoptedOn,
              title: `Про затвердження ${titleAsCited}`,
            },
          };
    // Refused before anything is written, at the header's line: the request itself has no decision fields.
    const refused = register && decideDecision(register, initialDecision);
    if (isDomainError(refused)) {
      const problems = refused.problems.map((p) => ({ path: '$.document', code: p.code, message: `line ${header.line}: ${p.message}`, line: header.line }));
      throw new ProblemException(400, refused.code, refused.message, problems);
    }
    return { facts: { id: decisionId, effectiveFrom: state.status === 'registered' ? state.effectiveFrom : header.adoptedOn }, register, warnings: [] };
  }

  /** Appends what the decider decides; false when it decides nothing (already registered). */
  private async write<S>(stream: string, fold: StreamFold<S>, context: CommandContext, decideFn: (state: S) => readonly NewEvent[] | DomainError): Promise<boolean> {
    // Shared directory entries are not part of the request's idempotency: they are registered once anyway.
    const outcome = await this.repository.execute(stream, fold, { ...context, idempotencyKey: undefined }, decideFn);
    if (!isDomainError(outcome)) return true;
    if (outcome.code === 'NothingToDo') return false;
    throw fromDomainError(outcome);
  }
}

/** A wording the decider refuses is reported like an unreadable document: by the line of what is wrong. */
function wordingProblem(error: DomainError, annex: Annex): ProblemException {
  return new ProblemException(
    400,
    'InconsistentAnnex',
    `the document reads, but ${error.problems.length} thing(s) in it do not hold together`,
    error.problems.map((p) => {
      const [, s, , d, , m] = p.path ?? [];
      const section = typeof s === 'number' ? annex.sections[s] : undefined;
      const direction = typeof d === 'number' ? section?.directions[d] : undefined;
      const measure = typeof m === 'number' ? direction?.measures[m] : undefined;
      const line = measure?.lines[0] ?? direction?.line ?? section?.line;
      const where = measure ? `line ${line} (measure ${measure.number})` : line !== undefined ? `line ${line}` : 'the document';
      return { path: '$.document', code: p.code, message: `${where}: ${p.message}`, ...(line !== undefined ? { line } : {}) };
    }),
  );
}

interface ExecutorRef {
  readonly id: string;
  /** In the directory already: nothing to register. */
  readonly known: boolean;
  /** How the document writes the unit, in lower case where it ever does: the name a new executor is registered under. */
  readonly name: string;
}

const startsLowerCase = (name: string) => /^\p{Ll}/u.test(name);

/** The id of a decision registered from a document's header: the same header always gives the same decision. */
function headerDecisionId(header: NonNullable<Annex['decision']>): string {
  return uuidv5(`${header.council}|${header.convocation}|${header.session}|${header.adoptedOn}|${header.number ?? ''}`, IMPORT_NAMESPACE);
}

/** Every mention of a unit, in document order, with the first line of its measure. */
function namedExecutors(annex: Annex): { name: string; line: number }[] {
  return annex.sections.flatMap((s) => s.directions.flatMap((d) => d.measures.flatMap((m) => m.executors.map((name) => ({ name, line: m.lines[0] })))));
}

export function wordingOf(programmeId: string, annex: Annex, executorId: (name: string) => string): InitialWording {
  const id = (path: string) => uuidv5(`${programmeId}/${path}`, IMPORT_NAMESPACE);
  return {
    title: annex.title,
    community: annex.community,
    period: annex.period,
    sections: annex.sections.map((section) => ({
      sectionId: id(`section/${section.number}`),
      number: section.number,
      title: section.title,
      directions: section.directions.map((direction, d) => ({
        directionId: id(`section/${section.number}/direction/${d + 1}`),
        number: direction.number,
        title: direction.title,
        measures: direction.measures.map((measure) => ({
          measureId: id(`measure/${measure.number}`),
          number: measure.number,
          title: measure.title,
          term: measure.term,
          executorIds: [...new Set(measure.executors.map(executorId))],
          funding: measure.fundingSources.map((f) => ({ source: f.source, allocations: f.allocations })),
          expectedResults: measure.expectedResults,
        })),
      })),
    })),
  };
}
