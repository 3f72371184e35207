import { AlignmentType, Document, Footer, Packer, PageNumber, PageOrientation, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } from 'docx';
import JSZip from 'jszip';
import type { Grid, GridRow } from './annex.table';

/** A Word document's media type: the export answers with it and the package declares it. */
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * What a document can hold: XML 1.0 has no place for control characters other than tab and line ends (Word's
 * line break inside a cell, U+000B, is pasted in with text), nor for U+FFFE/U+FFFF or half a surrogate pair;
 * one in a cell would leave the whole Word file unreadable. Each becomes a space; the data keeps it.
 */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu, ' ');
}

const escapeHtml = (text: string) => printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A title typed on several lines keeps them on the page: a bare line end in a cell reads as a space in HTML and in
 * Word. Word's own line break in a cell (U+000B) and Unicode's line and paragraph separators end a line too.
 */
const LINE_END = /\r\n|[\r\n\u000B\u2028\u2029]/;
const htmlLines = (text: string) => text.split(LINE_END).map(escapeHtml).join('<br>');

/** The cells a row prints, each merged one with how many columns it covers (the empty ones it covers left out). */
function printedCells(row: GridRow): { text: string; first: number; span: number; amount: boolean }[] {
  const printed = [];
  for (let first = 0; first < row.cells.length; ) {
    const span = Math.max(1, Math.min(row.spans?.[first] ?? 1, row.cells.length - first));
    printed.push({ text: row.cells[first], first, span, amount: row.amounts?.includes(first) ?? false });
    first += span;
  }
  return printed;
}

/** The header as printed: one row, or the group's title above its columns' headings and the others taking both rows. */
function headerRows(grid: Grid): { text: string; first: number; span: number; rows: number }[][] {
  const given = grid.headerGroup;
  if (!given) return [grid.header.map((text, first) => ({ text, first, span: 1, rows: 1 }))];
  const group = { ...given, span: Math.max(1, Math.min(given.span, grid.header.length - given.first)) };
  const inGroup = (column: number) => column >= group.first && column < group.first + group.span;
  const top = grid.header.flatMap((text, first) =>
    first === group.first ? [{ text: group.title, first, span: group.span, rows: 1 }] : inGroup(first) ? [] : [{ text, first, span: 1, rows: 2 }],
  );
  const below = grid.header.flatMap((text, first) => (inGroup(first) ? [{ text, first, span: 1, rows: 1 }] : []));
  return [top, below];
}

/** A cell's HTML attributes for the columns and rows it covers. */
const spanned = (span: number, rows = 1) => `${span > 1 ? ` colspan="${span}"` : ''}${rows > 1 ? ` rowspan="${rows}"` : ''}`;

/**
 * How the page prints: landscape A4 as annexes are, the columns in their proportions, the header row on every
 * page, a row never split between pages nor a section's heading left at the foot of one.
 */
const PAGE_STYLE = [
  '@page{size:A4 landscape;margin:1.5cm}',
  'body{font-family:"Times New Roman",serif;font-size:11pt}',
  'h1{font-size:13pt}h1,body>p{text-align:center}',
  'table{border-collapse:collapse;width:100%;table-layout:fixed;font-size:9pt}',
  'td,th{border:1px solid #000;padding:2px 4px;vertical-align:top;overflow-wrap:break-word}',
  'td.amount{text-align:right;white-space:nowrap}',
  'thead{display:table-header-group}tr{break-inside:avoid}tr.section{break-after:avoid}',
  'tr.section td,tr.total td{font-weight:bold}',
].join('');

/** A standalone page the secretariat can open, print or paste into the decision. */
export function gridHtml(grid: Grid): string {
  const cells = (row: GridRow) =>
    printedCells(row)
      .map(({ text, span, amount }) => `<td${spanned(span)}${amount ? ' class="amount"' : ''}>${htmlLines(text)}</td>`)
      .join('');
  return [
    '<!doctype html>',
    '<html lang="uk"><head><meta charset="utf-8">',
    `<title>${escapeHtml(documentTitle(grid))}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head><body>',
    ...grid.heading.map((line, i) => (i === 0 ? `<h1>${htmlLines(line)}</h1>` : `<p>${htmlLines(line)}</p>`)),
    '<table>',
    `<colgroup>${grid.widths.map((width) => `<col style="width:${width.toFixed(2)}%">`).join('')}</colgroup>`,
    `<thead>${headerRows(grid)
      .map((row) => `<tr>${row.map(({ text, span, rows }) => `<th${spanned(span, rows)}>${htmlLines(text)}</th>`).join('')}</tr>`)
      .join('')}</thead>`,
    '<tbody>',
    ...grid.rows.map((row) => `<tr class="${row.kind}">${cells(row)}</tr>`),
    '</tbody></table></body></html>',
    '',
  ].join('\n');
}

/** What names the document (a window's title, a Word file's properties): what it is and the programme or the date. */
const documentTitle = (grid: Grid) => grid.heading.slice(0, 2).join(' — ');

/** The text width of a landscape A4 page with Word's default margins of an inch, in twentieths of a point. */
const TEXT_WIDTH = 16838 - 2 * 1440;

/**
 * A Word document, landscape as annexes are, with the header row repeated on every page. `at`: its creation date,
 * the instant the history it shows was written (not the request's), so that the same document asked for again is
 * the same file, byte for byte, as the same CSV is.
 */
export async function gridDocx(grid: Grid, at: string): Promise<Buffer> {
  const runs = (text: string, style: { bold: boolean; size?: number }) =>
    text.split(LINE_END).map((line, i) => new TextRun({ text: printable(line), ...style, font: 'Times New Roman', language: { value: 'uk-UA' }, ...(i > 0 ? { break: 1 } : {}) }));
  const columns = grid.widths.map((width) => Math.round((width / 100) * TEXT_WIDTH));
  const cell = (text: string, options: { bold: boolean; first: number; span: number; rows?: number; amount?: boolean; keepNext?: boolean }) => {
    const { amount } = options;
    return new TableCell({
      columnSpan: options.span,
      ...(options.rows && options.rows > 1 ? { rowSpan: options.rows } : {}),
      width: { size: columns.slice(options.first, options.first + options.span).reduce((a, b) => a + b, 0), type: WidthType.DXA },
      children: [
        new Paragraph({
          ...(amount ? { alignment: AlignmentType.RIGHT } : {}),
          ...(options.keepNext ? { keepNext: true } : {}),
          // No-break spaces: "2 000,00" must not read as two numbers on two lines.
          children: runs(amount ? text.replace(/ /g, '\u00A0') : text, { bold: options.bold, size: 18 }),
        }),
      ],
    });
  };
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: columns,
    layout: TableLayoutType.FIXED,
    rows: [
      ...headerRows(grid).map(
        (row) => new TableRow({ tableHeader: true, cantSplit: true, children: row.map(({ text, first, span, rows }) => cell(text, { bold: true, first, span, rows })) }),
      ),
      ...grid.rows.map(
        (row) => new TableRow({ cantSplit: true, children: printedCells(row).map(({ text, first, span, amount }) => cell(text, { bold: row.kind !== 'item', first, span, amount, keepNext: row.kind === 'section' })) }),
      ),
    ],
  });
  const document = new Document({
    title: printable(documentTitle(grid)),
    creator: 'Programme amendment tracker',
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        // A printed annex runs to several pages: each is numbered, as a decision's annexes are when filed.
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: 18, font: 'Times New Roman' })] })] }) },
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
