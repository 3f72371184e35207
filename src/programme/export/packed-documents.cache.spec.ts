import type { Grid } from './annex.table';
import { gridDocx } from './grid.render';
import { PackedDocuments } from './packed-documents.cache';

const grid = (title: string): Grid => ({
  heading: [title],
  header: ['Назва', 'Сума'],
  widths: [50, 50],
  rows: [{ kind: 'item', cells: ['Захід', '75,00'], amounts: [1] }],
});

describe('PackedDocuments', () => {
  const at = '2025-03-20T10:00:00.000Z';

  it('packs a table once: the same table dated by the same instant is the same file, asked together or later', async () => {
    const documents = new PackedDocuments(gridDocx);
    const [first, together] = await Promise.all([documents.docx(grid('Програма'), at), documents.docx(grid('Програма'), at)]);
    expect(together).toBe(first);
    expect(await documents.docx(grid('Програма'), at)).toBe(first);
    expect(first.subarray(0, 2).toString()).toBe('PK');
  });

  it('packs anew what differs: another table, or the same one dated by another instant', async () => {
    const documents = new PackedDocuments(gridDocx);
    const first = await documents.docx(grid('Програма'), at);
    expect(await documents.docx(grid('Інша програма'), at)).not.toBe(first);
    expect(await documents.docx(grid('Програма'), '2025-03-21T10:00:00.000Z')).not.toBe(first);
  });

  it('lets the least recently used go once its bytes exceed the limit, keeping the one just used', async () => {
    // a limit below one file's size: each new file pushes out every other
    const documents = new PackedDocuments(gridDocx, 1);
    const first = await documents.docx(grid('Програма'), at);
    const second = await documents.docx(grid('Інша програма'), at);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await documents.docx(grid('Інша програма'), at)).toBe(second);
    expect(await documents.docx(grid('Програма'), at)).not.toBe(first);
  });

  it('keeps a file still being packed and the one just packed, letting an older one go', async () => {
    // given a packing held open, and a limit below one file's size
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const pack = async (table: Grid, at: string) => {
      if (table.heading[0] === 'Довга') await held;
      return gridDocx(table, at);
    };
    const documents = new PackedDocuments(pack, 1);
    const older = await documents.docx(grid('Стара'), at);
    const long = documents.docx(grid('Довга'), at);

    // when another file is packed meanwhile
    const recent = await documents.docx(grid('Нова'), at);
    await new Promise((resolve) => setImmediate(resolve));

    // then the one being packed and the one just packed are kept, the older one packed anew
    expect(documents.docx(grid('Довга'), at)).toBe(long);
    expect(await documents.docx(grid('Нова'), at)).toBe(recent);
    release?.();
    await long;
    expect(await documents.docx(grid('Стара'), at)).not.toBe(older);
  });

  it('keeps no failed packing: the same file asked again is packed again', async () => {
    // given a packing that fails once (a busy packer), then succeeds
    let failures = 1;
    const documents = new PackedDocuments(async (table, datedAt) => {
      if (failures-- > 0) throw new Error('busy');
      return gridDocx(table, datedAt);
    });

    // then the first ask fails, and the next is packed
    await expect(documents.docx(grid('Програма'), at)).rejects.toThrow('busy');
    expect((await documents.docx(grid('Програма'), at)).subarray(0, 2).toString()).toBe('PK');
  });
});
