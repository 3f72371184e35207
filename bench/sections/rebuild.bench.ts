import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type EventStore, readWholeLog, type RecordedEvent } from '../../src/event-store/event-store.port';
import { programmeEventOf, programmeIdOf, type ProgrammeChange } from '../../src/programme/domain/programme.events';
import { evolve } from '../../src/programme/domain/programme.evolve';
import type { ProgrammeContent } from '../../src/programme/domain/programme.types';
import { programmeTotals, type Totals } from '../../src/programme/domain/totals';
import { rebuildFromStore } from '../../src/projections/rebuild';
import { inTurns, startProgress } from '../measure';
import { buildHistory, seededRandom } from '../programme-history';
import type { Figure, Section } from '../section';

const AMENDMENTS = 10_000;
const RUNS = 3;
/** The runner reads the log in pages of this size; the limit reads it the same way. */
const PAGE_SIZE = 1000;
/** One read of the log takes a fraction of a rebuild: too short to time steadily on its own. */
const READ_PASSES = 5;
const TARGET = 0.5;

export const rebuildSection: Section = {
  name: 'rebuild',
  description: [
    `what \`npm run rebuild\` does once its store is open (fold the whole log into every read model — decisions, executors, programmes with versions, snapshots, audit — in a fresh file without a journal, then swap it in)`,
    `over the log of ${AMENDMENTS.toLocaleString('en-US')} amendments of the Korosten programme (one setAllocation each: 2 events; 1 in 100 retroactive) in an in-memory store,`,
    `into a read-model file under ${tmpdir()};`,
    `limit: SqliteEventStore.readAll of the same log in pages of ${PAGE_SIZE} (the runner's own reads, and nothing else), ${READ_PASSES} passes a turn;`,
    `floor: the same reads, each event copied as one row (its stream, revision, type and JSON) into a file opened like the rebuild's, nothing folded: what writing anything per event costs;`,
    `fold only: the same reads, each amendment folded with the domain's evolve onto the programme before it in record order, with its totals, nothing written: what any read side that keeps totals per version costs before it writes a row;`,
    `${RUNS} turns each, taking turns.`,
  ].join('\n'),
  async run(): Promise<Figure[]> {
    const building = startProgress(AMENDMENTS, 'amendments');
    building.phase('history');
    const history = await buildHistory(AMENDMENTS, building, seededRandom(20250301)).finally(() => building.stop());
    const directory = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
    const readModelFile = join(directory, 'read-models.sqlite');
    const logger = pino({ level: 'silent' });
    // The store numbers its events 1, 2, 3…: the head position is the length of the log.
    const events = (await history.store.headPosition()).commit;
    const progress = startProgress(RUNS * events * (3 + READ_PASSES), 'events');
    try {
      progress.phase('rebuild / readAll / copy / fold');
      const [rebuild, read, copy, folded] = await inTurns(
        RUNS,
        [
          () => rebuildFromStore(history.store, readModelFile, { logger }),
          async () => {
            let count = 0;
            for (let pass = 0; pass < READ_PASSES; pass++) for await (const page of readWholeLog(history.store, undefined, PAGE_SIZE)) count += page.length;
            return count;
          },
          () => copyLog(history.store, join(directory, 'copy.sqlite')),
          async () => {
            const { events: folded, versions } = await foldLog(history.store);
            // The initial wording and every amendment: a fold that skipped some would look fast.
            if (versions !== history.amendments + 1) throw new Error(`the fold made ${versions} versions of ${history.amendments + 1}`);
            return folded;
          },
        ],
        progress,
      );
      // A pass that stopped early would look fast.
      if (rebuild.units !== RUNS * events || read.units !== RUNS * READ_PASSES * events || copy.units !== RUNS * events || folded.units !== RUNS * events) {
        throw new Error(`rebuilt ${rebuild.units}, read ${read.units}, copied ${copy.units} and folded ${folded.units} events of a log of ${events}`);
      }
      return [
        { name: `rebuild, ${events.toLocaleString('en-US')} events`, value: rebuild.perSecond, limit: read.perSecond, unit: 'events/s', target: TARGET },
        { name: 'floor: read and copy each event', value: copy.perSecond, limit: read.perSecond, unit: 'events/s' },
        { name: 'fold only: read and fold, nothing written', value: folded.perSecond, limit: read.perSecond, unit: 'events/s' },
      ];
    } finally {
      progress.stop();
      await history.store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

/**
 * The least a rebuild can do: read the log as the runner does and write one row per event, in a file opened
 * the way the rebuild opens its own (no journal, no syncs), one transaction per page.
 */
async function copyLog(store: EventStore, file: string): Promise<number> {
  rmSync(file, { force: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE events (stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (stream, revision))');
    const insert = db.prepare<[string, number, string, string]>('INSERT INTO events (stream, revision, type, data) VALUES (?, ?, ?, ?)');
    const copy = db.transaction((page: readonly RecordedEvent[]) => {
      for (const event of page) insert.run(event.streamName, event.revision, event.type, JSON.stringify(event.data));
    });
    let count = 0;
    for await (const page of readWholeLog(store, undefined, PAGE_SIZE)) {
      copy(page);
      count += page.length;
    }
    return count;
  } finally {
    db.close();
  }
}

/**
 * The least a read side with totals per version computes: the runner's reads, each programme's appends gathered
 * and folded in record order (a retroactive amendment lands at the end here, not where it takes effect, so this
 * only underestimates), the totals after each; nothing is written; the totals are kept in memory, as a projection would keep them until written.
 */
async function foldLog(store: EventStore): Promise<{ events: number; versions: number }> {
  const contents = new Map<string, ProgrammeContent | null>();
  /** `read`: the append's events after its header, a type this code does not know among them (the projection counts it so). */
  const open = new Map<string, { changes: ProgrammeChange[]; read: number; expected: number }>();
  const totals: Totals[] = [];
  let count = 0;
  for await (const page of readWholeLog(store, undefined, PAGE_SIZE)) {
    count += page.length;
    for (const stored of page) {
      const programmeId = programmeIdOf(stored.streamName);
      const event = programmeEventOf(stored);
      if (programmeId === undefined || event?.type === 'AmendmentRevoked') continue;
      if (event?.type === 'AmendmentRegistered') {
        open.set(programmeId, { changes: [], read: 0, expected: event.data.changeCount });
        continue;
      }
      const append = open.get(programmeId);
      if (!append) continue;
      append.read += 1;
      if (event) append.changes.push(event);
      if (append.read < append.expected) continue;
      open.delete(programmeId);
      const content = append.changes.reduce<ProgrammeContent | null>((before, change) => evolve(before, change), contents.get(programmeId) ?? null);
      contents.set(programmeId, content);
      if (content) totals.push(programmeTotals(content));
    }
  }
  return { events: count, versions: totals.length };
}
