import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../config/config.schema';
import type { Grid } from './annex.table';
import type { PackAnswer, PackRequest } from './docx.worker';

/**
 * Packs Word files on a worker thread: the docx library takes seconds for a large programme (1.5–3.6 s for 521
 * measures, measured), which on the event loop would hold up every other request. One thread, started at the first
 * file and packing one at a time: the machine has two cores, and the other serves the requests meanwhile.
 */
export class DocxPacker {
  private worker: Worker | undefined;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (docx: Buffer) => void; reject: (error: Error) => void }>();

  pack(grid: Grid, at: string): Promise<Buffer> {
    const id = (this.next += 1);
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.started().postMessage({ id, grid, at } satisfies PackRequest);
    });
  }

  /** Ends the thread (the server stopping); files still being packed fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(...workerEntry());
    // Only requests keep the process alive: a stopping server does not wait for an idle thread.
    worker.unref();
    worker.on('message', (answer: PackAnswer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if ('docx' in answer) waiting?.resolve(Buffer.from(answer.docx.buffer, answer.docx.byteOffset, answer.docx.byteLength));
      else waiting?.reject(new Error(`the Word file could not be packed: ${answer.error}`));
    });
    // A thread that died takes its files with it; the next request starts another.
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the thread packing Word files stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
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
