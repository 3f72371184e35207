import { parentPort } from 'node:worker_threads';
import type { Grid } from './annex.table';
import { gridDocx } from './grid.render';

/** What DocxPacker sends: a table to pack, dated by `at`, under the id its answer carries back. */
export interface PackRequest {
  readonly id: number;
  readonly grid: Grid;
  readonly at: string;
}

export type PackAnswer = { readonly id: number; readonly docx: Uint8Array } | { readonly id: number; readonly error: string };

// The worker thread's entry (docx.packer.ts starts it): packs one table at a time, off the server's event loop.
const port = parentPort;
if (port) {
  port.on('message', ({ id, grid, at }: PackRequest) => {
    gridDocx(grid, at).then(
      (docx) => port.postMessage({ id, docx } satisfies PackAnswer),
      (error: unknown) => port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies PackAnswer),
    );
  });
}
