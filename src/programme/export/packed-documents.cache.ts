import { createHash } from 'node:crypto';
import type { Grid } from './annex.table';

/** Enough for the Word files of every programme a council keeps, in a few wordings each (a 520-measure annex packs to about 80 KB). */
const LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * Word files already packed, by what they show. The docx library takes seconds for a large programme (1.5–3.6 s for
 * 521 measures, measured), a second core's time even off the event loop, while open-data clients fetch the same
 * few files again and again. The key is the table itself and the instant the file is dated by, so nothing needs to drop an entry:
 * a programme amended, an executor renamed or a new day makes another table and another key. The least recently
 * used go first once LIMIT_BYTES is exceeded (the one just packed stays, whatever its size). Requests for a file being packed wait for that one packing.
 */
export class PackedDocuments {
  private readonly entries = new Map<string, { packed: Promise<Buffer>; bytes: number }>();
  private bytes = 0;

  /** `pack`: how a file is packed (DocxPacker's thread in the server). */
  constructor(
    private readonly pack: (grid: Grid, datedAt: string) => Promise<Buffer>,
    private readonly limitBytes = LIMIT_BYTES,
  ) {}

  docx(grid: Grid, datedAt: string): Promise<Buffer> {
    const key = createHash('sha256').update(datedAt).update('\n').update(JSON.stringify(grid)).digest('base64url');
    const known = this.entries.get(key);
    if (known) {
      // Moved to the end: the map's order is the order of use.
      this.entries.delete(key);
      this.entries.set(key, known);
      return known.packed;
    }
    const entry = { packed: this.pack(grid, datedAt), bytes: 0 };
    this.entries.set(key, entry);
    entry.packed.then(
      (packed) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = packed.length;
        this.bytes += packed.length;
        this.evict(key);
      },
      // A packing that failed is not kept: the next request tries again (its caller has the error).
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.packed;
  }

  /** The least recently used packed files out until the rest fit, but for `kept`, the one just packed. */
  private evict(kept: string): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.limitBytes) return;
      // Still being packed: it counts nothing yet, and whoever waits for it gets it.
      if (key === kept || entry.bytes === 0) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
