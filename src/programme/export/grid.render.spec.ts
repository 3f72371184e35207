import JSZip from 'jszip';
import { annexWidths, type Grid } from './annex.table';
import { gridDocx, gridHtml } from './grid.render';

const KNOWN_AT = '2025-06-01T10:00:00.000Z';

/** What XML 1.0 cannot hold: control characters other than tab and line ends, U+FFFE/U+FFFF, half a surrogate pair. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;

describe('documents of text that holds characters XML cannot', () => {
  // given a title pasted from Word with its in-cell line break (U+000B), and other controls
  const grid: Grid = {
    heading: ['Програма\u0001'],
    header: ['№', 'Назва'],
    widths: [20, 80],
    rows: [{ kind: 'item', cells: ['1.1', 'Інформаційні\u000bпослуги\u0000 та \ud800 друк'] }],
  };

  it('writes a Word file whose document part XML can read, each such character a space', async () => {
    const xml = await (await JSZip.loadAsync(await gridDocx(grid, KNOWN_AT))).file('word/document.xml')?.async('string');
    expect(xml).toBeDefined();
    expect(NOT_XML.test(xml as string)).toBe(false);
    // Word's in-cell line break is a line break, the rest spaces
    expect(xml).toMatch(/Інформаційні<\/w:t>.*<w:br\/>.*послуги  та   друк/);
  });

  it('writes an HTML page without them', () => {
    const html = gridHtml(grid);
    expect(NOT_XML.test(html)).toBe(false);
    expect(html).toContain('<td>Інформаційні<br>послуги  та   друк</td>');
  });
});

describe('documents of text typed on several lines', () => {
  // given a title with a line end in each form a client may send
  const grid: Grid = { heading: ['Програма'], header: ['№', 'Назва'], widths: [20, 80], rows: [{ kind: 'item', cells: ['1.1', 'Перший рядок\nдругий\r\nтретій\rчетвертий\u2028п’ятий'] }] };

  it('breaks the line in the Word cell where the text does', async () => {
    const xml = (await (await JSZip.loadAsync(await gridDocx(grid, KNOWN_AT))).file('word/document.xml')?.async('string')) as string;
    const cell = xml.slice(xml.indexOf('Перший'), xml.indexOf('п’ятий'));
    expect(cell.match(/<w:br\/>/g)).toHaveLength(4);
    expect(cell).not.toMatch(/\n|\r/);
  });

  it('breaks it on the HTML page too', () => {
    expect(gridHtml(grid)).toContain('<td>Перший рядок<br>другий<br>третій<br>четвертий<br>п’ятий</td>');
  });
});

describe('a Word document made again', () => {
  const grid: Grid = { heading: ['Програма'], header: ['№', 'Назва'], widths: [20, 80], rows: [{ kind: 'item', cells: ['1.1', 'Захід'] }] };

  it('is dated by the instant its content was known, not by the request, so the same document is the same file', async () => {
    const first = await gridDocx(grid, KNOWN_AT);
    const zip = await JSZip.loadAsync(first);

    // every part, and the document's own created and modified dates, carry that instant
    const parts = Object.values(zip.files);
    expect(parts.length).toBeGreaterThan(5);
    for (const part of parts) expect([part.name, part.date.getTime()]).toEqual([part.name, new Date(KNOWN_AT).getTime()]);
    const core = (await zip.file('docProps/core.xml')?.async('string')) as string;
    expect(core.match(/<dcterms:(created|modified)[^>]*>[^<]*/g)).toEqual([expect.stringMatching(/>2025-06-01T10:00:00Z$/), expect.stringMatching(/>2025-06-01T10:00:00Z$/)]);
    // and made again later, it is byte for byte the same
    await new Promise((later) => setTimeout(later, 2100));
    expect((await gridDocx(grid, KNOWN_AT)).equals(first)).toBe(true);
  });
});

describe('a table as it prints', () => {
  // given three columns in proportion, a section heading across two, an amount, and a total whose label spans two
  const grid: Grid = {
    heading: ['Програма', 'у редакції станом на 01.06.2025', 'затвердженої рішенням …'],
    header: ['№', 'Захід', '2025 рік'],
    widths: [10, 60, 30],
    rows: [
      { kind: 'section', cells: ['I', '«Розділ»', ''], spans: { 1: 2 } },
      { kind: 'item', cells: ['1.1', 'Захід', '2 000,00'], amounts: [2] },
      // (a title that reads like an amount is text where its column is)
      { kind: 'item', cells: ['1.2', '100,00', '---'], amounts: [2] },
      { kind: 'total', cells: ['Всього', '', '11 181,90'], spans: { 0: 2 }, amounts: [2] },
    ],
  };
  const documentXml = async () => (await (await JSZip.loadAsync(await gridDocx(grid, KNOWN_AT))).file('word/document.xml')?.async('string')) as string;

  it('gives the Word table its columns in proportion, fixed, and each merged cell its span', async () => {
    const xml = await documentXml();
    // landscape A4 less an inch each side: 13,958 twips, shared 10 : 60 : 30
    expect([...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))).toEqual([1396, 8375, 4187]);
    expect(xml).toContain('<w:tblLayout w:type="fixed"/>');
    expect(xml.match(/<w:gridSpan w:val="2"\/>/g)).toHaveLength(2);
  });

  it('sets amounts right with no-break spaces, never splits a row, keeps a section heading with what follows', async () => {
    const xml = await documentXml();
    expect(xml).toMatch(/<w:jc w:val="right"\/>.*2\u00A0000,00/);
    expect(xml).toContain('11\u00A0181,90');
    expect(xml.match(/<w:cantSplit\/>/g)).toHaveLength(5);
    expect(xml.match(/<w:jc w:val="right"\/>/g)).toHaveLength(3);
    expect(xml).toMatch(/<w:keepNext\/>.*«Розділ»/);
    expect(xml).toContain('<w:lang w:val="uk-UA"/>');
  });

  it('heads a column group with its title over its columns, the other headings taking both rows, in Word and in HTML', async () => {
    const grouped: Grid = { ...grid, header: ['№', 'Захід', '2025', '2026'], widths: [10, 50, 20, 20], headerGroup: { first: 2, span: 2, title: 'Обсяги' }, rows: [] };
    const xml = (await (await JSZip.loadAsync(await gridDocx(grouped, KNOWN_AT))).file('word/document.xml')?.async('string')) as string;
    const headerRows = xml.match(/<w:tr>.*?<\/w:tr>/g) as string[];
    expect(headerRows).toHaveLength(2);
    expect(headerRows.map((row) => row.match(/<w:tblHeader\/>/g)?.length)).toEqual([1, 1]);
    // the first row: № and Захід opening a vertical merge, Обсяги across two columns; the second: the merge going on, then the years
    expect(headerRows[0].match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(2);
    expect(headerRows[0]).toMatch(/<w:gridSpan w:val="2"\/>.*Обсяги/);
    expect(headerRows[1].match(/<w:vMerge w:val="continue"\/>/g)).toHaveLength(2);
    expect(headerRows[1]).toMatch(/2025.*2026/);
    expect(gridHtml(grouped)).toContain('<thead><tr><th rowspan="2">№</th><th rowspan="2">Захід</th><th colspan="2">Обсяги</th></tr><tr><th>2025</th><th>2026</th></tr></thead>');
  });

  it('numbers the Word pages in the footer', async () => {
    const zip = await JSZip.loadAsync(await gridDocx(grid, KNOWN_AT));
    const footers = zip.file(/^word\/footer\d*\.xml$/);
    expect(footers).toHaveLength(1);
    expect(await footers[0].async('string')).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
  });

  it('names the Word file by what it is and its date in its properties', async () => {
    const core = (await (await JSZip.loadAsync(await gridDocx(grid, KNOWN_AT))).file('docProps/core.xml')?.async('string')) as string;
    expect(core).toContain('<dc:title>Програма — у редакції станом на 01.06.2025</dc:title>');
  });

  it('prints the HTML page landscape, in the same proportions, amounts right on one line, merged cells spanning', () => {
    const html = gridHtml(grid);
    expect(html).toContain('<colgroup><col style="width:10.00%"><col style="width:60.00%"><col style="width:30.00%"></colgroup>');
    expect(html).toContain('<tr class="section"><td>I</td><td colspan="2">«Розділ»</td></tr>');
    expect(html).toContain('<tr class="item"><td>1.1</td><td>Захід</td><td class="amount">2 000,00</td></tr>');
    expect(html).toContain('<tr class="total"><td colspan="2">Всього</td><td class="amount">11 181,90</td></tr>');
    expect(html).toContain('<tr class="item"><td>1.2</td><td>100,00</td><td class="amount">---</td></tr>');
    expect(html).toMatch(/@page\{size:A4 landscape.*td\.amount\{text-align:right;white-space:nowrap\}/);
    expect(html).toContain('<title>Програма — у редакції станом на 01.06.2025</title>');
  });
});

describe('the annex’s columns', () => {
  it('share the page for a programme of any length: every column some width, the years 7 % each, together at least 14 % and at most half', () => {
    for (let years = 1; years <= 30; years++) {
      const widths = annexWidths(years);
      const yearShare = widths.slice(6, 6 + years).reduce((a, b) => a + b, 0);
      expect({ years, columns: widths.length, narrowest: Math.min(...widths) > 0.5, total: Math.round(widths.reduce((a, b) => a + b, 0) * 1e6) / 1e6 }).toEqual({ years, columns: years + 7, narrowest: true, total: 100 });
      expect(yearShare).toBeGreaterThanOrEqual(14 - 1e-9);
      expect(yearShare).toBeLessThanOrEqual(50 + 1e-9);
      if (years >= 2 && years <= 7) expect(widths[6]).toBe(7);
    }
  });
});
