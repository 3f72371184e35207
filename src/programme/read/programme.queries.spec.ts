import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { isDomainError } from '../../common/domain-error';
import { BUNDLED_SEED } from '../../config/config.schema';
import { AggregateRepository, type CommandContext } from '../../event-store/aggregate.repository';
import { type Position, readWholeStream, type RecordedEvent } from '../../event-store/event-store.port';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store';
import { ProjectionRunner } from '../../projections/projection.runner';
import { createProjections } from '../../projections/projections.factory';
import { ReadModelDb } from '../../projections/read-model.db';
import { type Kopecks } from '../domain/money';
import type { Change, ProgrammeCommand } from '../domain/programme.commands';
import { decide } from '../domain/programme.decider';
import { programmeStream } from '../domain/programme.events';
import type { ProgrammeContent } from '../domain/programme.types';
import { type AmendmentRecord, compareEffective, EMPTY_TIMELINE, evolveTimeline, fold, inForce, type ProgrammeTimeline, viewAt } from '../domain/timeline';
import { programmeTotals } from '../domain/totals';
import { AnnexImporter, EMPTY_DIRECTORY } from '../import/annex.importer';
import { programmeFold, withProgrammeMetadata } from '../write/programme.fold';
import { ProgrammeQueries } from './programme.queries';
import { SNAPSHOT_EVERY } from './programmes.projection';
import { formatTotals } from './programme.view';

/**
 * The read side against the reference semantics: whatever the projection caches (versions, bitemporal
 * snapshots every SNAPSHOT_EVERY versions), `ProgrammeQueries.content` must give what `viewAt` folds from
 * the stream itself, on both axes. Histories are random: retroactive and same-date amendments, revocations,
 * restarts of the read side, record times that collide (the store moves them apart) or lie days apart.
 */

const PROGRAMME = 'korosten-self-government-2024-2026';
const DOCUMENT = readFileSync(BUNDLED_SEED, 'utf8');
const SEED_CONTEXT: CommandContext = { correlationId: 'seed', actor: 'seed' };
const WRITER: CommandContext = { correlationId: 'property', actor: 'secretariat:property' };
const SOURCE = 'Бюджет Коростенської міської територіальної громади';
const DAY_MS = 86_400_000;
/** The approving decision is effective 2024-02-22; amendments land up to three years later. */
const LAST_DAY_OFFSET = 3 * 365;
const THOUSAND = 100_000;
const RUNS = 16;

type DatePick = { readonly reuse: number } | { readonly day: number };

type ChangeIntent =
  | { readonly op: 'set'; readonly measure: number; readonly year: number; readonly amount: number | null }
  | { readonly op: 'reword'; readonly measure: number; readonly title: number }
  | { readonly op: 'add'; readonly direction: number; readonly amount: number }
  | { readonly op: 'remove'; readonly measure: number };

/** What the secretariat does next, as picks that are resolved against the programme when it happens. */
type Intent =
  | { readonly kind: 'amend'; readonly date: DatePick; readonly changes: readonly ChangeIntent[]; readonly pauseMs: number; readonly project: boolean }
  | { readonly kind: 'revoke'; readonly pick: number; readonly pauseMs: number; readonly project: boolean }
  | { readonly kind: 'restart' };

/** Record time between writes: the same instant (the store moves it 1 ms on), a moment, a second, a day. */
const pause = fc.constantFrom(0, 0, 1, 7, 1000, DAY_MS);
/** After a write the read side either catches up, or sees it in one batch with the next writes. */
const project = fc.boolean();

const changeIntent: fc.Arbitrary<ChangeIntent> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), measure: fc.nat(), year: fc.nat(), amount: fc.option(fc.integer({ min: 0, max: 500_000 }), { freq: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reword' as const), measure: fc.nat(), title: fc.nat(999) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const), direction: fc.nat(), amount: fc.integer({ min: 0, max: 500_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), measure: fc.nat() }) },
);

const datePick: fc.Arbitrary<DatePick> = fc.oneof(
  // The same date as an earlier amendment: ties are broken by record order.
  { weight: 1, arbitrary: fc.record({ reuse: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ day: fc.integer({ min: 0, max: LAST_DAY_OFFSET }) }) },
);

const intent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ kind: fc.constant('amend' as const), date: datePick, changes: fc.array(changeIntent, { minLength: 1, maxLength: 3 }), pauseMs: pause, project }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat(), pauseMs: pause, project }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

/** Query points, as picks among the history's own instants and dates, or anywhere around them. */
interface Probe {
  readonly asOf: { readonly effective: number; readonly shift: -1 | 0 } | { readonly day: number };
  readonly knownAt: { readonly recorded: number; readonly shiftMs: -1 | 0 | 1 } | { readonly fraction: number } | null;
}

const probe: fc.Arbitrary<Probe> = fc.record({
  asOf: fc.oneof(fc.record({ effective: fc.nat(), shift: fc.constantFrom(-1 as const, 0 as const) }), fc.record({ day: fc.integer({ min: -30, max: LAST_DAY_OFFSET + 30 }) })),
  knownAt: fc.oneof(
    fc.record({ recorded: fc.nat(), shiftMs: fc.constantFrom(-1 as const, 0 as const, 1 as const) }),
    fc.record({ fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.constant(null),
  ),
});

const history = fc.record({
  intents: fc.array(intent, { minLength: 60, maxLength: 100 }),
  probes: fc.array(probe, { minLength: 150, maxLength: 150 }),
});

/** What the runs covered, so that a generator that stops producing long histories fails the suite. */
const coverage = { runs: 0, versions: [] as number[], retroactive: 0, revoked: 0, restarts: 0, superseded: 0 };

class Clock {
  private ms = Date.parse('2025-06-02T07:00:00.000Z');
  readonly now = () => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The programme, a store, and the read side fed by the projection runner, as the server wires them. */
class World {
  readonly clock = new Clock();
  readonly store = new SqliteEventStore({ filename: ':memory:', now: this.clock.now });
  readonly repository = new AggregateRepository(this.store);
  readonly readModels = new ReadModelDb(':memory:');
  private projections = createProjections();
  private runner = this.startRunner();
  private last: Position | undefined;
  private serial = 0;

  async seed(): Promise<void> {
    const result = await new AnnexImporter(this.repository, EMPTY_DIRECTORY).import({ programmeId: PROGRAMME, document: DOCUMENT }, SEED_CONTEXT);
    await this.caughtUp(result.position);
  }

  async timeline(): Promise<ProgrammeTimeline> {
    return (await this.repository.load(programmeStream(PROGRAMME), programmeFold)).state;
  }

  /** Decides with the domain's own decider and appends; false when the decider refuses (a conflict, say). */
  async write(command: (timeline: ProgrammeTimeline) => ProgrammeCommand | undefined, pauseMs: number, project: boolean): Promise<boolean> {
    this.clock.advance(pauseMs);
    let refused = false;
    const outcome = await this.repository.execute(programmeStream(PROGRAMME), programmeFold, WRITER, (timeline) => {
      const made = command(timeline);
      const decided = made === undefined ? undefined : decide(made, timeline);
      refused = decided === undefined || isDomainError(decided);
      return decided === undefined ? [] : isDomainError(decided) ? decided : withProgrammeMetadata(decided, timeline);
    });
    if (refused || isDomainError(outcome)) return false;
    this.last = outcome.position;
    if (project) await this.caughtUp(outcome.position);
    return true;
  }

  /** A new process: fresh projection objects (no memory) resuming from the checkpoint in the same file. */
  async restart(): Promise<void> {
    await this.runner.stop();
    this.projections = createProjections();
    this.runner = this.startRunner();
  }

  async settle(): Promise<void> {
    if (this.last) await this.caughtUp(this.last);
  }

  queries(): ProgrammeQueries {
    return new ProgrammeQueries(this.readModels.db, this.projections.decisions, this.projections.executors);
  }

  nextId(prefix: string): string {
    this.serial += 1;
    return `${prefix}-${this.serial}`;
  }

  /** Everything the stream holds, folded into the reference timeline. */
  async reference(): Promise<{ timeline: ProgrammeTimeline; recorded: string[]; revisionAt: (knownAt: string) => number }> {
    const events: RecordedEvent[] = [];
    for await (const event of readWholeStream(this.store, programmeStream(PROGRAMME))) events.push(event);
    return {
      timeline: evolveTimeline(EMPTY_TIMELINE, events),
      recorded: [...new Set(events.map((e) => e.created))],
      revisionAt: (knownAt) => events.filter((e) => e.created <= knownAt).reduce((revision, e) => Math.max(revision, e.revision), -1),
    };
  }

  async close(): Promise<void> {
    await this.runner.stop();
    await this.store.close();
    this.readModels.close();
  }

  private startRunner(): ProjectionRunner {
    const runner = new ProjectionRunner(this.store, this.readModels, this.projections.all, pino({ level: 'silent' }));
    runner.start();
    return runner;
  }

  private async caughtUp(position: Position): Promise<void> {
    if (!(await this.runner.waitFor(position, 10_000))) throw new Error('the read side did not catch up with the store');
  }
}

const day = (offset: number) => new Date(Date.parse('2024-02-22T00:00:00Z') + offset * DAY_MS).toISOString().slice(0, 10);
const previousDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
const shiftMs = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();
/** Amounts in hundredths of a thousand UAH ("123.45"), as kopecks. */
const hundredths = (n: number) => (n * (THOUSAND / 100)) as Kopecks;
const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

function effectiveDate(date: DatePick, timeline: ProgrammeTimeline): string {
  if ('day' in date) return day(date.day);
  return pick(timeline.amendments, date.reuse)?.effectiveFrom ?? day(0);
}

/** Turns picks into changes that make sense on the programme as it stands on the date (the decider still judges them). */
function changesAt(intents: readonly ChangeIntent[], content: ProgrammeContent, newId: (prefix: string) => string): Change[] {
  const changes: Change[] = [];
  for (const intent of intents) {
    if (intent.op === 'add') {
      const direction = pick(content.directions, intent.direction);
      if (!direction) continue;
      const id = newId('measure');
      const section = content.sections.findIndex((s) => s.id === direction.sectionId) + 1;
      changes.push({
        op: 'addMeasure',
        measureId: id,
        direction: direction.id,
        number: `${section}.${id.split('-')[1]}0`,
        title: `Новий захід ${id}`,
        term: { from: 2025, to: content.period.to },
        executors: [],
        fundingSources: [{ source: SOURCE, allocations: { 2025: hundredths(intent.amount) } }],
        expectedResults: [],
      });
      continue;
    }
    const measure = pick(content.measures, intent.measure);
    if (!measure) continue;
    if (intent.op === 'set') {
      const years = measure.term.to - measure.term.from + 1;
      const source = measure.funding[0]?.source ?? SOURCE;
      changes.push({ op: 'setAllocation', measure: measure.number, year: measure.term.from + (intent.year % years), amount: intent.amount === null ? null : hundredths(intent.amount), fundingSource: source });
    } else if (intent.op === 'reword') {
      changes.push({ op: 'rewordMeasure', measure: measure.id, title: `${measure.title.split(' (ред.')[0]} (ред. ${intent.title})` });
    } else {
      changes.push({ op: 'removeMeasure', measure: measure.id });
    }
  }
  return changes;
}

async function play(world: World, intents: readonly Intent[]): Promise<void> {
  for (const intent of intents) {
    if (intent.kind === 'restart') {
      await world.settle();
      await world.restart();
      coverage.restarts += 1;
      continue;
    }
    if (intent.kind === 'revoke') {
      const revoked = await world.write(
        (timeline) => {
          const target = pick(
            timeline.amendments.filter((a) => !a.initial && a.revoked === null),
            intent.pick,
          );
          return target && { type: 'RevokeAmendment', data: { amendmentId: target.amendmentId, reason: 'помилка введення' } };
        },
        intent.pauseMs,
        intent.project,
      );
      if (revoked) coverage.revoked += 1;
      continue;
    }
    let retroactive = false;
    const amendmentId = world.nextId('amendment');
    const written = await world.write(
      (timeline) => {
        const effectiveFrom = effectiveDate(intent.date, timeline);
        const content = viewAt(timeline, { asOf: effectiveFrom });
        if (!content) return undefined;
        const changes = changesAt(intent.changes, content, (prefix) => world.nextId(prefix));
        if (changes.length === 0) return undefined;
        retroactive = inForce(timeline).some((a) => a.effectiveFrom > effectiveFrom);
        return {
          type: 'RegisterAmendment',
          data: { programmeId: PROGRAMME, amendmentId, decision: { id: `decision-${amendmentId}`, effectiveFrom }, changes, executors: {} },
        };
      },
      intent.pauseMs,
      intent.project,
    );
    if (written && retroactive) coverage.retroactive += 1;
  }
  await world.settle();
}


/** The probes resolved against the history: instants between and at its writes, dates at and between its effective dates. */
function queryPoints(probes: readonly Probe[], timeline: ProgrammeTimeline, recorded: readonly string[]): { asOf: string; knownAt?: string }[] {
  const effective = [...new Set(timeline.amendments.map((a) => a.effectiveFrom))].sort();
  const first = Date.parse(recorded[0]);
  const span = Date.parse(recorded[recorded.length - 1]) - first;
  return probes.map(({ asOf, knownAt }) => {
    const at = 'day' in asOf ? day(asOf.day) : (pick(effective, asOf.effective) as string);
    const date = 'shift' in asOf && asOf.shift === -1 ? previousDay(at) : at;
    if (knownAt === null) return { asOf: date };
    const instant = 'recorded' in knownAt ? shiftMs(pick(recorded, knownAt.recorded) as string, knownAt.shiftMs) : shiftMs(recorded[0], Math.round(knownAt.fraction * (span + 2000)) - 1000);
    return { asOf: date, knownAt: instant };
  });
}

/** The reference for a version: the amendments in force as known at `knownAt`, up to and including `upTo`. */
function versionReference(timeline: ProgrammeTimeline, upTo: AmendmentRecord, knownAt?: string): ProgrammeContent | null {
  return fold(inForce(timeline, knownAt === undefined ? {} : { knownAt }).filter((a) => compareEffective(a, upTo) <= 0));
}

async function checkReadSide(world: World, probes: readonly Probe[]): Promise<void> {
  const { timeline, recorded, revisionAt } = await world.reference();
  const queries = world.queries();
  const content = (query: { asOf: string; knownAt?: string; upTo?: AmendmentRecord }) => queries.content(PROGRAMME, query);

  // As of every date and as known at every write, on each axis alone; and the stream revision (ETag) known then.
  for (const knownAt of recorded.flatMap((instant) => [shiftMs(instant, -1), instant])) {
    expect({ knownAt, content: content({ asOf: '2099-12-31', knownAt }) }).toStrictEqual({ knownAt, content: viewAt(timeline, { asOf: '2099-12-31', knownAt }) });
    expect({ knownAt, revision: queries.revision(PROGRAMME, knownAt) }).toEqual({ knownAt, revision: revisionAt(knownAt) });
  }
  for (const asOf of [...new Set(timeline.amendments.map((a) => a.effectiveFrom))]) {
    for (const date of [asOf, previousDay(asOf)]) {
      expect({ asOf: date, content: content({ asOf: date }) }).toStrictEqual({ asOf: date, content: viewAt(timeline, { asOf: date }) });
    }
  }
  // Both axes at once.
  for (const point of queryPoints(probes, timeline, recorded)) {
    expect({ ...point, content: content(point) }).toStrictEqual({ ...point, content: viewAt(timeline, point) });
  }
  // Every version (what GET …/versions/:decisionId shows), as known now and as known when the version itself was recorded.
  const versions = inForce(timeline);
  const listed = queries.versions(PROGRAMME);
  expect(listed.map((v) => v.amendmentId)).toEqual(versions.map((a) => a.amendmentId));
  versions.forEach((version, i) => {
    const expected = versionReference(timeline, version);
    expect({ version: version.amendmentId, content: content({ asOf: version.effectiveFrom, upTo: version }) }).toStrictEqual({ version: version.amendmentId, content: expected });
    expect({ version: version.amendmentId, content: content({ asOf: version.effectiveFrom, upTo: version, knownAt: version.recordedAt }) }).toStrictEqual({
      version: version.amendmentId,
      content: versionReference(timeline, version, version.recordedAt),
    });
    expect({ version: version.amendmentId, totals: listed[i].totals }).toEqual({ version: version.amendmentId, totals: expected && formatTotals(programmeTotals(expected)) });
  });
  // The version list as known at each write (and just before it): the amendments in force then, the totals after each as folded then.
  for (const knownAt of recorded.flatMap((instant) => [shiftMs(instant, -1), instant])) {
    const known = inForce(timeline, { knownAt });
    expect({ knownAt, versions: queries.versions(PROGRAMME, knownAt).map((v) => ({ id: v.amendmentId, totals: v.totals })) }).toEqual({
      knownAt,
      versions: known.map((version) => {
        const after = versionReference(timeline, version, knownAt);
        return { id: version.amendmentId, totals: after && formatTotals(programmeTotals(after)) };
      }),
    });
  }
  coverage.versions.push(versions.length);
  coverage.superseded += world.readModels.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM programme_snapshots WHERE known_to IS NOT NULL').get()?.n ?? 0;
}

describe('the read side equals the fold of the stream (viewAt) on both time axes', () => {
  it('for random histories with retroactive amendments, revocations and read-side restarts', async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ intents, probes }) => {
        const world = new World();
        try {
          await world.seed();
          await play(world, intents);
          await checkReadSide(world, probes);
          coverage.runs += 1;
        } finally {
          await world.close();
        }
      }),
      // A failing history is reported as found (with its seed and path to replay it): shrinking histories
      // of ~80 writes, each re-run from an empty store, takes many minutes.
      { numRuns: RUNS, endOnFailure: true },
    );

    // The property only means something if the histories were long and varied enough.
    expect(coverage.runs).toBe(RUNS);
    expect(Math.max(...coverage.versions)).toBeGreaterThan(3 * SNAPSHOT_EVERY);
    expect(coverage.versions.filter((n) => n > 2 * SNAPSHOT_EVERY).length).toBeGreaterThanOrEqual(coverage.runs / 2);
    expect(coverage.retroactive).toBeGreaterThanOrEqual(5 * coverage.runs);
    expect(coverage.revoked).toBeGreaterThanOrEqual(coverage.runs);
    expect(coverage.restarts).toBeGreaterThanOrEqual(coverage.runs);
    // snapshots made anew because a retroactive change or a revocation reached them (known_to set)
    expect(coverage.superseded).toBeGreaterThanOrEqual(coverage.runs);
  }, 600_000);
});
