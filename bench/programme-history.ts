import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDomainError } from '../src/common/domain-error';
import { BUNDLED_SEED } from '../src/config/config.schema';
import { decide as decideDecision, decisionStream } from '../src/decision/domain/decision.decider';
import { decisionFold } from '../src/decision/decision.fold';
import { AggregateRepository, type CommandContext } from '../src/event-store/aggregate.repository';
import type { EventData, JsonObject } from '../src/event-store/event-store.port';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store';
import type { Kopecks } from '../src/programme/domain/money';
import { decide } from '../src/programme/domain/programme.decider';
import { type AllocationSet, type AmendmentRegistered, type ProgrammeEvent, programmeStream } from '../src/programme/domain/programme.events';
import { evolve } from '../src/programme/domain/programme.evolve';
import type { ProgrammeContent } from '../src/programme/domain/programme.types';
import { evolveTimeline, fold, inForce, type ProgrammeTimeline } from '../src/programme/domain/timeline';
import { AnnexImporter, EMPTY_DIRECTORY } from '../src/programme/import/annex.importer';
import { programmeFold, withProgrammeMetadata } from '../src/programme/write/programme.fold';
import type { Progress } from './measure';

/**
 * A long amendment history of the Korosten programme in an in-memory SQLite store (appending ten thousand
 * times to a file with synchronous=FULL would take most of a minute), written the way the server writes
 * it but without the per-command reload: setAllocation changes round the measures and years, effective
 * dates rising from the approval to the end of the period, recorded as the dates pass; one in a hundred
 * amendments is retroactive (decided by the decider against the whole timeline, so it lands where the
 * server would put it).
 */

export const PROGRAMME = 'korosten-self-government-2024-2026';
const FIRST_DAY = Date.parse('2024-03-01T00:00:00Z');
const LAST_DAY = Date.parse('2026-12-15T00:00:00Z');
/** Decisions amend the programme at most monthly, adopted on the 1st; each amendment cites the decision of its month. */
const MONTHS = 34;
const CONTEXT: CommandContext = { correlationId: 'bench', actor: 'secretariat:bench' };

export interface History {
  readonly store: SqliteEventStore;
  readonly amendments: number;
  /** The first and the last record instant of the programme's amendments. */
  readonly recorded: { readonly from: number; readonly to: number };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function buildHistory(amendments: number, progress: Progress, random: () => number): Promise<History> {
  const span = LAST_DAY - FIRST_DAY;
  let clock = FIRST_DAY + 9 * 3_600_000;
  const store = new SqliteEventStore({ filename: ':memory:', now: () => new Date(clock) });
  const repository = new AggregateRepository(store);
  await new AnnexImporter(repository, EMPTY_DIRECTORY).import({ programmeId: PROGRAMME, document: readFileSync(BUNDLED_SEED, 'utf8') }, CONTEXT);

  const decisions: { id: string; effectiveFrom: string }[] = [];
  // The history runs to LAST_DAY on a clock of its own: its decisions are adopted by then, whatever the real date.
  for (let month = 0; month < MONTHS; month++) {
    const id = randomUUID();
    const adoptedOn = isoDay(Date.UTC(2024, 2 + month, 1));
    const command = { type: 'RegisterDecision' as const, today: isoDay(LAST_DAY), data: { decisionId: id, council: 'Коростенська міська рада', convocation: 'VIII', session: 32 + month, number: `${1000 + month}`, adoptedOn, title: 'Про внесення змін до Програми' } };
    const outcome = await repository.execute(decisionStream(id), decisionFold, CONTEXT, (state) => decideDecision(command, state));
    if (isDomainError(outcome)) throw new Error(outcome.message);
    decisions.push({ id, effectiveFrom: adoptedOn });
  }

  const stream = programmeStream(PROGRAMME);
  const loaded = await repository.load(stream, programmeFold);
  let timeline: ProgrammeTimeline = loaded.state;
  let revision = loaded.revision;
  /** The programme after the last amendment in effective order: what a new, non-retroactive amendment replaces. */
  let end = fold(inForce(timeline)) as ProgrammeContent;
  const retroactiveEvery = Math.min(100, amendments);
  // The set-up above shares one instant (the store moves each append 1 ms on): knownAt starts clear of it.
  clock += 3_600_000;
  const recordedFrom = clock;

  for (let i = 0; i < amendments; i++) {
    clock += span / amendments;
    const retroactive = i % retroactiveEvery === retroactiveEvery >> 1;
    const effectiveDay = retroactive ? FIRST_DAY + Math.floor(random() * (clock - FIRST_DAY)) : clock;
    const effectiveFrom = isoDay(effectiveDay);
    // The month's decision: an amendment takes effect no earlier than its decision.
    const decision = decisions.findLast((d) => d.effectiveFrom <= effectiveFrom) ?? decisions[0];
    const measure = end.measures[i % end.measures.length];
    const year = measure.term.from + (Math.floor(i / end.measures.length) % (measure.term.to - measure.term.from + 1));
    const amount = (Math.floor(random() * 50_000) * 1000) as Kopecks;
    const amendmentId = randomUUID();

    let events: ProgrammeEvent[];
    if (retroactive) {
      const decided = decide(
        {
          type: 'RegisterAmendment',
          data: { programmeId: PROGRAMME, amendmentId, decision: { id: decision.id, effectiveFrom }, effectiveFrom, changes: [{ op: 'setAllocation', measure: measure.id, year, amount }], executors: {} },
        },
        timeline,
      );
      if (isDomainError(decided)) throw new Error(decided.message);
      events = decided;
    } else {
      const source = measure.funding[0].source;
      const was = measure.funding[0].allocations[String(year)] ?? null;
      const header: AmendmentRegistered = { type: 'AmendmentRegistered', data: { amendmentId, programmeId: PROGRAMME, decisionId: decision.id, effectiveFrom, note: null, initial: false, changeCount: 1 } };
      const change: AllocationSet = { type: 'AllocationSet', data: { measureId: measure.id, year, source, amount, was } };
      events = [header, change];
    }

    const causationId = randomUUID();
    const data: EventData[] = withProgrammeMetadata(events, timeline).map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data as JsonObject,
      metadata: { $correlationId: CONTEXT.correlationId, $causationId: causationId, actor: CONTEXT.actor, ...event.metadata },
    }));
    const result = await store.appendToStream(stream, data, { expectedRevision: revision });
    const written = await store.readStream(stream, { fromRevision: revision + 1, maxCount: data.length });
    revision = result.nextExpectedRevision;
    timeline = evolveTimeline(timeline, written);
    // A retroactive change reaches the end of the timeline only where nothing later sets the same cell.
    end = retroactive ? (fold(inForce(timeline)) as ProgrammeContent) : events.slice(1).reduce<ProgrammeContent>((content, event) => evolve(content, event as AllocationSet) as ProgrammeContent, end);
    progress.advance(1);
  }
  return { store, amendments, recorded: { from: recordedFrom, to: clock } };
}

/** The same histories and query points on every run (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
