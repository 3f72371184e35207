import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readWholeLog } from '../../src/event-store/event-store.port';
import { ProjectionRunner } from '../../src/projections/projection.runner';
import { createProjections } from '../../src/projections/projections.factory';
import { ReadModelDb } from '../../src/projections/read-model.db';
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
    `ProjectionRunner.rebuild (drop every read model, fold the whole log: decisions, executors, programmes with versions, snapshots, audit)`,
    `over the log of ${AMENDMENTS.toLocaleString('en-US')} amendments of the Korosten programme (one setAllocation each: 2 events; 1 in 100 retroactive) in an in-memory store,`,
    `into a read-model file under ${tmpdir()} built as \`npm run rebuild\` builds it (a fresh file, no journal, swapped in at the end);`,
    `limit: SqliteEventStore.readAll of the same log in pages of ${PAGE_SIZE} (the runner's own reads, and nothing else), ${READ_PASSES} passes a turn;`,
    `${RUNS} turns each, taking turns.`,
  ].join('\n'),
  async run(): Promise<Figure[]> {
    const building = startProgress(AMENDMENTS, 'amendments');
    building.phase('history');
    const history = await buildHistory(AMENDMENTS, building, seededRandom(20250301)).finally(() => building.stop());
    const directory = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
    const readModels = new ReadModelDb(join(directory, 'read-models.sqlite'), { bulk: true });
    // The store numbers its events 1, 2, 3…: the head position is the length of the log.
    const events = (await history.store.headPosition()).commit;
    const progress = startProgress(RUNS * events * (1 + READ_PASSES), 'events');
    try {
      progress.phase('rebuild / readAll');
      const runner = new ProjectionRunner(history.store, readModels, createProjections().all, pino({ level: 'silent' }));
      const [rebuild, read] = await inTurns(
        RUNS,
        [
          () => runner.rebuild(),
          async () => {
            let count = 0;
            for (let pass = 0; pass < READ_PASSES; pass++) for await (const page of readWholeLog(history.store, undefined, PAGE_SIZE)) count += page.length;
            return count;
          },
        ],
        progress,
      );
      // A pass that stopped early would look fast.
      if (rebuild.units !== RUNS * events || read.units !== RUNS * READ_PASSES * events) throw new Error(`folded ${rebuild.units} and read ${read.units} events of a log of ${events}`);
      return [{ name: `rebuild, ${events.toLocaleString('en-US')} events`, value: rebuild.perSecond, limit: read.perSecond, unit: 'events/s', target: TARGET }];
    } finally {
      progress.stop();
      readModels.close();
      await history.store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};
