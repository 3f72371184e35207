import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventData, Position, START } from '../../src/event-store/event-store.port';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store';
import { inTurns, median, Progress, startProgress, Throughput } from '../measure';
import { Figure, Section } from '../section';

const EVENTS = 20_000;
const WARM_UP_EVENTS = 2_000;
const BATCH_SIZE = 10;
const STREAMS = 100;
const RUNS = 3;
const PAGE_SIZE = 500;
/** One pass over the log takes tens of milliseconds: too short to time steadily on its own. */
const READ_PASSES = 5;
const APPEND_TARGET = 0.5;
const READ_TARGET = 0.5;

const INSERT = 'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)';
const SELECT_PAGE = 'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?';

interface Batch {
  readonly stream: string;
  readonly events: readonly EventData[];
}

interface StoredRow {
  position: number;
  data: string;
  metadata: string;
}

interface Comparison {
  readonly adapter: number;
  readonly raw: number;
}

export const storeSection: Section = {
  name: 'store',
  description: [
    `SqliteEventStore vs plain better-sqlite3 on files under ${tmpdir()} (WAL, synchronous=FULL), taking turns step by step;`,
    `median of ${RUNS} runs after a warm-up.`,
    `append: ${EVENTS.toLocaleString('en-US')} events, ${BATCH_SIZE} per appendToStream, round-robin over ${STREAMS} streams, ~300-byte JSON data, fresh files;`,
    `  limit: the same event objects into a file with the adapter's own schema, one BEGIN IMMEDIATE per batch,`,
    `  JSON.stringify of data and metadata per row and one ISO timestamp per batch as the adapter does; revisions known, no reads.`,
    `readAll: the log of the last adapter run, read whole ${READ_PASSES} times in pages of ${PAGE_SIZE};`,
    `  limit: the same SELECT with JSON.parse of data and metadata, rows kept as better-sqlite3 returns them.`,
  ].join('\n'),
  async run(): Promise<Figure[]> {
    const directory = mkdtempSync(join(tmpdir(), 'bench-store-'));
    const progress = startProgress(2 * (WARM_UP_EVENTS + RUNS * EVENTS) * (1 + READ_PASSES), 'events');
    try {
      return await measure(directory, progress);
    } finally {
      progress.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

async function measure(directory: string, progress: Progress): Promise<Figure[]> {
  const file = (name: string) => join(directory, `${name}.sqlite`);

  progress.phase('warm-up');
  await compareAppends(file('warm-up-adapter'), file('warm-up-raw'), workload(WARM_UP_EVENTS), progress);
  await compareReads(file('warm-up-adapter'), WARM_UP_EVENTS, progress);

  const batches = workload(EVENTS);
  const appends: Comparison[] = [];
  for (let run = 1; run <= RUNS; run++) {
    progress.phase(`append ${run}/${RUNS}`);
    appends.push(await compareAppends(file(`adapter-${run}`), file(`raw-${run}`), batches, progress));
  }
  const reads: Comparison[] = [];
  for (let run = 1; run <= RUNS; run++) {
    progress.phase(`readAll ${run}/${RUNS}`);
    reads.push(await compareReads(file(`adapter-${RUNS}`), EVENTS, progress));
  }

  return [
    { name: `appendToStream, batches of ${BATCH_SIZE}`, ...medians(appends), unit: 'events/s', target: APPEND_TARGET },
    { name: `readAll, pages of ${PAGE_SIZE}`, ...medians(reads), unit: 'events/s', target: READ_TARGET },
  ];
}

function medians(runs: readonly Comparison[]): { value: number; limit: number } {
  return { value: median(runs.map((run) => run.adapter)), limit: median(runs.map((run) => run.raw)) };
}

function workload(events: number): Batch[] {
  const programmeIds = Array.from({ length: STREAMS }, () => randomUUID());
  return Array.from({ length: events / BATCH_SIZE }, (_, batch) => {
    const programmeId = programmeIds[batch % STREAMS];
    const command = { correlationId: randomUUID(), causationId: randomUUID() };
    return {
      stream: `programme-${programmeId}`,
      events: Array.from({ length: BATCH_SIZE }, (_, i) => programmeEvent(programmeId, batch * BATCH_SIZE + i, command)),
    };
  });
}

function programmeEvent(programmeId: string, n: number, command: { correlationId: string; causationId: string }): EventData {
  return {
    id: randomUUID(),
    type: n % 3 === 0 ? 'FundingLineAmended' : 'ProgrammeMeasureAmended',
    data: {
      programmeId,
      decision: { number: `${1000 + (n % 900)}-VIII`, adoptedOn: '2024-03-14' },
      measure: { code: `2.${n % 40}`, title: 'Утеплення фасадів закладів освіти' },
      year: 2024 + (n % 3),
      amountUah: 1_250_000 + n,
      fundingSource: 'міський бюджет',
    },
    metadata: { $correlationId: command.correlationId, $causationId: command.causationId, actor: 'user:olena.kovalenko' },
  };
}

async function compareAppends(adapterFile: string, rawFile: string, batches: readonly Batch[], progress: Progress): Promise<Comparison> {
  const store = new SqliteEventStore({ filename: adapterFile });
  // Letting the adapter create the raw file gives the limit exactly its table and indexes to maintain.
  await new SqliteEventStore({ filename: rawFile }).close();
  const db = new Database(rawFile);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const insert = db.prepare<[string, string, number, string, string, string, string]>(INSERT);
    const appendBatch = db.transaction((stream: string, events: readonly EventData[], firstRevision: number) => {
      const created = new Date().toISOString();
      events.forEach((event, i) =>
        insert.run(event.id, stream, firstRevision + i, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), created),
      );
    });

    const adapterRevisions = new Map<string, number>();
    const rawRevisions = new Map<string, number>();
    let adapterNext = 0;
    let rawNext = 0;
    const [adapter, raw] = await inTurns(
      batches.length,
      [
        async () => {
          const { stream, events } = batches[adapterNext++];
          const expectedRevision = adapterRevisions.get(stream) ?? 'no_stream';
          adapterRevisions.set(stream, (await store.appendToStream(stream, events, { expectedRevision })).nextExpectedRevision);
          return events.length;
        },
        () => {
          const { stream, events } = batches[rawNext++];
          const firstRevision = (rawRevisions.get(stream) ?? -1) + 1;
          appendBatch.immediate(stream, events, firstRevision);
          rawRevisions.set(stream, firstRevision + events.length - 1);
          return events.length;
        },
      ],
      progress,
    );
    return { adapter: adapter.perSecond, raw: raw.perSecond };
  } finally {
    db.close();
    await store.close();
  }
}

/** Both readers open the same file side by side, so they share the OS page cache. */
async function compareReads(filename: string, events: number, progress: Progress): Promise<Comparison> {
  const store = new SqliteEventStore({ filename });
  const db = new Database(filename);
  try {
    const selectPage = db.prepare<[number, number], StoredRow>(SELECT_PAGE);
    // Each step reads the page after a cursor; the short (or empty) page at the end of the log starts the next pass.
    let adapterAfter: Position = START;
    let rawAfter = START.commit;
    const [adapter, raw] = await inTurns(
      READ_PASSES * (Math.floor(events / PAGE_SIZE) + 1),
      [
        async () => {
          const page = await store.readAll({ after: adapterAfter, maxCount: PAGE_SIZE });
          adapterAfter = page.length < PAGE_SIZE ? START : page[page.length - 1].position;
          return page.length;
        },
        () => {
          const rows = selectPage.all(rawAfter, PAGE_SIZE);
          for (const row of rows) {
            JSON.parse(row.data);
            JSON.parse(row.metadata);
          }
          rawAfter = rows.length < PAGE_SIZE ? START.commit : rows[rows.length - 1].position;
          return rows.length;
        },
      ],
      progress,
    );
    return { adapter: wholeLog(adapter, events), raw: wholeLog(raw, events) };
  } finally {
    db.close();
    await store.close();
  }
}

/** A reader that stopped early would look fast. */
function wholeLog(throughput: Throughput, events: number): number {
  if (throughput.units !== events * READ_PASSES) throw new Error(`read ${throughput.units} events, expected ${events * READ_PASSES}`);
  return throughput.perSecond;
}
