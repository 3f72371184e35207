import { parse } from 'csv-parse/sync';
import { kyivDateTime } from '../../src/common/clock';
import type { ProgrammeView } from '../../src/programme/read/programme.view';
import { binary, KOROSTEN, startApp, type TestApp } from '../support/app';
import { amend, ANNEX, BUDGET, freshCopy, measureOf, postDecision, registerDecision, registerExecutor, viewOf } from '../support/http-programmes';


const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/**
 * The rows of an exported HTML table (of one kind: item, section, total), header first, each cell as its text; a
 * merged cell's text in its first column and row, the others it covers empty, as a spreadsheet reads them.
 */
const htmlTable = (html: string, kind?: string): string[][] => {
  /** Per column, how many more rows a cell above still covers. */
  const covered: number[] = [];
  return [...html.matchAll(/<tr([^>]*)>(.*?)<\/tr>/g)].flatMap(([, attributes, row]) => {
    const cells: string[] = [];
    const skipCovered = () => {
      while ((covered[cells.length] ?? 0) > 0) {
        covered[cells.length] -= 1;
        cells.push('');
      }
    };
    for (const [, spans, text] of row.matchAll(/<t[hd]((?: [a-z]+="[^"]*")*)>(.*?)<\/t[hd]>/g)) {
      skipCovered();
      const columns = Number(/colspan="(\d+)"/.exec(spans)?.[1] ?? 1);
      const rows = Number(/rowspan="(\d+)"/.exec(spans)?.[1] ?? 1);
      for (let i = 0; i < columns; i++) {
        covered[cells.length] = rows - 1;
        cells.push(i === 0 ? text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))) : '');
      }
    }
    skipCovered();
    return kind === undefined || attributes === ` class="${kind}"` ? [cells] : [];
  });
};

/** The row whose first cells are these. */
const rowOf = (rows: string[][], ...first: string[]) => rows.find((cells) => first.every((text, i) => cells[i] === text));

/** Every record ends in CRLF (RFC 4180); a bare LF could only stand inside a quoted cell, and these hold none. */
const csvRows = (text: string) => {
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  return text.trim().split('\r\n');
};

describe('documents and open data', () => {
  let t: TestApp;
  let amendingDecision: string;
  beforeAll(async () => {
    t = await startApp();
    amendingDecision = (
      await t.http
        .post('/api/v1/decisions')
        .set(t.as('secretariat'))
        .send({ council: 'Коростенська міська рада', convocation: 'VIII', session: 55, number: '1878', adoptedOn: '2025-03-20', title: 'Про внесення змін до Програми' })
        .expect(201)
    ).body.id;
    await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: amendingDecision, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] })
      .expect(201);
  });
  afterAll(async () => t.close());

  it('exports the annex as JSON: the programme view on that date', async () => {
    const exported = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=json&asOf=2025-01-01`).expect(200);
    const view = await t.http.get(`/api/v1/programmes/${KOROSTEN}?asOf=2025-01-01`).expect(200);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="${KOROSTEN}-2025-01-01.json"`);
    expect(JSON.parse(exported.text)).toEqual(view.body);
  });

  it('names an export as known at an instant after that instant too, so two of them are two files', async () => {
    const knownAt = (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).expect(200)).body.knownAt as string;
    const exported = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export`).query({ format: 'csv', asOf: '2025-01-01', knownAt }).expect(200);
    const stamp = knownAt.replace(/[:.]/g, '');
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="${KOROSTEN}-2025-01-01-known-${stamp}.csv"`);
    const diff = await t.http.get(`/api/v1/programmes/${KOROSTEN}/diff/export`).query({ from: '2025-01-01', to: '2025-06-01', knownAt }).expect(200);
    expect(diff.headers['content-disposition']).toMatch(new RegExp(`filename="${KOROSTEN}-diff-2025-01-01-2025-06-01-known-${stamp}\\.(docx|html)"`));
  });

  it('says on the page of a document as known at an instant that it is, in Kyiv time; a document as known now says nothing of it', async () => {
    const knownAt = (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).expect(200)).body.knownAt as string;
    const line = `за даними, внесеними станом на ${kyivDateTime(knownAt)} за київським часом`;
    const annex = (await t.http.get(`/api/v1/programmes/${KOROSTEN}/export`).query({ format: 'html', asOf: '2025-01-01', knownAt }).expect(200)).text;
    expect(annex).toContain(line);
    const table = (await t.http.get(`/api/v1/programmes/${KOROSTEN}/diff/export`).query({ format: 'html', from: '2025-01-01', to: '2025-06-01', knownAt }).expect(200)).text;
    expect(table).toContain(line);
    const now = (await t.http.get(`/api/v1/programmes/${KOROSTEN}/diff/export`).query({ format: 'html', from: '2025-01-01', to: '2025-06-01' }).expect(200)).text;
    expect(now).not.toContain('за даними, внесеними');
  });

  it('exports the annex as CSV: one row per measure and source, dot decimals, empty for none', async () => {
    const res = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=csv&asOf=2025-06-01`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = csvRows(res.text);
    expect(header).toBe('section,section_title,direction,direction_title,measure_id,measure,measure_title,term_from,term_to,executors,funding_source,amount_2024,amount_2025,amount_2026,expected_results');
    expect(rows).toHaveLength(21);
    expect(rows.find((r) => r.includes(',1.1,'))).toMatch(/,75\.00,100\.00,75\.00,/);
    expect(rows.find((r) => r.includes(',4.3,'))).toMatch(/,240\.00,,,/);
  });

  it('writes each measure’s units as the adopted annex does: the first opens the cell with a capital, the rest as the document spells them mid-list', async () => {
    // given the executors cell of each measure on its first line in the annex (a cell may go on after a page
    // break), without the "тощо" (etc.) that names no unit
    const adopted = new Map(
      ANNEX.split('\n')
        .map((line) => line.split('\t'))
        .filter((cells) => /^\d+\.\d+\./.test(cells[2]?.trim() ?? '') && cells[4]?.trim())
        .map((cells) => [/^(\d+\.\d+)\./.exec(cells[2].trim())![1], cells[4].trim().replace(/(?:, тощо)?,?$/, '')]),
    );
    // when
    const rows = htmlTable((await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=html&asOf=2024-06-01`).expect(200)).text);
    // then
    const written = new Map(rows.filter((cells) => /^\d+\.\d+\. /.test(cells[2] ?? '')).map((cells) => [cells[2].split('. ')[0], cells[4]]));
    expect(Object.fromEntries([...adopted].map(([number, cell]) => [number, written.get(number)?.slice(0, cell.length)]))).toEqual(Object.fromEntries(adopted));
  });

  it('exports the annex as HTML and Word in the document’s own style, with its totals', async () => {
    const html = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=html&asOf=2025-06-01`).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    const rows = htmlTable(html.text);
    // headed as the annex is, over two rows: the years under the title of the amounts
    const annexLines = ANNEX.split('\n');
    const annexHeader = annexLines.findIndex((line) => line.startsWith('№ п/п'));
    expect(rows.slice(0, 2)).toEqual(annexLines.slice(annexHeader, annexHeader + 2).map((line) => line.split('\t')));
    expect(rowOf(rows, 'Всього по Програмі')).toEqual(['Всього по Програмі', '', '', '', '', '', '11 206,90', '', '', '']);
    // the label across the columns before the amounts, the programme's total across the years, each amount set right on one line
    expect(html.text).toContain('<td colspan="6">Всього по Програмі</td><td colspan="3" class="amount">11 206,90</td>');
    expect(html.text).toContain('<td class="amount">2 000,00</td>');
    expect(html.text).toMatch(/@page\{size:A4 landscape/);
    // the columns in proportion: the year columns 7 % each, together the page's width
    const widths = [...html.text.matchAll(/<col style="width:([\d.]+)%">/g)].map((m) => Number(m[1]));
    expect([widths.length, widths.slice(6, 9), Math.round(widths.reduce((a, b) => a + b, 0))]).toEqual([10, [7, 7, 7], 100]);
    // the chain under the title agrees with it: the programme "затверджена", where a preamble cites it "затвердженої"
    expect(html.text).toContain('затверджена рішенням 31 сесії VIII скликання від 22.02.2024 (зі змінами, внесеними рішенням від 20.03.2025 № 1878)');
    // dated as the council's documents date things, like the decisions it cites
    expect(html.text).toContain('у редакції станом на 01.06.2025');

    const docx = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=docx`).buffer(true).parse(binary).expect(200);
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const body = docx.body as Buffer;
    // A Word file is a zip whose central directory names its main part.
    expect(body.subarray(0, 2).toString()).toBe('PK');
    expect(body.includes(Buffer.from('word/document.xml'))).toBe(true);

    // and asked for again after a write it does not show (a unit registered), it is the same file, the comparative table too
    const table = () => t.http.get(`/api/v1/programmes/${KOROSTEN}/diff/export?from=2025-01-01&to=2025-06-01&format=docx`).buffer(true).parse(binary).expect(200);
    const tableBefore = (await table()).body as Buffer;
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ, якого документ не називає' }).expect(201);
    await new Promise((later) => setTimeout(later, 2100));
    const again = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=docx`).buffer(true).parse(binary).expect(200);
    expect((again.body as Buffer).equals(body)).toBe(true);
    expect(((await table()).body as Buffer).equals(tableBefore)).toBe(true);
  });

  it('exports the comparative table between two dates (було / стало) with the totals', async () => {
    const res = await t.http.get(`/api/v1/programmes/${KOROSTEN}/diff/export?from=2025-01-01&to=${amendingDecision}`).expect(200);
    // the sides as the council names them: a date as in its documents, a decision by its citation, never an id
    expect(res.text).toMatch(/було: на 01\.01\.2025; стало: у редакції рішення \d+ сесії VIII скликання від 20\.03\.2025 № 1878/);
    expect(res.text).not.toContain(amendingDecision);
    const rows = htmlTable(res.text);
    expect(rowOf(rows, '1.1', 'Обсяг фінансування на 2025 рік, тис. грн')).toEqual(['1.1', 'Обсяг фінансування на 2025 рік, тис. грн', '75,00', '100,00']);
    expect(rowOf(rows, '', 'Всього по Програмі, тис. грн')).toEqual(['', 'Всього по Програмі, тис. грн', '11 181,90', '11 206,90']);
    expect(res.text).toContain('<title>Порівняльна таблиця — Програма');
  });

  it('publishes the open-data sets: one row per programme, one per act, with ISO dates and dot decimals', async () => {
    const programmes = csvRows((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text);
    expect(programmes).toHaveLength(2);
    expect(programmes[0]).toBe(
      'programme_id,title,community,period_from,period_to,publisher,approved_by_act,approved_by_decision_id,approved_on,in_force_from,last_amended_by_act,last_amended_by_decision_id,last_amended_on,amendments_in_force,total_2024,total_2025,total_2026,total,url',
    );
    expect(programmes[1]).toMatch(
      new RegExp(`^${KOROSTEN},Програма розвитку .*,Коростенська міська рада,б/н 2024-02-22,${UUID},2024-02-22,2024-02-22,1878 2025-03-20,${UUID},2025-03-20,1,3887\\.30,3672\\.30,3647\\.30,11206\\.90,http://[^,]+/api/v1/programmes/${KOROSTEN}$`),
    );

    const acts = csvRows((await t.http.get('/api/v1/opendata/amendments.csv').expect(200)).text);
    expect(acts.slice(1).map((row) => [row.split(',')[0], ...row.split(',').slice(2, 5), ...row.split(',').slice(9, 12)])).toEqual([
      ['б/н 2024-02-22', '', '2024-02-22', '2024-02-22', 'approval', KOROSTEN, '1'],
      ['1878 2025-03-20', '1878', '2025-03-20', '2025-03-20', 'amendment', KOROSTEN, '1'],
    ]);
  });

  it('answers 400 for an unknown format and 404 for an unknown programme, as problems', async () => {
    const bad = await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=pdf`).expect(400);
    expect(bad.body.problems).toEqual([expect.objectContaining({ path: 'query:format' })]);
    await t.http.get('/api/v1/programmes/nowhere/export?format=html').expect(404);
  });
});

describe('the annex in a new wording, for a measure paid from two sources', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    const decision = (await postDecision(t, { session: 56, number: '1901', adoptedOn: '2025-04-17' }).expect(201)).body.id;
    // 1.1 gets a second source, with money in 2025 only
    await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: decision, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '50.00', fundingSource: 'Державний бюджет' }] })
      .expect(201);
  });
  afterAll(async () => t.close());

  it('gives the further source a row of its own, with its own amounts, as the council’s annexes do', async () => {
    const html = (await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=html&asOf=2025-06-01`).expect(200)).text;
    const rows = htmlTable(html, 'item');
    const at = rows.findIndex((cells) => cells[2].startsWith('1.1. '));
    expect(rows[at].slice(5, 9)).toEqual(['Бюджет Коростенської міської територіальної громади', '75,00', '75,00', '75,00']);
    expect(rows[at + 1]).toEqual(['', '', '', '', '', 'Державний бюджет', '---', '50,00', '---', '']);
    // a cell of units opens with a capital, whichever spelling of its first unit the directory keeps
    const units = (number: string) => rows.find((cells) => cells[2].startsWith(`${number}. `))?.[4];
    expect(units('1.3')).toMatch(/^Керуючий справами виконавчого комітету міської ради, /);
    expect(units('3.1')).toMatch(/^Заступники міського голови, /);
    // results bulleted and comma-separated, as the annex writes them
    expect(rows.find((cells) => cells[2].startsWith('2.1. '))?.at(-1)).toMatch(/^-Поширено .+, -Проведено мотивацію/);
    expect(rowOf(htmlTable(html), 'Всього по Програмі')?.[6]).toBe('11 231,90');
  });

  it('reads back through the importer as the same programme, words, units, sources and amounts included', async () => {
    // given the exported annex as Word's text of it: the heading the importer looks for, then the table, tab-separated
    const view = (await t.http.get(`/api/v1/programmes/${KOROSTEN}?asOf=2025-06-01`).expect(200)).body as ProgrammeView;
    const table = htmlTable((await t.http.get(`/api/v1/programmes/${KOROSTEN}/export?format=html&asOf=2025-06-01`).expect(200)).text);
    const document = [`Додаток до ${view.title.replace(/^Програма/, 'Програми')}`, '', ...table.map((cells) => cells.join('\t'))].join('\n');
    const decision = (await t.http.get('/api/v1/decisions').expect(200)).body[0].id;

    // when
    const imported = await t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId: 'read-back', decisionId: decision, document }).expect(201);
    // the stated totals it prints agree with its amounts: the one warning is the annex's own mixed-alphabet word
    expect(imported.body.warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('mixes Cyrillic') })]);

    // then every measure carries the same sources and amounts, and the totals agree
    const back = (await t.http.get('/api/v1/programmes/read-back?asOf=2025-06-01').expect(200)).body as ProgrammeView;
    const money = (v: ProgrammeView) => v.sections.flatMap((s) => s.directions.flatMap((d) => d.measures.map((m) => [m.number, m.fundingSources, m.allocations])));
    expect(money(back)).toEqual(money(view));
    expect(back.totals).toEqual(view.totals);
    // and the same words: titles, the units (each cell opens with a capital, one unit whatever its case), every result
    const words = (v: ProgrammeView) => v.sections.flatMap((s) => s.directions.flatMap((d) => d.measures.map((m) => [m.number, m.title, m.executors.map((e) => e.id), m.expectedResults])));
    expect(words(back)).toEqual(words(view));
    expect(view.sections.flatMap((s) => s.directions.flatMap((d) => d.measures)).find((m) => m.number === '2.1')?.expectedResults).toHaveLength(2);
  });
});

describe('the links in the open-data sets', () => {
  const urlsOf = (csv: string) => csvRows(csv).slice(1).filter(Boolean).map((row) => row.split(',').at(-1));

  it('point at PUBLIC_URL when it is set, whatever Host the request names, as the OpenAPI document does', async () => {
    const t = await startApp({ env: { PUBLIC_URL: 'https://rada.example/tracker/' } });
    try {
      const csv = (await t.http.get('/api/v1/opendata/programmes.csv').set('Host', 'evil.example').expect(200)).text;
      expect(urlsOf(csv)).toEqual([`https://rada.example/tracker/api/v1/programmes/${KOROSTEN}`]);
      // and so does the OpenAPI document, for generated clients and the page's "Try it out", on both its addresses
      expect((await t.http.get('/docs-json').expect(200)).body.servers).toEqual([{ url: 'https://rada.example/tracker' }]);
      expect((await t.http.get('/docs/json').expect(200)).body.servers).toEqual([{ url: 'https://rada.example/tracker' }]);
    } finally {
      await t.close();
    }
  });

  it('behind a proxy named in TRUST_PROXY, point at the scheme and host it forwards, and refuse a scheme no link opens with', async () => {
    const t = await startApp({ env: { TRUST_PROXY: 'loopback' } });
    try {
      const csv = (await t.http.get('/api/v1/opendata/programmes.csv').set({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'rada.example' }).expect(200)).text;
      expect(urlsOf(csv)).toEqual([`https://rada.example/api/v1/programmes/${KOROSTEN}`]);
      const res = await t.http.get('/api/v1/opendata/programmes.csv').set({ 'X-Forwarded-Proto': 'javascript:alert(1)//' }).expect(400);
      expect(res.body).toMatchObject({ code: 'InvalidScheme', problems: [expect.objectContaining({ path: 'header:X-Forwarded-Proto' })] });
    } finally {
      await t.close();
    }
  });

  it('point at the request’s own scheme and host when it is not', async () => {
    const t = await startApp();
    try {
      const csv = (await t.http.get('/api/v1/opendata/programmes.csv').set('Host', 'tracker.local:8080').expect(200)).text;
      expect(urlsOf(csv)).toEqual([`http://tracker.local:8080/api/v1/programmes/${KOROSTEN}`]);
      for (const host of ['[::1]:3000', '127.0.0.1', 'tracker_api:3000', 'rada.example.']) await t.http.get('/api/v1/opendata/amendments.csv').set('Host', host).expect(200);
      // and a Host no link can hold is a 400 at the header, not a dataset of broken links
      for (const host of ['a"b,c', 'x y', 'tracker.local:80a', 'example.com:99999']) {
        const res = await t.http.get('/api/v1/opendata/programmes.csv').set('Host', host).expect(400);
        expect(res.body).toMatchObject({ code: 'InvalidHost', problems: [expect.objectContaining({ path: 'header:Host' })] });
      }
    } finally {
      await t.close();
    }
  });
});

describe('on programmes of their own: the annex as CSV, the comparative table of a co-funded measure, open data', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ seed: false })));
  afterAll(async () => t.close());

  it('exports a measure with no funding source yet as a CSV row of its own, with empty amounts, as the documents show it', async () => {
    const programmeId = await freshCopy(t, 'csv-unfunded');
    const decisionId = await registerDecision(t, '2025-04-01');
    const measure = { op: 'addMeasure', number: '1.7', direction: '1', title: 'Захід без фінансування', term: { from: 2025, to: 2026 }, executors: [], fundingSources: [], expectedResults: [] };
    await amend(t, programmeId, { decisionId, changes: [measure] }).expect(201);
    const rows = csvRows((await t.http.get(`/api/v1/programmes/${programmeId}/export?format=csv&asOf=2025-06-01`).expect(200)).text).slice(1);
    expect(rows).toHaveLength(22);
    expect(rows.find((r) => r.includes(',1.7,'))).toMatch(/,Захід без фінансування,2025,2026,,,,,,$/);
  });

  it('writes results in the comparative table bulleted, as the annex does, so a result with a semicolon stays one', async () => {
    // given
    const programmeId = await freshCopy(t, 'diff-results');
    const decisionId = await registerDecision(t, '2025-04-01');
    await amend(t, programmeId, { decisionId, changes: [{ op: 'changeExpectedResults', measure: '2.2', expectedResults: ['перший; з крапкою з комою', 'другий'] }] }).expect(201);

    // when
    const res = await t.http.get(`/api/v1/programmes/${programmeId}/diff/export?from=2025-01-01&to=2025-06-01&format=html`).expect(200);

    // then
    expect(res.text).toMatch(/<td>2\.2<\/td><td>Очікувані результати<\/td><td>-[^<]*<\/td><td>-перший; з крапкою з комою, -другий<\/td>/);
  });

  it('shows a measure added or removed whole in the comparative table: title, term, units, each source’s amounts, results', async () => {
    // given a decision that adds a co-funded measure with a unit and strikes out 2.9
    const programmeId = await freshCopy(t, 'diff-whole');
    const decisionId = await registerDecision(t, '2025-04-01');
    const unit = await registerExecutor(t, 'Сектор серверного обслуговування');
    const removed = measureOf(await viewOf(t, programmeId, { asOf: '2025-01-01' }), '2.9');
    const added = {
      op: 'addMeasure',
      number: '4.4',
      title: 'Придбання серверного обладнання',
      term: { from: 2025, to: 2026 },
      executors: [unit],
      fundingSources: [
        { source: BUDGET, allocations: { '2025': '120.50', '2026': '80.00' } },
        { source: 'Державний бюджет', allocations: { '2026': '10.00' } },
      ],
      expectedResults: ['Оновлено сервери'],
    };
    await amend(t, programmeId, { decisionId, changes: [added, { op: 'removeMeasure', measure: '2.9' }] }).expect(201);

    // when
    const query = `from=2025-01-01&to=2025-06-01`;
    const diff = (await t.http.get(`/api/v1/programmes/${programmeId}/diff?${query}`).expect(200)).body as { rows: { number: string; field: string; was: unknown; became: unknown }[] };
    const html = (await t.http.get(`/api/v1/programmes/${programmeId}/diff/export?${query}&format=html`).expect(200)).text;

    // then the data names all it carries, units by name
    expect(diff.rows.find((row) => row.number === '4.4' && row.field === 'measure')).toMatchObject({
      was: null,
      became: {
        title: 'Придбання серверного обладнання',
        term: { from: 2025, to: 2026 },
        executors: ['Сектор серверного обслуговування'],
        fundingSources: [
          { source: BUDGET, allocations: { '2024': null, '2025': '120.50', '2026': '80.00' } },
          { source: 'Державний бюджет', allocations: { '2024': null, '2025': null, '2026': '10.00' } },
        ],
        allocations: { '2024': null, '2025': '120.50', '2026': '90.00' },
        expectedResults: ['Оновлено сервери'],
      },
    });
    expect(diff.rows.find((row) => row.number === '2.9' && row.field === 'measure')).toMatchObject({ was: { title: removed.title, expectedResults: removed.expectedResults }, became: null });
    // and the document line by line, the one struck out said to be
    const rows = htmlTable(html);
    expect(rowOf(rows, '4.4', 'Захід')).toEqual([
      '4.4',
      'Захід',
      '—',
      [
        'Придбання серверного обладнання',
        'Термін виконання: 2025-2026 рр.',
        'Виконавці: Сектор серверного обслуговування',
        `${BUDGET}, тис. грн: 2024: ---; 2025: 120,50; 2026: 80,00`,
        'Державний бюджет, тис. грн: 2024: ---; 2025: ---; 2026: 10,00',
        'Разом, тис. грн: 2024: ---; 2025: 120,50; 2026: 90,00',
        'Очікувані результати: -Оновлено сервери',
      ].join('<br>'),
    ]);
    const struck = rowOf(rows, '2.9', 'Захід');
    expect(struck?.[2]).toMatch(new RegExp(`^${removed.title.slice(0, 20)}.*<br>Термін виконання: .*<br>Виконавці: .*<br>${BUDGET}, тис. грн: 2024: `));
    expect(struck?.[3]).toBe('виключено');
  });

  it('exports a programme extended to seventeen years as Word and HTML, every column of some width', async () => {
    const programmeId = await freshCopy(t, 'long-period');
    const decisionId = await registerDecision(t, '2025-04-01');
    await amend(t, programmeId, { decisionId, changes: [{ op: 'extendPeriod', to: 2040 }] }).expect(201);

    const docx = await t.http.get(`/api/v1/programmes/${programmeId}/export?format=docx&asOf=2025-06-01`).buffer(true).parse(binary);
    expect(docx.status).toBe(200);
    const html = (await t.http.get(`/api/v1/programmes/${programmeId}/export?format=html&asOf=2025-06-01`).expect(200)).text;
    const widths = [...html.matchAll(/<col style="width:(-?[\d.]+)%">/g)].map((m) => Number(m[1]));
    expect([widths.length, Math.min(...widths) > 0]).toEqual([24, true]);
  });

  it('writes a list in one CSV cell as a JSON array, read back item by item whatever the items hold', async () => {
    // given a measure whose results hold a semicolon and a line break
    const programmeId = await freshCopy(t, 'csv-lists');
    const decisionId = await registerDecision(t, '2025-04-01');
    const results = ['перший результат; з крапкою з комою', 'другий,\nу два рядки'];
    await amend(t, programmeId, { decisionId, changes: [{ op: 'changeExpectedResults', measure: '2.2', expectedResults: results }] }).expect(201);

    // when
    const rows = parse((await t.http.get(`/api/v1/programmes/${programmeId}/export?format=csv&asOf=2025-06-01`).expect(200)).text, { columns: true }) as Record<string, string>[];

    // then
    const row = rows.find((r) => r.measure === '2.2')!;
    expect(JSON.parse(row.expected_results)).toEqual(results);
    expect(JSON.parse(rows.find((r) => r.measure === '1.1')!.executors)).toEqual(expect.arrayContaining([expect.stringMatching(/^Виконавчий комітет/)]));
  });

  it('writes a cell that a spreadsheet would run as a formula with a leading apostrophe in the audit trail, made for spreadsheets, and leaves the annex data set and the JSON as typed', async () => {
    // given a title and a result that open with "=" and "@", and a title reworded to open with "+"
    const programmeId = await freshCopy(t, 'csv-formula');
    const decisionId = await registerDecision(t, '2025-04-01');
    const title = '=HYPERLINK("http://example.com","Захід")';
    const measure = { op: 'addMeasure', number: '1.7', direction: '1', title, term: { from: 2025, to: 2026 }, executors: [], fundingSources: [], expectedResults: ['@SUM(1+1)'] };
    await amend(t, programmeId, { decisionId, changes: [measure, { op: 'rewordMeasure', measure: '1.2', title: '+ членські внески' }] }).expect(201);

    // when both are exported as CSV
    const annex = parse((await t.http.get(`/api/v1/programmes/${programmeId}/export?format=csv&asOf=2025-06-01`).expect(200)).text, { columns: true }) as Record<string, string>[];
    const audit = parse((await t.http.get(`/api/v1/programmes/${programmeId}/audit/export`).query({ decision: decisionId }).set(t.as('auditor')).expect(200)).text, { columns: true, bom: true }) as Record<string, string>[];

    // then the audit trail's cells are text to a spreadsheet, dates untouched, while the annex data set keeps what was typed
    expect(audit.map((r) => r.became)).toEqual([expect.stringMatching(/^\{"number":"1.7","title":"=HYPERLINK/), "'+ членські внески"]);
    const row = annex.find((r) => r.measure === '1.7')!;
    expect([row.measure_title, row.expected_results, row.term_from]).toEqual([title, '["@SUM(1+1)"]', '2025']);
    expect(audit[0].effective_from).toBe('2025-04-01');
    // and the JSON view keeps the title as typed
    const view = (await t.http.get(`/api/v1/programmes/${programmeId}?asOf=2025-06-01`).expect(200)).body as ProgrammeView;
    expect(view.sections[0].directions[0].measures.find((m) => m.number === '1.7')?.title).toBe(title);
  });

  it('the comparative table of a co-funded measure has a row per source whose amount moved, though the measure’s sum stays, in JSON and in the document', async () => {
    // given 1.1 co-funded from 2025-03-20 (75.00 from the budget, 25.00 from the state), then the split turned round from 2025-06-20
    const programmeId = await freshCopy(t, 'co-funded-diff');
    const first = await registerDecision(t, '2025-03-20');
    const second = await registerDecision(t, '2025-06-20');
    await amend(t, programmeId, { decisionId: first, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, fundingSource: 'Державний бюджет', amount: '25.00' }] }).expect(201);
    const view = (await t.http.get(`/api/v1/programmes/${programmeId}?asOf=2025-04-01`).expect(200)).body;
    const budget: string = view.sections[0].directions[0].measures[0].fundingSources[0].source;
    await amend(t, programmeId, {
      decisionId: second,
      changes: [
        { op: 'setAllocation', measure: '1.1', year: 2025, fundingSource: budget, amount: '25.00', was: '75.00' },
        { op: 'setAllocation', measure: '1.1', year: 2025, fundingSource: 'Державний бюджет', amount: '75.00', was: '25.00' },
      ],
    }).expect(201);

    // when
    const diff = (await t.http.get(`/api/v1/programmes/${programmeId}/diff?from=${first}&to=${second}`).expect(200)).body;
    const html = (await t.http.get(`/api/v1/programmes/${programmeId}/diff/export?from=${first}&to=${second}&format=html`).expect(200)).text;

    // then
    expect(diff.rows).toEqual([
      { measureId: expect.any(String), number: '1.1', field: 'allocations.2025', fundingSource: budget, was: '75.00', became: '25.00' },
      { measureId: expect.any(String), number: '1.1', field: 'allocations.2025', fundingSource: 'Державний бюджет', was: '25.00', became: '75.00' },
    ]);
    expect(diff.totals.was).toEqual(diff.totals.became);
    expect(html).toContain('Обсяг фінансування на 2025 рік, тис. грн: Державний бюджет');
  });

  it('the comparative table shows a co-funding source a decision adds with its own row (— → amount) beside the measure’s sum', async () => {
    // given 1.1 funded from the budget alone
    const programmeId = await freshCopy(t, 'co-funding-added');
    const decision = await registerDecision(t, '2025-03-20');

    // when the state budget joins it with 25.00 in 2025
    await amend(t, programmeId, { decisionId: decision, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, fundingSource: 'Державний бюджет', amount: '25.00' }] }).expect(201);
    const diff = (await t.http.get(`/api/v1/programmes/${programmeId}/diff?from=2025-03-19&to=${decision}`).expect(200)).body;

    // then the sum, the list of sources and the new source's own amount each have a row
    expect(diff.rows.map((r: { field: string; fundingSource?: string; was: unknown; became: unknown }) => [r.field, r.fundingSource, r.was, r.became])).toEqual([
      ['fundingSources', undefined, [expect.any(String)], [expect.any(String), 'Державний бюджет']],
      ['allocations.2025', undefined, '75.00', '100.00'],
      ['allocations.2025', 'Державний бюджет', null, '25.00'],
    ]);
  });

  it('the open-data set of programmes names as last amending the act adopted last among those in force, as the amendment chain does', async () => {
    // given an act of 2025-02-01 taking effect on 2025-05-01, and one adopted later, on 2025-03-01, in force at once
    const programmeId = await freshCopy(t, 'open-data-last');
    const adoptedFirst = await postDecision(t, { session: 70, number: '7000', adoptedOn: '2025-02-01', effectiveFrom: '2025-05-01' }).expect(201);
    const adoptedLast = await postDecision(t, { session: 71, number: '7100', adoptedOn: '2025-03-01' }).expect(201);
    await amend(t, programmeId, { decisionId: adoptedFirst.body.id, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '80.00' }] }).expect(201);
    await amend(t, programmeId, { decisionId: adoptedLast.body.id, changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00' }] }).expect(201);

    // when
    const rows = parse((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text, { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r.programme_id === programmeId);

    // then
    expect([row?.last_amended_by_act, row?.last_amended_on]).toEqual(['7100 2025-03-01', '2025-03-01']);
    expect((await t.http.get(`/api/v1/programmes/${programmeId}`).expect(200)).body.amendmentChain).toMatch(/від 01\.03\.2025 № 7100\)$/);
  });

  it('of two acts adopted on one day, the open-data set names as last amending the one the amendment chain cites last', async () => {
    // given A and B adopted on 2025-06-10: A amends from 07-01, B from 07-01 after it, then A again from 06-15 (dated back)
    const programmeId = await freshCopy(t, 'open-data-same-day');
    const a = await postDecision(t, { session: 73, number: '7300', adoptedOn: '2025-06-10' }).expect(201);
    const b = await postDecision(t, { session: 74, number: '7400', adoptedOn: '2025-06-10' }).expect(201);
    const cell = (amount: string) => [{ op: 'setAllocation', measure: '1.1', year: 2025, amount }];
    await amend(t, programmeId, { decisionId: a.body.id, effectiveFrom: '2025-07-01', changes: cell('81.00') }).expect(201);
    await amend(t, programmeId, { decisionId: b.body.id, effectiveFrom: '2025-07-01', changes: cell('82.00') }).expect(201);
    await amend(t, programmeId, { decisionId: a.body.id, effectiveFrom: '2025-06-15', changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '83.00' }] }).expect(201);

    // when
    const rows = parse((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text, { columns: true }) as Record<string, string>[];

    // then both name B, and the set counts the three amendments
    const chain = (await t.http.get(`/api/v1/programmes/${programmeId}`).expect(200)).body.amendmentChain as string;
    const row = rows.find((r) => r.programme_id === programmeId);
    expect(chain).toMatch(/№ 7400\)$/);
    expect([row?.last_amended_by_act, row?.amendments_in_force]).toEqual(['7400 2025-06-10', '3']);
  });

  it('the open-data set of acts tells apart two acts without a number adopted on one day, and dates each row by when the act amends that programme', async () => {
    // given two unnumbered acts of one day, one of them amending from a later date than its own
    const programmeId = await freshCopy(t, 'open-data-unnumbered');
    const first = await postDecision(t, { session: 73, number: null, adoptedOn: '2025-05-05' }).expect(201);
    const second = await postDecision(t, { session: 73, number: null, adoptedOn: '2025-05-05', title: 'Про внесення інших змін' }).expect(201);
    await amend(t, programmeId, { decisionId: first.body.id, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '91.00' }] }).expect(201);
    await amend(t, programmeId, { decisionId: second.body.id, effectiveFrom: '2026-01-01', changes: [{ op: 'setAllocation', measure: '1.1', year: 2026, amount: '92.00' }] }).expect(201);

    // when
    const rows = parse((await t.http.get('/api/v1/opendata/amendments.csv').expect(200)).text, { columns: true }) as Record<string, string>[];

    // then both rows share the act id DESIGN §7 makes, and each has its own decision id and effective date
    const ofDay = rows.filter((r) => r.programme_id === programmeId && r.act_id === 'б/н 2025-05-05').map((r) => [r.decision_id, r.adopted_on, r.effective_from]);
    expect(ofDay.sort()).toEqual(
      [
        [first.body.id, '2025-05-05', '2025-05-05'],
        [second.body.id, '2025-05-05', '2026-01-01'],
      ].sort(),
    );
    const programme = (parse((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text, { columns: true }) as Record<string, string>[]).find((r) => r.programme_id === programmeId);
    expect(programme?.last_amended_by_decision_id).toBe(second.body.id);
  });

  it('dates an act that amends one programme from two dates by the earlier, and both sets date the approving act alike', async () => {
    // given an act whose second amendment to a programme takes effect before its first
    const programmeId = await freshCopy(t, 'open-data-two-dates');
    const act = await postDecision(t, { session: 74, number: '7400-2', adoptedOn: '2025-05-10' }).expect(201);
    await amend(t, programmeId, { decisionId: act.body.id, effectiveFrom: '2025-08-01', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '93.00' }] }).expect(201);
    await amend(t, programmeId, { decisionId: act.body.id, effectiveFrom: '2025-06-01', changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '94.00' }] }).expect(201);

    // when
    const acts = parse((await t.http.get('/api/v1/opendata/amendments.csv').expect(200)).text, { columns: true }) as Record<string, string>[];
    const programmes = parse((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text, { columns: true }) as Record<string, string>[];

    // then the act's row is dated by its earlier amendment, and counts both
    const row = acts.find((r) => r.programme_id === programmeId && r.decision_id === act.body.id);
    expect([row?.effective_from, row?.amendments]).toEqual(['2025-06-01', '2']);
    // and the programme is in force from the date its approving act's row gives
    const approval = acts.find((r) => r.programme_id === programmeId && r.kind === 'approval');
    expect(programmes.find((r) => r.programme_id === programmeId)?.in_force_from).toBe(approval?.effective_from);
  });

  it('dates a programme in force from its initial wording, also when its approving decision is since corrected to an earlier date', async () => {
    // given a programme approved by a decision of 20.03.2025, whose date is then corrected to an earlier one
    const approving = await postDecision(t, { session: 75, number: '7500', adoptedOn: '2025-03-20' }).expect(201);
    await t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId: 'open-data-approved-earlier', decisionId: approving.body.id, document: ANNEX }).expect(201);
    await t.http.post(`/api/v1/decisions/${approving.body.id}/corrections`).set(t.as('secretariat')).send({ effectiveFrom: '2025-03-01' }).expect(201);

    // when
    const programmes = parse((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text, { columns: true }) as Record<string, string>[];
    const acts = parse((await t.http.get('/api/v1/opendata/amendments.csv').expect(200)).text, { columns: true }) as Record<string, string>[];

    // then both sets give the date its initial wording takes effect from, as the programme's views do
    expect(programmes.find((r) => r.programme_id === 'open-data-approved-earlier')?.in_force_from).toBe('2025-03-20');
    expect(acts.find((r) => r.programme_id === 'open-data-approved-earlier' && r.kind === 'approval')?.effective_from).toBe('2025-03-20');
    await t.http.get('/api/v1/programmes/open-data-approved-earlier').query({ asOf: '2025-03-19' }).expect(404);
  });

  it('the open-data set of acts tells an act that amends one programme and approves another, programme by programme', async () => {
    // given one act amending a programme and approving another imported under it
    const amended = await freshCopy(t, 'open-data-amended');
    const act = await postDecision(t, { session: 72, number: '7200', adoptedOn: '2025-04-01' }).expect(201);
    await amend(t, amended, { decisionId: act.body.id, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '90.00' }] }).expect(201);
    await t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId: 'open-data-approved', decisionId: act.body.id, document: ANNEX }).expect(201);

    // when
    const rows = parse((await t.http.get('/api/v1/opendata/amendments.csv').expect(200)).text, { columns: true }) as Record<string, string>[];

    // then
    const ofAct = rows.filter((r) => r.act_id === '7200 2025-04-01').map((r) => [r.programme_id, r.kind, r.amendments]);
    expect(ofAct.sort()).toEqual([
      [amended, 'amendment', '1'],
      ['open-data-approved', 'approval', '1'],
    ]);
  });
});

describe('an open-data set asked for again', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());
  // Each request of the test client comes from a port of its own, which the sets' links would name.
  const get = (url: string) => t.http.get(url).set('Host', 'tracker.local');

  it('answers 304 with no body while the set is unchanged, and the set under a new ETag once an amendment changes it', async () => {
    for (const url of ['/api/v1/opendata/programmes.csv', '/api/v1/opendata/amendments.csv']) {
      const first = await get(url).expect(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^W\/"[\w-]+"$/);
      // a cache may keep it, as long as it asks again
      expect(first.headers['cache-control']).toBe('no-cache');
      expect((await get(url).expect(200)).headers.etag).toBe(etag);

      const unchanged = await get(url).set('If-None-Match', etag).set('Accept-Encoding', 'gzip').expect(304);
      expect(unchanged.text ?? '').toBe('');
      expect(unchanged.headers).toMatchObject({ etag, 'cache-control': 'no-cache', vary: 'accept-encoding' });
      // a Content-Length on a 304 may only be the 200's (RFC 9110 §8.6)
      expect(unchanged.headers['content-length']).toBeUndefined();
      expect([unchanged.headers['content-type'], unchanged.headers['content-disposition']]).toEqual([undefined, undefined]);
      const head = await t.http.head(url).set('Host', 'tracker.local').set('If-None-Match', `W/"another", ${etag.slice(2)}`).expect(304);
      expect(head.headers['content-length']).toBe(String(Buffer.byteLength(first.text)));
      await get(url).set('If-None-Match', '*').expect(304);
      expect((await get(url).set('If-None-Match', 'W/"another"').expect(200)).text).toBe(first.text);
    }

    const before = await get('/api/v1/opendata/amendments.csv').expect(200);
    const totalsBefore = await get('/api/v1/opendata/programmes.csv').expect(200);
    const decisionId = await registerDecision(t, '2025-03-20');
    await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] }).expect(201);
    for (const [url, old] of [['/api/v1/opendata/amendments.csv', before], ['/api/v1/opendata/programmes.csv', totalsBefore]] as const) {
      const changed = await get(url).set('If-None-Match', old.headers.etag as string).expect(200);
      expect(changed.text).not.toBe(old.text);
      expect(changed.headers.etag).not.toBe(old.headers.etag);
    }
  });

  it('gives a packed answer the tag of the unpacked one, so that either is asked again with it', async () => {
    // acts enough for the set to pass the 1 KiB from which answers are packed
    for (const [month, amount] of [['04', '101.00'], ['05', '102.00'], ['06', '103.00']]) {
      const decisionId = await registerDecision(t, `2025-${month}-10`);
      await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount }] }).expect(201);
    }
    const url = '/api/v1/opendata/amendments.csv';
    const plain = await get(url).set('Accept-Encoding', 'identity').expect(200);
    expect(Buffer.byteLength(plain.text)).toBeGreaterThan(1024);
    const packed = await get(url).set('Accept-Encoding', 'gzip').expect(200);
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers.etag).toBe(plain.headers.etag);
    await get(url).set('Accept-Encoding', 'identity').set('If-None-Match', packed.headers.etag as string).expect(304);
  });

  it('gives each host its own tag, as the set links to the host it was asked from', async () => {
    const url = '/api/v1/opendata/programmes.csv';
    const here = await get(url).expect(200);
    await t.http.get(url).set('Host', 'rada.example').set('If-None-Match', here.headers.etag as string).expect(200);
  });
});
