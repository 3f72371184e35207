import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../config/config.schema';
import { ProblemException } from '../../http/problem';
import type { Grid } from './annex.table';
import type { PackAnswer, PackRequest } from './docx.worker';

/** Files sent to the thread and not yet packed, the one being packed included. */
export const MAX_WAITING = 4;

/**
 * How long the thread may go without packing a file while files wait: ten times the longest packing measured. A
 * thread past it is taken for hung (a loop in the library on some table) and ended, failing the file under way, or
 * every Word file asked for after it would wait behind it and then be refused as busy, until the server restarts.
 */
export const PACKING_DEADLINE_MS = 40_000;

/**
 * Packs Word files on a worker thread: the docx library takes seconds for a large programme (1.5–3.6 s for 521
 * measures, measured), which on the event loop would hold up every other request. One thread, started at the first
 * file and packing one at a time: the machine has two cores, and the other serves the requests meanwhile.
 */
export class DocxPacker {
  private thread: Thread | undefined;
  private next = 0;

  constructor(private readonly deadlineMs = PACKING_DEADLINE_MS) {}

  pack(grid: Grid, at: string): Promise<Buffer> {
    const thread = this.started();
    // Each may take seconds: a queue longer than this would only make clients wait longer than they would retry.
    if (thread.waiting.size >= MAX_WAITING) {
      return Promise.reject(new ProblemException(503, 'DocumentsBusy', `${thread.waiting.size} Word files are waiting to be packed (one under way); try again shortly`, [], { 'retry-after': '5' }));
    }
    const id = (this.next += 1);
    return new Promise<Buffer>((resolve, reject) => {
      // The clock runs from when the thread has something to pack, not from each request: those behind wait their turn.
      if (thread.waiting.size === 0) this.watch(thread);
      thread.waiting.set(id, { grid, at, resolve, reject });
      thread.worker.postMessage({ id, grid, at } satisfies PackRequest);
    });
  }

  /** Ends the thread (the server stopping); files still being packed fail. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    if (thread) clearTimeout(thread.deadline);
    await thread?.worker.terminate();
  }

  /**
   * From now the thread has `deadlineMs` to pack a file, or it is ended: the file sent first, the one under way, fails,
   * and those behind it go to a new thread (should the hang be one of theirs, it is the first there, and fails next).
   */
  private watch(thread: Thread): void {
    clearTimeout(thread.deadline);
    thread.deadline = setTimeout(() => {
      const [underWay, ...behind] = thread.retire();
      void thread.worker.terminate();
      underWay?.reject(new Error(`the thread packing Word files packed nothing in ${this.deadlineMs / 1000} s: ended as hung`));
      // Sent again from a promise, not from this timer: a thread that cannot start fails its files, not the process.
      for (const request of behind) void Promise.resolve().then(() => this.pack(request.grid, request.at)).then(request.resolve, request.reject);
    }, this.deadlineMs);
    thread.deadline.unref();
  }

  private started(): Thread {
    if (this.thread) return this.thread;
    const waiting: Thread['waiting'] = new Map();
    // Out of service: the next request starts another thread, and what this one held is its caller's to settle.
    const retire = () => {
      clearTimeout(thread.deadline);
      if (this.thread === thread) this.thread = undefined;
      const held = [...waiting.values()];
      waiting.clear();
      return held;
    };
    // A thread that died takes its own files with it (those sent to a thread started since are that one's).
    const fail = (error: Error) => {
      for (const request of retire()) request.reject(error);
    };
    const thread: Thread = { worker: new Worker(...workerEntry()), waiting, retire, deadline: undefined };
    const { worker } = thread;
    worker.on('message', (answer: PackAnswer) => {
      const request = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (waiting.size > 0) this.watch(thread);
      else clearTimeout(thread.deadline);
      if ('docx' in answer) request?.resolve(Buffer.from(answer.docx.buffer, answer.docx.byteOffset, answer.docx.byteLength));
      else request?.reject(new Error(`the Word file could not be packed: ${answer.error}`));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the thread packing Word files stopped (exit code ${code})`)));
    // After the listeners, which would ref it again: the thread never keeps the process alive (the server's listener
    // does while it serves), so a process that forgets close() still ends.
    worker.unref();
    this.thread = thread;
    return thread;
  }
}

/** A worker thread, the requests sent to it that it has not answered, and the deadline of the next answer while there are any. */
interface Thread {
  readonly worker: Worker;
  readonly waiting: Map<number, PackRequested>;
  /** Takes it out of service (the next request starts another thread), and hands over the requests it held, oldest first. */
  readonly retire: () => PackRequested[];
  deadline: NodeJS.Timeout | undefined;
}

/** A file asked for: what to pack, and its caller's promise to settle. */
interface PackRequested {
  readonly grid: Grid;
  readonly at: string;
  readonly resolve: (docx: Buffer) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The worker's file beside this one: the built `.js`, or, when the server runs from its TypeScript sources (the
 * tests), the `.ts` with the hook the tests' spawned servers load too, as a worker thread does not share ts-jest's.
 */
function workerEntry(): [string, { execArgv?: string[] }] {
  const extension = extname(__filename);
  const entry = join(__dirname, `docx.worker${extension}`);
  if (extension !== '.ts') return [entry, {}];
  return [entry, { execArgv: ['--require', join(packageRoot(__dirname), 'test', 'support', 'register-ts.js')] }];
}
