import { AlignmentType, Document, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import JSZip from 'jszip';
import type { Grid, GridRow } from './annex.table';

/** A Word document's media type: the export answers with it and the package declares it. */
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * What a document can hold: XML 1.0 has no place for control characters other than tab and line ends (Word's
 * line break inside a cell, U+000B, is pasted in with text), nor for U+FFFE/U+FFFF or half a surrogate pair;
 * one in a cell would leave the whole Word file unreadable. Each becomes a space; the data keeps it.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu, ' ');
}

const escapeHtml = (text: string) => printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A title typed on several lines keeps them on the page: a bare line end in a cell reads as a space in HTML and in
 * Word. Word's own line break in a cell (U+000B) and Unicode's line and paragraph separators end a line too.
 */
const LINE_END = /\r\n|[\r\n\u000B\u2028\u2029]/;
const htmlLines = (text: string) => text.split(LINE_END).map(escapeHtml).join('<br>');

/** A standalone page the secretariat can open, print or paste into the decision. */
export function gridHtml(grid: Grid): string {
  const cells = (row: GridRow) => row.cells.map((c) => `<td>${htmlLines(c)}</td>`).join('');
  return [
    '<!doctype html>',
    '<html lang="uk"><head><meta charset="utf-8">',
    `<title>${escapeHtml(grid.heading[0] ?? '')}</title>`,
    '<style>body{font-family:"Times New Roman",serif;font-size:11pt}table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:2px 4px;vertical-align:top}tr.section td,tr.total td{font-weight:bold}</style>',
    '</head><body>',
    ...grid.heading.map((line, i) => (i === 0 ? `<h1>${htmlLines(line)}</h1>` : `<p>${htmlLines(line)}</p>`)),
    '<table>',
    `<thead><tr>${grid.header.map((h) => `<th>${htmlLines(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...grid.rows.map((row) => `<tr class="${row.kind}">${cells(row)}</tr>`),
    '</tbody></table></body></html>',
    '',
  ].join('\n');
}

/**
 * A Word document, landscape as annexes are, with the header row repeated on every page. `at`: its creation date,
 * the instant the history it shows was written (not the request's), so that the same document asked for again is
 * the same file, byte for byte, as the same CSV is.
 */
export async function gridDocx(grid: Grid, at: string): Promise<Buffer> {
  const runs = (text: string, style: { bold: boolean; size?: number }) =>
    text.split(LINE_END).map((line, i) => new TextRun({ text: printable(line), ...style, font: 'Times New Roman', ...(i > 0 ? { break: 1 } : {}) }));
  const cell = (text: string, bold: boolean) => new TableCell({ children: [new Paragraph({ children: runs(text, { bold, size: 18 }) })] });
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: grid.header.map((h) => cell(h, true)) }),
      ...grid.rows.map((row) => new TableRow({ children: row.cells.map((c) => cell(c, row.kind !== 'item')) })),
    ],
  });
  const document = new Document({
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          ...grid.heading.map((line, i) => new Paragraph({ alignment: AlignmentType.CENTER, children: runs(line, { bold: i === 0 }) })),
          table,
        ],
      },
    ],
  });
  return dated(await Packer.toBuffer(document), new Date(at));
}

/** The package again, with the date of every part and the document's own dates at `at` instead of the time of the request. */
async function dated(docx: Buffer, at: Date): Promise<Buffer> {
  const made = await JSZip.loadAsync(docx);
  const stamped = new JSZip();
  const instant = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const part of Object.values(made.files)) {
    if (part.dir) {
      stamped.file(part.name, null, { dir: true, date: at });
      continue;
    }
    const content = part.name === 'docProps/core.xml' ? (await part.async('string')).replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, `$1${instant}`) : await part.async('uint8array');
    stamped.file(part.name, content, { date: at, createFolders: false });
  }
  return stamped.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', mimeType: DOCX });
}
