import AsyncLock from 'async-lock';

/**
 * Some rules span streams, and a command checks them against the read models: no amendment takes effect before its
 * decision (a correction that moves the date later, against the amendments made under it), no unit is assigned from
 * its retirement on (a retirement, against the assignments in force), an act or a unit's name is registered once.
 * The store orders the writes of one stream only, so two such commands sent together would each pass its check
 * before the other's write was there to fail it. Each takes the locks of what its rule reads and writes, by key,
 * and holds them until its write is in the read models (answerWhenProjected), so that the next one checks against
 * it. In this process only: one server writes to a store.
 */
export class CrossStreamLocks {
  // No bound on the queue: the rate limit bounds the requests, and a full queue would refuse a write as a 500.
  private readonly lock = new AsyncLock({ maxPending: Number.POSITIVE_INFINITY });

  hold<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    // One order for every command, so that two commands taking the same keys never each hold one the other waits for.
    return this.lock.acquire([...keys].sort(), work);
  }

  /**
   * For keys found in the read models (the act a correction makes of its decision, the units an import names), which
   * the command before it in the queue may change: found again once held, and taken again while they differ.
   */
  async holdFound<T>(keysOf: () => readonly string[], work: () => Promise<T>): Promise<T> {
    for (;;) {
      const keys = distinct(keysOf());
      const done = await this.hold(keys, async () => (distinct(keysOf()).join('\n') === keys.join('\n') ? { value: await work() } : undefined));
      if (done) return done.value;
    }
  }
}

const distinct = (keys: readonly string[]) => [...new Set(keys)].sort();

/** The keys, one per thing a rule across streams is about. */
export const lockOn = {
  decision: (decisionId: string) => `decision:${decisionId}`,
  executor: (executorId: string) => `executor:${executorId}`,
  /** An act as DecisionsProjection.sameAct tells acts apart (actLocks). */
  act: (key: string) => `act:${key}`,
  /** A unit's name as ExecutorsProjection.holderOf tells names apart (normalizeExecutorName). */
  executorName: (normalized: string) => `executor-name:${normalized}`,
  /** An import's Idempotency-Key, which names one import whatever its programme (ProgrammeQueries.importedWithKey). */
  importKey: (idempotencyKey: string) => `import-key:${idempotencyKey}`,
};
