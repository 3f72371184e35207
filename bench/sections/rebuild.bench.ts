import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type EventStore, readWholeLog, type RecordedEvent } from '../../src/event-store/event-store.port';
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
    const progress = startProgress(RUNS * events * (2 + READ_PASSES), 'events');
    try {
      progress.phase('rebuild / readAll / copy');
      const [rebuild, read, copy] = await inTurns(
        RUNS,
        [
          () => rebuildFromStore(history.store, readModelFile, { logger }),
          async () => {
            let count = 0;
            for (let pass = 0; pass < READ_PASSES; pass++) for await (const page of readWholeLog(history.store, undefined, PAGE_SIZE)) count += page.length;
            return count;
          },
          () => copyLog(history.store, join(directory, 'copy.sqlite')),
        ],
        progress,
      );
      // A pass that stopped early would look fast.
      if (rebuild.units !== RUNS * events || read.units !== RUNS * READ_PASSES * events || copy.units !== RUNS * events) {
        throw new Error(`folded ${rebuild.units}, read ${read.units} and copied ${copy.units} events of a log of ${events}`);
      }
      return [
        { name: `rebuild, ${events.toLocaleString('en-US')} events`, value: rebuild.perSecond, limit: read.perSecond, unit: 'events/s', target: TARGET },
        { name: 'floor: read and copy each event', value: copy.perSecond, limit: read.perSecond, unit: 'events/s' },
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
