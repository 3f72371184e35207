import type { MeasureView, ProgrammeView } from '../../src/programme/read/programme.view';
import { KOROSTEN, startApp, type TestApp } from '../support/app';

/**
 * The Korosten annex (examples/korosten-self-government-2024-2026.txt) as a person reads it, typed out from the
 * document rather than computed by the reader: this is what the reader has to reproduce, not what it happens to do.
 * Allocations are 2024, 2025, 2026 in thousand UAH; "---" in the document is null.
 */
interface ExpectedMeasure {
  readonly title: string;
  readonly term: readonly [number, number];
  readonly executors: readonly string[];
  readonly allocations: readonly [string | null, string | null, string | null];
  readonly results: readonly string[];
}

const YEARS = ['2024', '2025', '2026'] as const;
const WHOLE_TERM = [2024, 2026] as const;
const BUDGET = 'Бюджет Коростенської міської територіальної громади';
const RESULT_EFFICIENCY = 'Підвищено ефективність роботи органів місцевого самоврядування';
const RESULT_AWARENESS =
  'Підвищено рівень обізнаності мешканців територіальної громади щодо питань соціально-економічного і культурного розвитку, заходів місцевого та загальнодержавного значення, що відбуваються на території громади';
const DIGITAL = ['Керуючий справами виконавчого комітету Коростенської міської ради', 'відділ цифрових технологій'];

const MEASURES: Readonly<Record<string, ExpectedMeasure>> = {
  '1.1': {
    title: 'Членський внесок до Всеукраїнської асоціації органів місцевого самоврядування „Асоціація міст України”',
    term: WHOLE_TERM,
    executors: ['Виконавчий комітет Коростенської міської ради'],
    allocations: ['75.00', '75.00', '75.00'],
    results: [RESULT_EFFICIENCY],
  },
  '1.2': {
    // Runs on across the page break (document lines 19 and 21).
    title: 'Закупівля предметів, матеріалів та продукції, призначених для відзначення, нагородження, а також забезпечення проведення протокольних заходів',
    term: WHOLE_TERM,
    executors: ['Секретар міської ради', 'заступники міського голови', 'керуючий справами виконавчого комітету міської ради'],
    allocations: ['150.00', '150.00', '150.00'],
    results: ['Впроваджено кращі практики досвіду роботи органів місцевого самоврядування України та інших держав'],
  },
  '1.3': {
    title:
      'Послуги з організації семінарів, конференцій, тренінгів, проведення офіційних заходів, урочистих подій та інших заходів для встановлення та зміцнення партнерських відносин Коростенської міської територіальної громади, в тому числі: -оплата готельних послуг та/або послуг з тимчасового розміщення; -оплата кейтерингових послуг та/або послуг гарячого харчування',
    term: WHOLE_TERM,
    // The second executor's name holds a comma of its own.
    executors: [
      'Керуючий справами виконавчого комітету міської ради',
      'відділ з питань внутрішньої політики, оргроботи та контролю',
      'відділ регулювання торгівлі та побутового обслуговування населення',
    ],
    allocations: ['300.00', '300.00', '300.00'],
    results: ['Впроваджено кращі практики діяльності органів місцевого самоврядування'],
  },
  '1.4': {
    title: 'Придбання атрибутики міста, державної та протокольної атрибутики',
    term: WHOLE_TERM,
    executors: ['Керуючий справами виконавчого комітету міської ради', 'відділ з питань внутрішньої політики, оргроботи та контролю'],
    allocations: ['50.00', '50.00', '50.00'],
    results: ['Популяризовано та представлено громаду на офіційних заходах'],
  },
  '2.1': {
    title:
      'Вшанування кращих посадових осіб виконавчих органів міської ради, депутатів, членів виконавчого комітету, керівників підприємств, установ міста, активних членів Коростенської міської територіальної громади за активну участь у громадському житті',
    term: WHOLE_TERM,
    executors: [
      'Секретар міської ради',
      'заступники міського голови',
      'керуючий справами',
      'відділ організаційного забезпечення діяльності міської ради',
      'відділ внутрішньої політики, оргроботи та контролю',
    ],
    allocations: ['270.00', '270.00', '270.00'],
    results: ['Поширено позитивний досвід діяльності органів місцевого самоврядування', 'Проведено мотивацію професійної діяльності'],
  },
  '2.2': {
    title:
      'Послуги з перевезення для забезпечення тісної співпраці між органами місцевого самоврядування, членами територіальних громад та підприємницьких структур, з метою подальшого розвитку громадського суспільства та місцевого самоврядування в територіальній громаді',
    term: WHOLE_TERM,
    executors: ['Відділ організаційного забезпечення діяльності міської ради', 'відділ внутрішньої політики, оргроботи та контролю'],
    allocations: ['50.00', '50.00', '50.00'],
    results: ['Забезпечено подальший розвиток громадського суспільства та місцевого самоврядування в територіальній громаді'],
  },
  '2.3': {
    title: 'Інформаційні послуги, в тому числі з виготовлення та розміщення інформаційної продукції',
    term: WHOLE_TERM,
    executors: ['Відділ інформаційно-консультативного забезпечення'],
    allocations: ['85.00', '85.00', '85.00'],
    results: ['Створення позитивного іміджу громади'],
  },
  '2.4': {
    title:
      'Придбання презентаційних матеріалів про громаду (буклети, плакати, сувенірна продукція, флаєри, пакети, ручки, блокноти, постери, листівки, конверти та інші інформаційні матеріали українською та/або іноземними мовами)',
    term: WHOLE_TERM,
    executors: ['Відділ з питань внутрішньої політики, оргроботи та контролю', 'відділ інформаційно-консультативного забезпечення'],
    allocations: ['70.00', '70.00', '70.00'],
    results: ['Сформовано позитивний імідж територіальної громади, органів місцевого самоврядування'],
  },
  '2.5': {
    title:
      'Розміщення інформації в засобах масової інформації щодо діяльності міського голови, депутатів Коростенської міської ради, членів виконавчого комітету Коростенської міської ради, посадових осіб виконавчого комітету Коростенської міської ради',
    term: WHOLE_TERM,
    executors: ['Відділ інформаційно-консультативного забезпечення'],
    allocations: ['100.00', '100.00', '100.00'],
    results: [RESULT_AWARENESS],
  },
  '2.6': {
    title: 'Послуги з розміщення інформаційної продукції',
    term: WHOLE_TERM,
    executors: ['Відділ інформаційно-консультативного забезпечення'],
    allocations: ['250.00', '250.00', '250.00'],
    results: [RESULT_AWARENESS],
  },
  '2.7': {
    title: "Розвиток співпраці з містами та громадами відповідно укладених договорів, розширення партнерських зв'язків з містами України та закордоном",
    term: WHOLE_TERM,
    executors: ['Секретар міської ради', 'заступники міського голови', 'керуючий справами', 'начальники відділів та управлінь виконавчого комітету міської ради'],
    allocations: [null, null, null],
    results: ['Забезпечено подальший розвиток територіальної громади'],
  },
  '2.8': {
    // Title, executors and result all continue after the page break (document lines 38 and 40).
    title: 'Щорічне звітування міського голови, депутатів міської ради, голів постійних комісій, виконавчих органів міської ради про результати своєї роботи',
    term: WHOLE_TERM,
    executors: [
      'Секретар міської ради',
      'відділ інформаційно-консультативного забезпечення',
      'відділ організаційного забезпечення діяльності міської ради',
      'голови постійних комісій',
      'депутати міської ради',
    ],
    allocations: [null, null, null],
    results: ['Проінформовано жителів міста про діяльність органів місцевого самоврядування'],
  },
  '2.9': {
    title:
      'Проведення прямих телевізійних зустрічей міського голови, його заступників, секретаря міської ради, депутатів, інших посадових осіб, керівників підприємств і установ міста з мешканцями міста',
    term: WHOLE_TERM,
    executors: ['Відділ інформаційно-консультативного забезпечення'],
    allocations: [null, null, null],
    results: ["Сформовано засобами масової інформації об'єктивну громадську думку про роботу міської ради, її виконавчого комітету"],
  },
  '2.10': {
    title:
      'Ознайомлення депутатів міської ради та посадових осіб місцевого самоврядування з методами взаємодії з громадськістю з метою залучення до процесу прийняття муніципальних рішень',
    term: WHOLE_TERM,
    // "режимно-" ends line 42 and "секретна та кадрова служба" opens line 44: one executor, hyphen kept.
    executors: [
      'Секретар міської ради',
      'відділ інформаційно-консультативного забезпечення',
      'відділ організаційного забезпечення діяльності міської ради',
      'режимно-секретна та кадрова служба',
    ],
    allocations: [null, null, null],
    results: ['Сформовано партнерські відносини та покращено взаємодію місцевої влади з громадою'],
  },
  '3.1': {
    title:
      'Участь у конкурсах різних рівнів проєктів і програм розвитку місцевого самоврядування, замовлення, підготовка проєктів, в тому числі створення та науковий, організаційно-правовий супровід проєктів',
    term: WHOLE_TERM,
    executors: [
      'Заступники міського голови',
      'керуючий справами',
      'начальники відділів та управлінь виконавчого комітету міської ради',
      'керівники комунальних підприємств, громадських організацій',
    ],
    allocations: ['50.00', '50.00', '50.00'],
    results: ['Впроваджено інноваційний підхід до вирішення питань розвитку території з боку органів місцевого самоврядування'],
  },
  '3.2': {
    title: 'Оновлення Статуту Коростенської міської територіальної громади',
    term: WHOLE_TERM,
    executors: ['Секретар міської ради', 'депутати міської ради', 'відділ організаційного забезпечення діяльності міської ради'],
    allocations: [null, null, null],
    results: ['Підвищено рівень свідомості членів територіальної громади міста щодо їх прав, повноважень'],
  },
  '3.3': {
    title: 'Проведення системного моніторингу громадської думки, соціологічних опитувань, громадських обговорень актуальних проблем життєдіяльності громади',
    term: WHOLE_TERM,
    // "тощо" ("etc.") closes the list in the document; it is nobody.
    executors: ['Відділи та управління міськвиконкому', 'органи самоорганізації населення', 'громадські організації'],
    allocations: ['50.00', '50.00', '50.00'],
    results: ['Вивчено громадську думку з питань життєдіяльності громади та враховано її при прийнятті рішень'],
  },
  '3.4': {
    // The document itself writes "Короستنень" with three Arabic letters; a legal text is kept as written.
    // "роз'яснювально- інформаційної" is a word hyphenated at a line end inside the cell.
    title:
      "Реалізація проектів в рамках Бюджету участі м. Коро\u0633\u062a\u0646ень, в тому числі оплата, виготовлення та розміщення роз'яснювально-інформаційної соціальної реклами",
    term: WHOLE_TERM,
    executors: ['Головні розпорядники бюджетних коштів, відповідальні за виконання проектів', 'Виконавчий комітет міської ради'],
    allocations: ['2000.00', '2000.00', '2000.00'],
    results: ['Підвищено рівень прозорості процесу прийняття рішень шляхом надання жителям міста можливості безпосереднього впливу на бюджетну політику'],
  },
  '4.1': {
    title: 'Послуги щодо обслуговування та консультативної підтримки Системи електронного голосування „ГОЛОС”',
    term: WHOLE_TERM,
    executors: DIGITAL,
    allocations: ['40.80', '40.80', '40.80'],
    results: [RESULT_EFFICIENCY],
  },
  '4.2': {
    title: 'Послуги з розробки додаткових модулів Системи електронного голосування „ГОЛОС”, для проведення сесії міської ради у режимі відеоконференції',
    term: WHOLE_TERM,
    executors: DIGITAL,
    allocations: ['106.50', '106.50', '106.50'],
    results: [RESULT_EFFICIENCY],
  },
  '4.3': {
    title: "Придбання планшетних комп'ютерів для Системи електронного голосування „ГОЛОС”",
    term: [2024, 2024],
    executors: DIGITAL,
    allocations: ['240.00', null, null],
    results: [RESULT_EFFICIENCY],
  },
};

const SECTIONS = [
  {
    number: 'I',
    title: 'Розвиток місцевого самоврядування',
    directions: [{ number: '1', title: 'Сприяння розвитку місцевого самоврядування та обмін досвідом', measures: ['1.1', '1.2', '1.3', '1.4'] }],
    totals: { byYear: { 2024: '575.00', 2025: '575.00', 2026: '575.00' }, overall: '1725.00' },
  },
  {
    number: 'II',
    title: 'Формування іміджу територіальної громади міста',
    directions: [
      {
        number: null,
        title: 'Формування позитивного іміджу територіальної громади, органів місцевого самоврядування',
        measures: ['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10'],
      },
    ],
    totals: { byYear: { 2024: '825.00', 2025: '825.00', 2026: '825.00' }, overall: '2475.00' },
  },
  {
    number: 'III',
    title: 'Залучення територіальної громади міста до вирішення питань місцевого значення',
    directions: [{ number: null, title: 'Розвиток активності територіальної громади міста у вирішенні питань місцевого значення', measures: ['3.1', '3.2', '3.3', '3.4'] }],
    totals: { byYear: { 2024: '2100.00', 2025: '2100.00', 2026: '2100.00' }, overall: '6300.00' },
  },
  {
    number: 'IV',
    title: 'Матеріально-технічна база органів місцевого самоврядування',
    directions: [{ number: null, title: 'Належне утримання та зміцнення матеріально-технічної бази органів місцевого самоврядування', measures: ['4.1', '4.2', '4.3'] }],
    totals: { byYear: { 2024: '387.30', 2025: '147.30', 2026: '147.30' }, overall: '681.90' },
  },
];

const measuresOf = (view: ProgrammeView): MeasureView[] => view.sections.flatMap((s) => s.directions.flatMap((d) => d.measures));
// Which capitalisation the shared directory keeps for a name is its own choice; how a cell splits is what matters here.
const lower = (name: string) => name.toLocaleLowerCase('uk');

describe('the Korosten annex, loaded on first start, read over HTTP', () => {
  let t: TestApp;
  let view: ProgrammeView;
  beforeAll(async () => {
    t = await startApp();
    view = (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).expect(200)).body;
  });
  afterAll(async () => t.close());

  it('lists the programme with its totals', async () => {
    const res = await t.http.get('/api/v1/programmes').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ id: KOROSTEN, totals: { byYear: { 2024: '3887.30', 2025: '3647.30', 2026: '3647.30' }, overall: '11181.90' } }),
    ]);
  });

  it('serves the programme with an ETag equal to its stream revision', async () => {
    const res = await t.http.get(`/api/v1/programmes/${KOROSTEN}`).expect(200);
    expect(res.headers.etag).toBe(`"${res.body.revision}"`);
    expect(res.body.sections.map((s: { number: string }) => s.number)).toEqual(['I', 'II', 'III', 'IV']);
  });

  it('names the programme, its community and its period as the heading does', () => {
    expect(view).toMatchObject({
      title: 'Програма розвитку місцевого самоврядування Коростенської міської територіальної громади на 2024-2026 роки',
      community: 'Коростенська міська територіальна громада',
      period: { from: 2024, to: 2026 },
    });
  });

  it('has the four sections with their titles, directions and measures in the order of the annex', () => {
    expect(
      view.sections.map((s) => ({
        number: s.number,
        title: s.title,
        directions: s.directions.map((d) => ({ number: d.number, title: d.title, measures: d.measures.map((m) => m.number) })),
      })),
    ).toEqual(SECTIONS.map(({ totals: _totals, ...section }) => section));
    expect(measuresOf(view)).toHaveLength(21);
  });

  it.each(Object.entries(MEASURES))('reads measure %s whole: title, term, executors, allocations and expected results', (number, expected) => {
    const measure = measuresOf(view).find((m) => m.number === number);
    const allocations = Object.fromEntries(YEARS.map((year, i) => [year, expected.allocations[i]]));
    expect(measure).toMatchObject({
      title: expected.title,
      term: { from: expected.term[0], to: expected.term[1] },
      allocations,
      fundingSources: [{ source: BUDGET, allocations }],
      expectedResults: expected.results,
    });
    expect(measure?.executors.map((e) => lower(e.name))).toEqual(expected.executors.map(lower));
  });

  it('keeps "---" as null, not as zero, exactly where the annex has it', () => {
    const none = measuresOf(view).flatMap((m) => YEARS.filter((year) => m.allocations[year] === null).map((year) => `${m.number}/${year}`));
    expect(none).toEqual([
      ...['2.7', '2.8', '2.9', '2.10', '3.2'].flatMap((n) => YEARS.map((year) => `${n}/${year}`)),
      '4.3/2025',
      '4.3/2026',
    ]);
  });

  it('derives the section and programme totals the annex states', () => {
    expect(view.sections.map((s) => ({ number: s.number, totals: s.totals }))).toEqual(SECTIONS.map((s) => ({ number: s.number, totals: s.totals })));
    expect(view.totals).toEqual({ byYear: { 2024: '3887.30', 2025: '3647.30', 2026: '3647.30' }, overall: '11181.90' });
  });

  it('registers each executor once, however the document capitalises it, and every one the programme names', async () => {
    const directory: { id: string; name: string }[] = (await t.http.get('/api/v1/executors').expect(200)).body;
    const names = directory.map((e) => lower(e.name));
    expect(new Set(names).size).toBe(names.length);
    const named = measuresOf(view).flatMap((m) => m.executors.map((e) => e.id));
    expect(new Set(directory.map((e) => e.id))).toEqual(new Set(named));

    // "Відділ …" in 2.3, "відділ …" in 2.4 and 2.8: one department.
    const info = directory.filter((e) => lower(e.name) === 'відділ інформаційно-консультативного забезпечення');
    expect(info).toHaveLength(1);
    for (const number of ['2.3', '2.4', '2.8']) {
      expect(measuresOf(view).find((m) => m.number === number)?.executors.map((e) => e.id)).toContain(info[0].id);
    }
  });

  it('shows the approving decision from the heading, with the amendment it made', async () => {
    const decisions = (await t.http.get('/api/v1/decisions').expect(200)).body;
    const approving = {
      id: view.lastAmendment?.decisionId,
      council: 'Коростенська міська рада',
      convocation: 'VIII',
      session: 31,
      number: null,
      adoptedOn: '2024-02-22',
      effectiveFrom: '2024-02-22',
      // titled as the council titles such a decision, with the programme as the annex cites it
      title: 'Про затвердження Програми розвитку місцевого самоврядування Коростенської міської територіальної громади на 2024-2026 роки',
      amendments: [expect.objectContaining({ programmeId: KOROSTEN, amendmentId: view.lastAmendment?.amendmentId, revokedAt: null })],
    };
    expect(decisions).toEqual([expect.objectContaining(approving)]);
    const one = await t.http.get(`/api/v1/decisions/${view.lastAmendment?.decisionId}`).expect(200);
    expect(one.body).toMatchObject({ ...approving, amendments: [expect.objectContaining({ programmeId: KOROSTEN })] });
  });

  it('states the chain of decisions for the next decision’s preamble', () => {
    expect(view.amendmentChain).toMatch(/^затвердженої рішенням 31 сесії VIII скликання від 22\.02\.2024/);
    // Nothing has amended it yet.
    expect(view.amendmentChain).not.toContain('зі змінами');
  });
});
