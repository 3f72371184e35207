import type { Worker } from 'node:worker_threads';
import type { Grid } from './annex.table';
import { DocxPacker, MAX_WAITING } from './docx.packer';
import { gridDocx } from './grid.render';

const grid = (title: string, rows: number): Grid => ({
  heading: [title],
  header: ['Захід', 'Сума'],
  widths: [70, 30],
  rows: Array.from({ length: rows }, (_, i) => ({ kind: 'item' as const, cells: [`Захід ${i + 1}`, '2 000,00'], amounts: [1] })),
});

describe('DocxPacker', () => {
  const at = '2025-03-20T10:00:00.000Z';
  let packer: DocxPacker;
  beforeEach(() => (packer = new DocxPacker()));
  afterEach(() => packer.close());

  it('packs on its thread the very file the server would pack in place, each answer to its own request', async () => {
    const [small, large] = await Promise.all([packer.pack(grid('Програма', 3), at), packer.pack(grid('Велика програма', 300), at)]);
    expect(small.equals(await gridDocx(grid('Програма', 3), at))).toBe(true);
    expect(large.equals(await gridDocx(grid('Велика програма', 300), at))).toBe(true);
  });

  it('fails a request whose table cannot be packed, naming why, and packs the next', async () => {
    const broken = { ...grid('Програма', 1), rows: null } as unknown as Grid;
    await expect(packer.pack(broken, at)).rejects.toThrow(/^the Word file could not be packed: TypeError/);
    expect((await packer.pack(grid('Програма', 1), at)).subarray(0, 2).toString()).toBe('PK');
  });

  it('starts a thread again after it was closed', async () => {
    await packer.pack(grid('Програма', 1), at);
    await packer.close();
    expect((await packer.pack(grid('Програма', 2), at)).equals(await gridDocx(grid('Програма', 2), at))).toBe(true);
  });

  /** The thread the packer is using now (private: the tests stand in for its death). */
  const workerOf = (of: DocxPacker) => (of as unknown as { thread: { worker: Worker } }).thread.worker;

  it('fails what a thread that died was packing, and packs later requests on a new thread, which the old one’s exit does not touch', async () => {
    // given a large file being packed
    const pending = packer.pack(grid('Велика програма', 2000), at);
    const old = workerOf(packer);

    // when its thread fails, and a request comes before the dead thread has exited
    old.emit('error', new Error('out of memory'));
    await expect(pending).rejects.toThrow('out of memory');
    const fresh = packer.pack(grid('Програма', 2), at);
    await old.terminate();

    // then the new request is packed all the same
    expect((await fresh).equals(await gridDocx(grid('Програма', 2), at))).toBe(true);
  });

  it('fails a request still being packed when it is closed', async () => {
    const pending = packer.pack(grid('Велика програма', 2000), at);
    await packer.close();
    await expect(pending).rejects.toThrow(/the thread packing Word files stopped/);
  });

  it('answers 503 DocumentsBusy, with Retry-After, to a file asked while MAX_WAITING are waiting, and packs again once they are done', async () => {
    const waiting = Array.from({ length: MAX_WAITING }, (_, i) => packer.pack(grid(`Програма ${i}`, 500), at));
    await expect(packer.pack(grid('Ще одна', 1), at)).rejects.toMatchObject({ status: 503, code: 'DocumentsBusy', headers: { 'retry-after': '5' } });
    await Promise.all(waiting);
    expect((await packer.pack(grid('Ще одна', 1), at)).subarray(0, 2).toString()).toBe('PK');
  });

  describe('given a thread that packs nothing for its deadline', () => {
    const deadlineMs = 60_000;
    let watched: DocxPacker;
    beforeEach(() => {
      // The packer's clock only: the thread and its messages run as they do.
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      watched = new DocxPacker(deadlineMs);
    });
    afterEach(async () => {
      jest.useRealTimers();
      await watched.close();
    });

    it('then it is ended, the file under way fails, and the files behind it and the next request are packed on a new thread', async () => {
      // given a large file being packed, and one behind it
      const stuck = watched.pack(grid('Велика програма', 2000), at);
      const behind = watched.pack(grid('Програма', 1), at);
      const old = workerOf(watched);
      const exited = new Promise((resolve) => old.once('exit', resolve));

      // when the deadline passes before the thread answers
      jest.advanceTimersByTime(deadlineMs);

      // then the file under way fails, the thread is ended, and another packs the file behind it and the next one
      await expect(stuck).rejects.toThrow('the thread packing Word files packed nothing in 60 s: ended as hung');
      await exited;
      expect(workerOf(watched)).not.toBe(old);
      expect((await behind).equals(await gridDocx(grid('Програма', 1), at))).toBe(true);
      const next = watched.pack(grid('Програма', 2), at);
      expect(workerOf(watched)).not.toBe(old);
      expect((await next).equals(await gridDocx(grid('Програма', 2), at))).toBe(true);
    });

    it('then the clock starts again with each answer: files queued behind one another each get the whole deadline', async () => {
      const first = watched.pack(grid('Програма', 1), at);
      const second = watched.pack(grid('Велика програма', 2000), at);
      jest.advanceTimersByTime(deadlineMs - 10_000);
      await first;
      // past the deadline since the queue began, within it since the last answer
      jest.advanceTimersByTime(20_000);
      await expect(second).resolves.toBeInstanceOf(Buffer);
    });

    it('then a thread that answered in time is not ended: the clock stops with its last answer', async () => {
      await watched.pack(grid('Програма', 1), at);
      const thread = workerOf(watched);
      jest.advanceTimersByTime(2 * deadlineMs);
      const next = watched.pack(grid('Програма', 2), at);
      const packing = workerOf(watched);
      expect((await next).subarray(0, 2).toString()).toBe('PK');
      expect(packing).toBe(thread);
    });
  });
});
