import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { ProgrammeQueries } from '../../src/programme/read/programme.queries';
import { ProjectionRunner } from '../../src/projections/projection.runner';
import { createProjections } from '../../src/projections/projections.factory';
import { ReadModelDb } from '../../src/projections/read-model.db';
import { type Progress, startProgress } from '../measure';
import { buildHistory, type History, PROGRAMME, seededRandom } from '../programme-history';
import type { Figure, Section } from '../section';

const SHORT = 10;
const LONG = 10_000;
const WARM_UP = 300;
// A p99 rests on its slowest hundredth: 100 samples of 10,000 move less from run to run than 30 of 3,000 did (×1.3–×2.9).
const SAMPLES = 10_000;
/** p99 at 10,000 amendments may be at most three times p99 at 10: the ratio column reads p99(10)/p99(10,000). */
const TARGET = 1 / 3;
const DAY_MS = 86_400_000;
const FIRST_AS_OF = Date.parse('2024-02-22T00:00:00Z');
const LAST_AS_OF = Date.parse('2026-12-31T00:00:00Z');

interface Subject {
  readonly history: History;
  readonly queries: ProgrammeQueries;
  readonly readModels: ReadModelDb;
}

export const asofSection: Section = {
  name: 'asof',
  description: [
    `ProgrammeQueries.view (snapshot + short fold, amendment chain, totals) of the Korosten programme after ${SHORT} and after ${LONG.toLocaleString('en-US')} amendments`,
    `(setAllocation changes, effective dates rising over 2024–2026, 1 in 100 retroactive, citing one amending decision a month;`,
    `the log in an in-memory store, the read models folded from it by the projection runner into files under ${tmpdir()}, as the server keeps them).`,
    `Each sample: a random asOf in 2024-02-22…2026-12-31 and, 3 times in 4, a random knownAt within the history's record time (else: as known now);`,
    `${SAMPLES.toLocaleString('en-US')} samples per size after ${WARM_UP} of warm-up, the two sizes taking turns.`,
    `limit: the same percentile at ${SHORT} amendments; target: p99 at ${LONG.toLocaleString('en-US')} ≤ 3 × p99 at ${SHORT} (ratio ≥ 1/3).`,
  ].join('\n'),
  async run(): Promise<Figure[]> {
    const directory = mkdtempSync(join(tmpdir(), 'bench-asof-'));
    const progress = startProgress(SHORT + LONG + 2 * (WARM_UP + SAMPLES), 'steps');
    const subjects: Subject[] = [];
    try {
      const random = seededRandom(20250301);
      for (const size of [SHORT, LONG]) {
        progress.phase(`history ${size.toLocaleString('en-US')}`);
        subjects.push(await project(await buildHistory(size, progress, random), join(directory, `read-models-${size}.sqlite`)));
      }
      progress.phase('views');
      const [short, long] = await latencies(subjects as [Subject, Subject], random, progress);
      const p = (samples: number[], q: number) => percentile(samples, q);
      return [
        { name: `view p50, ${SHORT} amendments`, value: p(short, 0.5), unit: 'ms' },
        { name: `view p99, ${SHORT} amendments`, value: p(short, 0.99), unit: 'ms' },
        { name: `view p50, ${LONG.toLocaleString('en-US')} amendments`, value: p(long, 0.5), limit: p(short, 0.5), lowerIsBetter: true, unit: 'ms' },
        { name: `view p99, ${LONG.toLocaleString('en-US')} amendments`, value: p(long, 0.99), limit: p(short, 0.99), lowerIsBetter: true, unit: 'ms', target: TARGET },
        { name: `p99 growth ${SHORT} → ${LONG.toLocaleString('en-US')} (≤ 3)`, value: p(long, 0.99) / p(short, 0.99), unit: '×' },
      ];
    } finally {
      progress.stop();
      for (const subject of subjects) {
        subject.readModels.close();
        await subject.history.store.close();
      }
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

/** The read models of a history, folded by the runner exactly as the server folds them. */
async function project(history: History, readModelFile: string): Promise<Subject> {
  const readModels = new ReadModelDb(readModelFile);
  const projections = createProjections();
  await new ProjectionRunner(history.store, readModels, projections.all, pino({ level: 'silent' })).rebuild();
  return { history, readModels, queries: new ProgrammeQueries(readModels.db, projections.decisions, projections.executors) };
}

async function latencies(subjects: readonly [Subject, Subject], random: () => number, progress: Progress): Promise<[number[], number[]]> {
  const samples: [number[], number[]] = [[], []];
  for (let step = 0; step < WARM_UP + SAMPLES; step++) {
    for (const which of step % 2 === 0 ? [0, 1] : [1, 0]) {
      const { history, queries } = subjects[which];
      const asOf = new Date(FIRST_AS_OF + Math.floor(random() * ((LAST_AS_OF - FIRST_AS_OF) / DAY_MS + 1)) * DAY_MS).toISOString().slice(0, 10);
      const knownAt = random() < 0.75 ? new Date(history.recorded.from + random() * (history.recorded.to - history.recorded.from)).toISOString() : undefined;
      const started = performance.now();
      const view = queries.view(PROGRAMME, { asOf, ...(knownAt ? { knownAt } : {}) });
      const elapsed = performance.now() - started;
      if (view === null) throw new Error(`no view of ${PROGRAMME} as of ${asOf}`);
      if (step >= WARM_UP) samples[which].push(elapsed);
      progress.advance(1);
    }
  }
  return samples;
}

function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
