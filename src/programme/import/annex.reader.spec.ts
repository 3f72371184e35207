import * as fs from 'fs';
import * as path from 'path';
import type { Annex, AnnexMeasure, AnnexReading } from './annex.model';
import { readAnnex } from './annex.reader';

const korosten = fs.readFileSync(path.join(__dirname, '../../../examples/korosten-self-government-2024-2026.txt'), 'utf8');

// ─── Variants of the real document ──────────────────────────────────────────────────────────────────────────────

function linesOf(doc: string): string[] {
  return doc.split('\n');
}

/** Line numbers are 1-based, as in `cat -n`. */
function replaceLine(doc: string, line: number, text: string): string {
  const lines = linesOf(doc);
  lines[line - 1] = text;
  return lines.join('\n');
}

function replaceCell(doc: string, line: number, cell: number, text: string): string {
  const cells = linesOf(doc)[line - 1].split('\t');
  cells[cell] = text;
  return replaceLine(doc, line, cells.join('\t'));
}

function insertAfter(doc: string, line: number, ...inserted: string[]): string {
  const lines = linesOf(doc);
  lines.splice(line, 0, ...inserted);
  return lines.join('\n');
}

function removeLines(doc: string, from: number, to: number): string {
  const lines = linesOf(doc);
  lines.splice(from - 1, to - from + 1);
  return lines.join('\n');
}

function lineNumberOf(doc: string, fragment: string): number {
  return linesOf(doc).findIndex((l) => l.includes(fragment)) + 1;
}

/** A table row: № | direction | measure | term | executors | source | 2024 | 2025 | 2026 | results. */
function row(...cells: string[]): string {
  return [...cells, ...Array(10 - cells.length).fill('')].join('\t');
}

// ─── Reading ────────────────────────────────────────────────────────────────────────────────────────────────────

function annexOf(reading: AnnexReading): Annex {
  if (!reading.ok) throw new Error(`expected an annex, got errors: ${JSON.stringify(reading.errors)}`);
  return reading.annex;
}

/** The annex's one typing slip: three Arabic letters in "Короستنень" (3.4's title, line 52 of the document). */
const slipOnLine = (line: number) => ({ line, message: 'the word "Короستنень" mixes Cyrillic with other letters' });

function warningsOf(reading: AnnexReading) {
  if (!reading.ok) throw new Error(`expected an annex, got errors: ${JSON.stringify(reading.errors)}`);
  return reading.warnings;
}

function errorsOf(reading: AnnexReading) {
  if (reading.ok) throw new Error('expected errors, got an annex');
  return reading.errors;
}

function measuresOf(annex: Annex): AnnexMeasure[] {
  return annex.sections.flatMap((s) => s.directions.flatMap((d) => d.measures));
}

function measure(annex: Annex, number: string): AnnexMeasure {
  const found = measuresOf(annex).find((m) => m.number === number);
  if (!found) throw new Error(`no measure ${number}`);
  return found;
}

const THOUSAND = 100_000;

describe('readAnnex', () => {
  describe('given the Korosten self-government programme annex as Word exports it', () => {
    // when
    const reading = readAnnex(korosten);
    const annex = annexOf(reading);

    it('then it reads the whole document, warning only of the word that mixes alphabets', () => {
      expect(warningsOf(reading)).toEqual([slipOnLine(52)]);
    });

    it('then it reads the decision the annex belongs to, not yet numbered', () => {
      expect(annex.decision).toEqual({
        council: 'Коростенська міська рада',
        session: 31,
        convocation: 'VIII',
        adoptedOn: '2024-02-22',
        number: null,
        line: 3,
      });
    });

    it('then it names the programme and its community in the nominative, with its period and years', () => {
      expect(annex.title).toBe(
        'Програма розвитку місцевого самоврядування Коростенської міської територіальної громади на 2024-2026 роки',
      );
      expect(annex.titleAsCited).toBe('Програми розвитку місцевого самоврядування Коростенської міської територіальної громади на 2024-2026 роки');
      expect(annex.community).toBe('Коростенська міська територіальна громада');
      expect(annex.period).toEqual({ from: 2024, to: 2026 });
      expect(annex.years).toEqual([2024, 2025, 2026]);
    });

    it('then it reads four sections, titled without guillemets, each with one direction', () => {
      expect(annex.sections.map((s) => [s.number, s.title, s.line])).toEqual([
        ['I', 'Розвиток місцевого самоврядування', 17],
        ['II', 'Формування іміджу територіальної громади міста', 26],
        ['III', 'Залучення територіальної громади міста до вирішення питань місцевого значення', 46],
        ['IV', 'Матеріально-технічна база органів місцевого самоврядування', 55],
      ]);
      expect(annex.sections.map((s) => s.directions.map((d) => [d.number, d.line]))).toEqual([
        [['1', 18]],
        [[null, 27]],
        [[null, 47]],
        [[null, 56]],
      ]);
      expect(annex.sections[0].directions[0].title).toBe('Сприяння розвитку місцевого самоврядування та обмін досвідом');
      expect(annex.sections[1].directions[0].title).toBe(
        'Формування позитивного іміджу територіальної громади, органів місцевого самоврядування',
      );
    });

    it('reads a section title without the quotes around it, as the API keeps one: nested, unpaired, or two quoted names kept whole', () => {
      const titleOf = (line: string) => annexOf(readAnnex(korosten.replace('«Розвиток місцевого самоврядування»\t', `${line}\t`))).sections[0].title;
      expect(titleOf('«Програма „Розвиток місцевого самоврядування“»')).toBe('Програма „Розвиток місцевого самоврядування“');
      expect(titleOf('«Розвиток місцевого самоврядування')).toBe('Розвиток місцевого самоврядування');
      expect(titleOf('«Розвиток» і «самоврядування»')).toBe('«Розвиток» і «самоврядування»');
    });

    it('then it reads 21 measures, numbered without the trailing dot', () => {
      expect(measuresOf(annex).map((m) => m.number)).toEqual([
        '1.1', '1.2', '1.3', '1.4',
        '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10',
        '3.1', '3.2', '3.3', '3.4',
        '4.1', '4.2', '4.3',
      ]);
    });

    it('then every measure is financed from the community budget, each amount exact in kopecks and "---" as none', () => {
      const everyYear = (thousands: number | null) => (thousands === null ? [null, null, null] : Array(3).fill(thousands * THOUSAND));
      const expected: Record<string, (number | null)[]> = {
        '1.1': everyYear(75), '1.2': everyYear(150), '1.3': everyYear(300), '1.4': everyYear(50),
        '2.1': everyYear(270), '2.2': everyYear(50), '2.3': everyYear(85), '2.4': everyYear(70), '2.5': everyYear(100),
        '2.6': everyYear(250), '2.7': everyYear(null), '2.8': everyYear(null), '2.9': everyYear(null), '2.10': everyYear(null),
        '3.1': everyYear(50), '3.2': everyYear(null), '3.3': everyYear(50), '3.4': everyYear(2000),
        '4.1': [4_080_000, 4_080_000, 4_080_000], '4.2': [10_650_000, 10_650_000, 10_650_000], '4.3': [24_000_000, null, null],
      };
      for (const m of measuresOf(annex)) {
        expect([m.number, m.fundingSources.map((f) => f.source)]).toEqual([m.number, ['Бюджет Коростенської міської територіальної громади']]);
        const { allocations } = m.fundingSources[0];
        expect([m.number, allocations['2024'], allocations['2025'], allocations['2026']]).toEqual([m.number, ...expected[m.number]]);
      }
      expect(measure(annex, '1.1').fundingSources[0].allocations['2024']).toBe(7_500_000);
      expect(measure(annex, '3.4').fundingSources[0].allocations['2024']).toBe(200_000_000);
    });

    it('then its measures add up to the stated totals: 3887.30, 3647.30, 3647.30 a year, 11181.90 in all', () => {
      const inYear = (year: string) =>
        measuresOf(annex).reduce((sum, m) => sum + m.fundingSources.reduce((s, f) => s + (f.allocations[year] ?? 0), 0), 0);
      expect([inYear('2024'), inYear('2025'), inYear('2026')]).toEqual([388_730_000, 364_730_000, 364_730_000]);
      expect(inYear('2024') + inYear('2025') + inYear('2026')).toBe(1_118_190_000);
    });

    it('then a term reads as a range of years, "2024- 2026рр." included, and "2024р." as one year', () => {
      expect(measure(annex, '1.1').term).toEqual({ from: 2024, to: 2026 });
      expect(measure(annex, '3.4').term).toEqual({ from: 2024, to: 2026 });
      expect(measure(annex, '4.3').term).toEqual({ from: 2024, to: 2024 });
    });

    it('then a measure title cut by a page break is joined whole, and its lines are all recorded', () => {
      const m = measure(annex, '1.2');
      expect(m.title).toBe(
        'Закупівля предметів, матеріалів та продукції, призначених для відзначення, нагородження, а також забезпечення проведення протокольних заходів',
      );
      expect(m.lines).toEqual([19, 21]);
      expect(measure(annex, '2.4').title).toBe(
        'Придбання презентаційних матеріалів про громаду (буклети, плакати, сувенірна продукція, флаєри, пакети, ручки, блокноти, постери, листівки, конверти та інші інформаційні матеріали українською та/або іноземними мовами)',
      );
      expect(measure(annex, '3.3').title).toBe(
        'Проведення системного моніторингу громадської думки, соціологічних опитувань, громадських обговорень актуальних проблем життєдіяльності громади',
      );
      expect(measure(annex, '1.4').title).toBe('Придбання атрибутики міста, державної та протокольної атрибутики');
    });

    it('then an executor whose name holds a comma stays one executor', () => {
      expect(measure(annex, '1.3').executors).toEqual([
        'Керуючий справами виконавчого комітету міської ради',
        'відділ з питань внутрішньої політики, оргроботи та контролю',
        'відділ регулювання торгівлі та побутового обслуговування населення',
      ]);
      expect(measure(annex, '3.1').executors).toEqual([
        'Заступники міського голови',
        'керуючий справами',
        'начальники відділів та управлінь виконавчого комітету міської ради',
        'керівники комунальних підприємств, громадських організацій',
      ]);
      expect(measure(annex, '3.4').executors).toEqual([
        'Головні розпорядники бюджетних коштів, відповідальні за виконання проектів',
        'Виконавчий комітет міської ради',
      ]);
    });

    it('then a trailing "тощо" is not an executor', () => {
      expect(measure(annex, '3.3').executors).toEqual([
        'Відділи та управління міськвиконкому',
        'органи самоорганізації населення',
        'громадські організації',
      ]);
    });

    it('then an executor list continues after a page break, a hyphenated name joined without a space', () => {
      const reporting = measure(annex, '2.8');
      expect(reporting.title).toBe(
        'Щорічне звітування міського голови, депутатів міської ради, голів постійних комісій, виконавчих органів міської ради про результати своєї роботи',
      );
      expect(reporting.executors).toEqual([
        'Секретар міської ради',
        'відділ інформаційно-консультативного забезпечення',
        'відділ організаційного забезпечення діяльності міської ради',
        'голови постійних комісій',
        'депутати міської ради',
      ]);
      const acquainting = measure(annex, '2.10');
      expect(acquainting.title).toBe(
        'Ознайомлення депутатів міської ради та посадових осіб місцевого самоврядування з методами взаємодії з громадськістю з метою залучення до процесу прийняття муніципальних рішень',
      );
      expect(acquainting.executors).toEqual([
        'Секретар міської ради',
        'відділ інформаційно-консультативного забезпечення',
        'відділ організаційного забезпечення діяльності міської ради',
        'режимно-секретна та кадрова служба',
      ]);
    });

    it('then expected results split at their bullets, and one continued after a page break stays one', () => {
      expect(measure(annex, '2.1').expectedResults).toEqual([
        'Поширено позитивний досвід діяльності органів місцевого самоврядування',
        'Проведено мотивацію професійної діяльності',
      ]);
      expect(measure(annex, '2.8').expectedResults).toEqual([
        'Проінформовано жителів міста про діяльність органів місцевого самоврядування',
      ]);
      expect(measure(annex, '1.4').expectedResults).toEqual(['Популяризовано та представлено громаду на офіційних заходах']);
    });

    it('then words the export split inside a cell are mended, and the rest is kept as written', () => {
      const participation = measure(annex, '3.4');
      expect(participation.fundingSources[0].source).toBe('Бюджет Коростенської міської територіальної громади');
      expect(participation.title).toBe(
        "Реалізація проектів в рамках Бюджету участі м. Короستنень, в тому числі оплата, виготовлення та розміщення роз'яснювально-інформаційної соціальної реклами",
      );
      expect(measure(annex, '1.3').title).toContain('в тому числі: -оплата готельних послуг та/або послуг з тимчасового розміщення; -оплата');
    });

    it('then no text comes out with double, leading or trailing spaces', () => {
      const texts = measuresOf(annex).flatMap((m) => [m.title, ...m.executors, ...m.expectedResults, ...m.fundingSources.map((f) => f.source)]);
      for (const text of texts) expect(text).toMatch(/^\S(?:.*\S)?$/);
      for (const text of texts) expect(text).not.toMatch(/\s{2}/);
    });
  });

  describe('given the same document with a BOM and CRLF line ends', () => {
    it('then it reads exactly the same annex', () => {
      // when
      const reading = readAnnex(`\uFEFF${korosten.replace(/\n/g, '\r\n')}`);
      // then
      expect(reading).toEqual(readAnnex(korosten));
    });
  });

  describe('given control characters in the text', () => {
    it('then a line break inside a cell (Word writes U+000B) is read as a space, without a warning', () => {
      // given 1.1's title broken over two lines of its cell
      const title = measure(annexOf(readAnnex(korosten)), '1.1').title;
      const doc = korosten.replace('Членський внесок до', 'Членський внесок\u000bдо');
      // when
      const reading = readAnnex(doc);
      // then
      expect(measure(annexOf(reading), '1.1').title).toBe(title);
      expect(warningsOf(reading)).toEqual(warningsOf(readAnnex(korosten)));
    });

    it('then any other is read as a space too, with a warning on its line', () => {
      // given a NUL pasted into 1.1's title
      const doc = korosten.replace('Членський внесок до', 'Членський\u0000внесок до');
      // when
      const reading = readAnnex(doc);
      // then
      expect(measure(annexOf(reading), '1.1').title).toMatch(/^Членський внесок до/);
      expect(warningsOf(reading)).toEqual(expect.arrayContaining([{ line: 18, message: 'a control character (U+0000) is read as a space' }]));
    });
  });

  describe('given invisible characters in the text', () => {
    it('then Word’s optional hyphen is left out without a warning, a zero-width space with one, and the title reads as without them', () => {
      // given 1.1's title with an optional hyphen in one word and a zero-width space in another
      const title = measure(annexOf(readAnnex(korosten)), '1.1').title;
      const hyphenated = readAnnex(korosten.replace('Членський внесок до', 'Член\u00adський внесок до'));
      const spaced = readAnnex(korosten.replace('Членський внесок до', 'Членський вне\u200bсок до'));
      // then
      expect(measure(annexOf(hyphenated), '1.1').title).toBe(title);
      expect(warningsOf(hyphenated)).toEqual(warningsOf(readAnnex(korosten)));
      expect(measure(annexOf(spaced), '1.1').title).toBe(title);
      expect(warningsOf(spaced)).toEqual(expect.arrayContaining([{ line: 18, message: 'an invisible character (U+200B) is left out' }]));
    });
  });

  describe('given amounts that no longer add up to the stated totals', () => {
    it('then a changed measure amount warns on every total it breaks, naming stated and computed amounts', () => {
      // given 1.1 costs 76,00 instead of 75,00 in 2024
      const doc = replaceCell(korosten, 18, 6, '76,00');
      // when
      const warnings = warningsOf(readAnnex(doc));
      // then
      expect(warnings.map((w) => w.line)).toEqual([25, 52, 60, 61]);
      expect(warnings[0].message).toContain('section I in 2024');
      expect(warnings[0].message).toContain('575.00');
      expect(warnings[0].message).toContain('576.00');
      expect(warnings[1]).toEqual(slipOnLine(52));
      expect(warnings[2].message).toContain('3887.30');
      expect(warnings[2].message).toContain('3888.30');
      expect(warnings[3].message).toContain('11181.90');
      expect(warnings[3].message).toContain('11182.90');
    });

    it('then a wrong stated total warns on its own line only', () => {
      // given section I claims 570,00 for 2025
      const doc = replaceCell(korosten, 25, 7, '570,00');
      // when
      const warnings = warningsOf(readAnnex(doc));
      // then
      expect(warnings).toEqual([{ line: 25, message: expect.stringMatching(/section I in 2025.*570\.00.*575\.00/) }, slipOnLine(52)]);
    });
  });

  describe('given executors listed with semicolons', () => {
    it('then each semicolon ends an executor, and commas within a part split as they do elsewhere', () => {
      const doc = replaceCell(korosten, 18, 4, 'Виконавчий комітет Коростенської міської ради; відділ з питань внутрішньої політики, оргроботи та контролю;відділ культури');
      expect(measure(annexOf(readAnnex(doc)), '1.1').executors).toEqual([
        'Виконавчий комітет Коростенської міської ради',
        'відділ з питань внутрішньої політики, оргроботи та контролю',
        'відділ культури',
      ]);
    });
  });

  describe('given an executors cell typed as a list, or holding only a dash as documents mark a cell left empty', () => {
    it('then a bulleted list names each unit without its bullet', () => {
      const annex = annexOf(readAnnex(replaceCell(korosten, 18, 4, '-Секретар міської ради, — відділ культури')));
      expect(measure(annex, '1.1').executors).toEqual(['Секретар міської ради', 'відділ культури']);
    });

    it.each([
      ['1) Секретар міської ради 2) відділ культури', ['Секретар міської ради', 'відділ культури']],
      ['1. Секретар міської ради, 2. відділ культури', ['Секретар міської ради', 'відділ культури']],
      ['1)Секретар міської ради,2)відділ культури', ['Секретар міської ради', 'відділ культури']],
      ['1) Секретар міської ради; 2) відділ культури 3) фінансове управління', ['Секретар міської ради', 'відділ культури', 'фінансове управління']],
      ['1) відділ освіти 2) «Центр надання адмінпослуг» 3) відділ культури', ['відділ освіти', '«Центр надання адмінпослуг»', 'відділ культури']],
      ['1) відділ освіти 2) 3D-центр 3) відділ культури', ['відділ освіти', '3D-центр', 'відділ культури']],
      ['1) відділ освіти 2) ”Центр надання адмінпослуг” 3) відділ культури', ['відділ освіти', '”Центр надання адмінпослуг”', 'відділ культури']],
      ['1) 3D-центр 2) відділ освіти', ['3D-центр', 'відділ освіти']],
    ])('then the numbered list "%s" names each unit without its number', (cellText, executors) => {
      expect(measure(annexOf(readAnnex(replaceCell(korosten, 18, 4, cellText))), '1.1').executors).toEqual(executors);
    });

    it.each([
      ['Відділ освіти (ліцеї 1 та 2) міської ради', ['Відділ освіти (ліцеї 1 та 2) міської ради']],
      ['Управління (корпус 1) житлово-комунального господарства', ['Управління (корпус 1) житлово-комунального господарства']],
      ['КНП «Центр ПМСД № 1) міста», відділ культури', ['КНП «Центр ПМСД № 1) міста»', 'відділ культури']],
      ['Відділ культури, 3.Будинок культури', ['Відділ культури, 3.Будинок культури']],
      ['1) Відділ освіти (ліцеї 1 та 2) міської ради 2) відділ культури', ['Відділ освіти (ліцеї 1 та 2) міської ради', 'відділ культури']],
      ['1) Відділ освіти, 3) відділ культури', ['Відділ освіти, 3) відділ культури']],
      ['1. Відділ освіти, школа № 2. Відділ культури', ['Відділ освіти, школа № 2. Відділ культури']],
      ['1. Відділ освіти, ліцей N 2. Відділ культури', ['Відділ освіти, ліцей N 2. Відділ культури']],
    ])('then "%s", a name holding digits, is not taken for a numbered list', (cellText, executors) => {
      expect(measure(annexOf(readAnnex(replaceCell(korosten, 18, 4, cellText))), '1.1').executors).toEqual(executors);
    });

    it.each(['-', '—', '---'])('then "%s" names no executor', (dash) => {
      const annex = annexOf(readAnnex(replaceCell(korosten, 18, 4, dash)));
      expect(measure(annex, '1.1').executors).toEqual([]);
    });
  });

  describe('given a measure numbered for another section', () => {
    it('then it is read where it stands, with a warning on its line naming both', () => {
      // given 1.4 typed as 3.9, in section I
      const doc = replaceLine(korosten, 24, linesOf(korosten)[23].replace('1.4. Придбання', '3.9. Придбання'));
      // when
      const reading = readAnnex(doc);
      // then
      const sectionOf = (number: string) => annexOf(reading).sections.find((s) => s.directions.some((d) => d.measures.some((m) => m.number === number)))?.number;
      expect(sectionOf('3.9')).toBe('I');
      expect(warningsOf(reading)).toContainEqual({ line: 24, message: expect.stringMatching(/measure 3\.9 is read into section I, whose other measures are numbered 1\./) });
    });
  });

  describe('given rows the reader cannot place', () => {
    it('then it lists every such line and gives no annex', () => {
      // given a measure before any section, a note inside the table, an amount that is no amount and a missing term
      let doc = replaceCell(korosten, 30, 7, '85 тис.');
      doc = replaceCell(doc, 36, 3, '');
      doc = insertAfter(doc, 41, row('Примітка: обсяги орієнтовні'));
      doc = insertAfter(doc, 16, row('', '', '1.0.Вступний захід', '2024р.', 'Секретар міської ради', 'Бюджет', '1,00', '---', '---'));
      // when
      const reading = readAnnex(doc);
      // then
      const errors = errorsOf(reading);
      expect(errors.map((e) => e.line)).toEqual([
        lineNumberOf(doc, 'Вступний захід'),
        lineNumberOf(doc, '2.3.Інформаційні'),
        lineNumberOf(doc, '2.6.Послуги'),
        lineNumberOf(doc, 'Примітка'),
      ]);
      expect(errors[0].message).toContain('before any section');
      expect(errors[1].message).toContain('85 тис.');
      expect(errors[2].message).toContain('term');
      expect(errors[3].message).toContain('Примітка');
      expect(reading).not.toHaveProperty('annex');
    });

    it('then a year heading repeated, or one missing, is an error: the amounts would be read under another year', () => {
      // given "2025 рік" typed as "2024 рік", or "2026 рік" left out
      const repeated = replaceCell(korosten, 16, 7, '2024 рік');
      const missing = replaceCell(korosten, 16, 8, '');
      // when / then
      expect(errorsOf(readAnnex(repeated))).toEqual([{ line: expect.any(Number), message: expect.stringMatching(/year columns read 2024, 2024, 2026.*2024 does not follow/) }]);
      const errors = errorsOf(readAnnex(missing));
      expect(errors).toContainEqual({ line: 18, message: expect.stringMatching(/the row has 10 cells, more than the 9 columns/) });
    });

    it('then a title naming other years than the columns is read by the columns, with a warning: an extended programme keeps its title', () => {
      // given the columns for 2024–2026 under a title "на 2024-2025 роки"
      const doc = korosten.replace('на 2024-2026 роки', 'на 2024-2025 роки');
      // when
      const reading = readAnnex(doc);
      // then
      expect(annexOf(reading).period).toEqual({ from: 2024, to: 2026 });
      expect(warningsOf(reading)).toContainEqual({ line: expect.any(Number), message: expect.stringMatching(/title names 2024–2025, the table's columns 2024–2026: the programme runs 2024–2026/) });
      // and one year is written as one
      const oneYear = warningsOf(readAnnex(korosten.replace('на 2024-2026 роки', 'на 2024 рік')));
      expect(oneYear).toContainEqual({ line: expect.any(Number), message: expect.stringMatching(/title names 2024, the table's columns 2024–2026/) });
    });

    it('then a row with a cell past the results column is an error naming its line: a result would be lost', () => {
      // given a tab typed before 1.1's expected result
      const cells = linesOf(korosten)[17].split('\t');
      const doc = replaceLine(korosten, 18, [...cells.slice(0, 9), '', ...cells.slice(9)].join('\t'));
      // when / then
      expect(errorsOf(readAnnex(doc))).toEqual([{ line: 18, message: expect.stringMatching(/the row has 11 cells, more than the 10 columns/) }]);
    });

    it('then a row continuing another without a page break between them is an error', () => {
      // given the blank line before the rest of 1.2 is gone
      const doc = removeLines(korosten, 20, 20);
      // when
      const errors = errorsOf(readAnnex(doc));
      // then
      expect(errors.map((e) => e.line)).toEqual([20]);
    });

    it('then a document without any section is an error', () => {
      // given the header rows and the signature, but no section
      const doc = removeLines(korosten, 17, 61);
      // when
      const errors = errorsOf(readAnnex(doc));
      // then
      expect(errors).toEqual([{ line: 15, message: expect.stringContaining('no section') }]);
    });
  });

  describe('given a section header written with or without a tab after its number', () => {
    it('then the sections read the same', () => {
      // given I without the tab and IV with one
      let doc = replaceLine(korosten, 17, linesOf(korosten)[16].replace('I\t«', 'I «'));
      doc = replaceLine(doc, 55, linesOf(korosten)[54].replace('IV «', 'IV\t«').replace(/\t$/, ''));
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(annex).toEqual(annexOf(readAnnex(korosten)));
    });

    it('then a section header exported as a line without any tab still opens the section', () => {
      // given
      const doc = replaceLine(korosten, 55, 'IV «Матеріально-технічна база органів місцевого самоврядування»');
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(annex.sections[3]).toEqual(annexOf(readAnnex(korosten)).sections[3]);
    });
  });

  describe('given directions with and without a number', () => {
    it('then a numbered direction keeps its number and an unnumbered one has none', () => {
      // given direction 1 loses its number, the direction of section II gains "2."
      let doc = replaceCell(korosten, 18, 0, '');
      doc = replaceCell(doc, 27, 0, '2.');
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(annex.sections[0].directions.map((d) => [d.number, d.title])).toEqual([
        [null, 'Сприяння розвитку місцевого самоврядування та обмін досвідом'],
      ]);
      expect(annex.sections[1].directions.map((d) => d.number)).toEqual(['2']);
      expect(annex.sections[1].directions[0].measures).toHaveLength(10);
    });

    it('then a direction on a row of its own takes the measures that follow', () => {
      // given direction 1 on its own row, its first measure on the next
      const doc = insertAfter(
        replaceCell(replaceCell(korosten, 18, 0, ''), 18, 1, ''),
        17,
        row('1.', 'Сприяння розвитку місцевого самоврядування та обмін досвідом'),
      );
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      const [direction] = annex.sections[0].directions;
      expect([direction.number, direction.line, direction.measures.map((m) => m.number)]).toEqual(['1', 18, ['1.1', '1.2', '1.3', '1.4']]);
    });
  });

  describe('given executor lists a person would split differently from the commas', () => {
    it('then a comma starts an executor only before a nominative noun phrase or an abbreviation', () => {
      // given
      const doc = replaceCell(
        korosten,
        18,
        4,
        'Відділ економіки, інвестицій та управління майном, КП «Коростенська тепломережа», посадові особи, тощо',
      );
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(measure(annex, '1.1').executors).toEqual([
        'Відділ економіки, інвестицій та управління майном',
        'КП «Коростенська тепломережа»',
        'посадові особи',
      ]);
    });
  });

  describe('given words the export split inside a cell', () => {
    it('then "A B" is mended where "AB" occurs elsewhere and "B" never stands alone', () => {
      // given "посадових" (also on line 42) split as "посадов их"
      const doc = replaceLine(korosten, 27, linesOf(korosten)[26].replace('посадових осіб', 'посадов их осіб'));
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(measure(annex, '2.1').title).toBe(measure(annexOf(readAnnex(korosten)), '2.1').title);
    });

    it('then "A B" stays apart where "B" also stands alone ("організації" on line 49)', () => {
      // given
      const doc = replaceLine(korosten, 47, linesOf(korosten)[46].replace('в тому числі', 'в тому числі само організації'));
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(measure(annex, '3.1').title).toContain('в тому числі само організації');
    });
  });

  describe('given a measure financed for one year only', () => {
    it('then its term runs from that year to that year', () => {
      // given
      const doc = replaceCell(korosten, 18, 3, '2025р.');
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(measure(annex, '1.1').term).toEqual({ from: 2025, to: 2025 });
    });
  });

  describe('given amounts written as none in different ways', () => {
    it('then "-", "---" and a blank cell are none, and "0,00" is zero', () => {
      // given
      let doc = replaceCell(korosten, 37, 6, '-');
      doc = replaceCell(doc, 37, 7, '');
      doc = replaceCell(doc, 37, 8, '0,00');
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(measure(annex, '2.7').fundingSources[0].allocations).toEqual({ '2024': null, '2025': null, '2026': 0 });
    });
  });

  describe('given a measure with a second funding source on a row of its own', () => {
    it('then the measure has both sources, and the totals count both', () => {
      // given
      const doc = insertAfter(korosten, 18, row('', '', '', '', '', 'Державний бюджет', '10,00', '---', '---'));
      // when
      const reading = readAnnex(doc);
      // then
      const m = measure(annexOf(reading), '1.1');
      expect(m.fundingSources.map((f) => [f.source, f.allocations['2024']])).toEqual([
        ['Бюджет Коростенської міської територіальної громади', 7_500_000],
        ['Державний бюджет', 1_000_000],
      ]);
      expect(m.lines).toEqual([18, 19]);
      expect(warningsOf(reading).map((w) => w.line)).toEqual([26, 53, 61, 62]);
    });
  });

  describe('given expected results continued after a page break with a new bullet', () => {
    it('then the new bullet is a result of its own', () => {
      // given
      const doc = replaceCell(korosten, 44, 9, '- Залучено громадськість до прийняття рішень');
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(measure(annex, '2.10').expectedResults).toEqual([
        'Сформовано партнерські відносини та покращено взаємодію місцевої влади з громадою',
        'Залучено громадськість до прийняття рішень',
      ]);
    });
  });

  describe('given the decision header in its variants', () => {
    it.each([
      ['№ 1222-31-VIII', '1222-31-VIII'],
      ['№ 4157-55/2025', '4157-55/2025'],
      ['№1878', '1878'],
      ['№', null],
      ['№ ___', null],
    ])('then "%s" reads as decision number %p', (written, number) => {
      // given
      const doc = replaceLine(korosten, 5, `VIII скликання від 22.02.2024р. ${written}`);
      // when
      const annex = annexOf(readAnnex(doc));
      // then
      expect(annex.decision).toEqual({ ...annexOf(readAnnex(korosten)).decision, number });
    });

    it('then a document without the header reads with no decision', () => {
      // given
      const doc = removeLines(korosten, 3, 6);
      // when
      const reading = readAnnex(doc);
      // then
      expect(annexOf(reading).decision).toBeNull();
      expect(warningsOf(reading)).toEqual([slipOnLine(48)]);
    });
  });

  describe('given a table cut short: no total covers the whole programme', () => {
    it('then it is read, with a warning that its amounts were checked against no total', () => {
      // given the document without its last three totals (sections I–IV and the programme) nor what follows them
      const lines = linesOf(korosten);
      const doc = lines.slice(0, 58).join('\n');
      // when
      const reading = readAnnex(doc);
      // then its measures are read, and the warning says what could not be checked
      expect(measuresOf(annexOf(reading)).length).toBeGreaterThan(0);
      expect(warningsOf(reading)).toEqual([slipOnLine(52), { line: 58, message: expect.stringMatching(/^the document states no total of the whole programme/) }]);
    });
  });

  describe('given a table without "Всього по Програмі"', () => {
    it('then the table ends at its last row and the signature below it is ignored', () => {
      // given
      const doc = removeLines(korosten, 61, 61);
      // when
      const reading = readAnnex(doc);
      // then
      expect(measuresOf(annexOf(reading))).toHaveLength(21);
      expect(warningsOf(reading)).toEqual([slipOnLine(52)]);
    });
  });
});
