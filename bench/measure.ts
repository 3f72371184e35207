import { SingleBar } from 'cli-progress';
import { performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One slice of work; returns how many units (events, requests…) it handled. */
export type Step = () => number | Promise<number>;

export interface Throughput {
  readonly units: number;
  readonly perSecond: number;
}

/**
 * Times `steps` steps of each contender in turns, rotating which goes first at every step, so that the load of
 * a shared machine falls on all alike and none always runs first, on a cold machine. Only the steps are timed.
 */
export async function inTurns<Contenders extends readonly Step[]>(
  steps: number,
  contenders: Contenders,
  progress: Progress,
): Promise<{ -readonly [K in keyof Contenders]: Throughput }> {
  const seconds = contenders.map(() => 0);
  const units = contenders.map(() => 0);
  for (let step = 0; step < steps; step++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const contender = (step + turn) % contenders.length;
      const started = performance.now();
      const handled = contenders[contender]();
      const count = typeof handled === 'number' ? handled : await handled;
      seconds[contender] += (performance.now() - started) / 1000;
      units[contender] += count;
      progress.advance(count);
    }
  }
  return contenders.map((_, i) => ({ units: units[i], perSecond: units[i] / seconds[i] })) as { -readonly [K in keyof Contenders]: Throughput };
}

export interface Progress {
  phase(label: string): void;
  advance(units: number): void;
  stop(): void;
}

const PHASE_WIDTH = 20;

/** On stderr, so that stdout is only the report; nothing when stderr is not a terminal (CI logs, `2> file`). */
export function startProgress(total: number, unit: string): Progress {
  if (!process.stderr.isTTY) return { phase() {}, advance() {}, stop() {} };
  const bar = new SingleBar({
    format: `{phase} [{bar}] {percentage}% | {value}/{total} ${unit}`,
    stream: process.stderr,
    clearOnComplete: true,
    hideCursor: true,
  });
  bar.start(total, 0, { phase: ''.padEnd(PHASE_WIDTH) });
  return {
    phase: (label) => bar.update({ phase: label.padEnd(PHASE_WIDTH) }),
    advance: (units) => bar.increment(units),
    stop: () => bar.stop(),
  };
}
