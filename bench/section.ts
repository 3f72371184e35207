/** One measured number, and what the bare dependency achieves for the same work in the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same work done directly with the dependency (better-sqlite3, Fastify…): the best the code could do. */
  readonly limit?: number;
  /** For latencies: the ratio becomes limit/value, so that it always reads as the share of the limit achieved. */
  readonly lowerIsBetter?: boolean;
  /** The least acceptable ratio. */
  readonly target?: number;
}

export interface Section {
  /** What `node dist/bench/run.js <name>` selects. */
  readonly name: string;
  /** Printed above the figures: the workload and what makes the limit a fair comparison. */
  readonly description: string;
  run(): Promise<Figure[]>;
}
