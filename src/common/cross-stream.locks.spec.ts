import { CrossStreamLocks, lockOn } from './cross-stream.locks';

/** A piece of work that runs until `finish` is called, noting when it started. */
function pending(log: string[], name: string) {
  let finish!: (fail?: boolean) => void;
  const work = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`${name} started`);
      finish = (fail = false) => (fail ? reject(new Error(name)) : resolve(name));
    });
  return { work, finish: (fail?: boolean) => finish(fail) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CrossStreamLocks', () => {
  it('given work holding a key, then work on the same key waits until it settles, even when it fails', async () => {
    const locks = new CrossStreamLocks();
    const log: string[] = [];
    const first = pending(log, 'correction');
    const second = pending(log, 'amendment');

    const held = locks.hold([lockOn.decision('d1')], first.work);
    const waiting = locks.hold([lockOn.decision('d1'), lockOn.executor('e1')], second.work);
    await turn();
    expect(log).toEqual(['correction started']);

    first.finish(true);
    await expect(held).rejects.toThrow('correction');
    await turn();
    expect(log).toEqual(['correction started', 'amendment started']);
    second.finish();
    await expect(waiting).resolves.toBe('amendment');
  });

  it('given work on other keys, or on none, then it runs at once', async () => {
    const locks = new CrossStreamLocks();
    const log: string[] = [];
    const first = pending(log, 'retirement');
    const other = pending(log, 'registration');
    const free = pending(log, 'revocation');

    void locks.hold([lockOn.executor('e1')], first.work);
    const running = locks.hold([lockOn.act('["рада","1878","2025-03-20"]')], other.work);
    const unlocked = locks.hold([], free.work);
    await turn();
    expect(log).toEqual(['retirement started', 'registration started', 'revocation started']);
    other.finish();
    free.finish();
    first.finish();
    await expect(Promise.all([running, unlocked])).resolves.toEqual(['registration', 'revocation']);
  });

  it('given keys found in what may change while they are waited for, then they are found again once held, and the new ones taken', async () => {
    const locks = new CrossStreamLocks();
    const log: string[] = [];
    let act = lockOn.act('["рада","1","2025-03-20"]');
    const moved = lockOn.act('["рада","1","2025-04-01"]');
    // given both the act found now and the one it will be held by others
    const first = pending(log, 'correction');
    const other = pending(log, 'registration');
    void locks.hold([act], first.work);
    void locks.hold([moved], other.work);
    const correcting = locks.holdFound(() => [act], async () => {
      log.push(`corrected under ${act}`);
      return act;
    });
    await turn();

    // when the first moves the act, and lets its key go
    act = moved;
    first.finish();
    await turn();

    // then the command waits for the act it now finds, and works under it
    expect(log).toEqual(['correction started', 'registration started']);
    other.finish();
    await expect(correcting).resolves.toBe(moved);
    expect(log).toEqual(['correction started', 'registration started', `corrected under ${moved}`]);
  });

  it('given two pieces of work naming the same two keys in opposite orders, then both finish: keys are taken in one order', async () => {
    const locks = new CrossStreamLocks();
    const log: string[] = [];
    const decision = lockOn.decision('d1');
    const executor = lockOn.executor('e1');
    // given the executor's key held, a piece of work naming it first, and then one naming the decision first
    const holder = pending(log, 'retirement');
    void locks.hold([executor], holder.work);
    const executorFirst = locks.hold([executor, decision], async () => 'amendment');
    const decisionFirst = locks.hold([decision, executor], async () => 'correction');
    await turn();

    // when the executor's key is let go
    holder.finish();

    // then neither waits for a key the other holds while it holds one the other waits for
    const deadlock = new Promise((_, reject) => setTimeout(() => reject(new Error('deadlock')), 1000).unref());
    await expect(Promise.race([Promise.all([executorFirst, decisionFirst]), deadlock])).resolves.toEqual(['amendment', 'correction']);
  });
});
