import fc from 'fast-check';
import { textSchema } from '../../src/http/schemas';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import {
  amend,
  ANNEX,
  BUDGET,
  type Change,
  importAnnex,
  kopecks,
  measureOf,
  measures,
  PROBLEM_JSON,
  type ProgrammeView,
  registerDecision,
  registerExecutor,
  viewOf,
} from '../support/http-programmes';

/**
 * Properties of the whole application, checked through HTTP on the real app: one app per property, and a
 * fresh copy of the Korosten annex (imported under a new programme id) per run.
 */

const YEARS = [2024, 2025, 2026] as const;

/** Thousand UAH as the API takes them: "0" … "10000000.12345", with 0–5 decimals. */
const amountArb = fc
  .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 5 }))
  .map(([whole, fraction]) => (fraction === '' ? String(whole) : `${whole}.${fraction}`));
const cellArb = fc.option(amountArb, { nil: null, freq: 5 });

/**
 * Words to append to a title: any grapheme but those the API refuses in text (controls, invisible characters, a word
 * mixing alphabets), which are checked on their own in access.e2e.
 */
const wordsArb = (constraints: { minLength?: number; maxLength: number }) =>
  fc.string({ unit: 'grapheme', ...constraints }).filter((words) => textSchema(4000).safeParse(`Захід 1.1: ${words}`).success);

/** The API's decimal string for kopecks: the canonical form the view answers with. */
function canonical(amount: string | null): string | null {
  if (amount === null) return null;
  const k = kopecks(amount);
  const fraction = String(k % 100_000n).padStart(5, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${k / 100_000n}.${fraction}`;
}

describe('(a) any valid sequence of amendments keeps every total the sum of its allocations', () => {
  /** Intentions, resolved against the model of the programme at the moment they are made. */
  type Step =
    | { readonly kind: 'set'; readonly pick: number; readonly yearPick: number; readonly amount: string | null }
    | { readonly kind: 'add'; readonly pick: number; readonly from: number; readonly span: number; readonly amounts: readonly (string | null)[] }
    | { readonly kind: 'remove'; readonly pick: number }
    | { readonly kind: 'reword'; readonly pick: number; readonly title: string }
    | { readonly kind: 'term'; readonly pick: number; readonly early: number; readonly late: number };

  const pick = fc.nat();
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), pick, yearPick: pick, amount: cellArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), pick, from: pick, span: pick, amounts: fc.array(cellArb, { minLength: 3, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reword' as const), pick, title: wordsArb({ maxLength: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('term' as const), pick, early: pick, late: pick }) },
  );
  const historyArb = fc.array(fc.array(stepArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 });

  interface ModelMeasure {
    title: string;
    term: { from: number; to: number };
    /** Year → the amount as sent; absent or null: none. */
    allocations: Record<string, string | null>;
  }
  type Model = Map<string, ModelMeasure>;

  const byNumber = (model: Model) => [...model.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const termYears = (term: { from: number; to: number }) => YEARS.filter((y) => y >= term.from && y <= term.to);

  /**
   * The change a step asks for, made valid against the model (undefined when it cannot be); the model takes it too.
   * `taken`: what the amendment's earlier changes set, which it sets once (ChangeRepeated).
   */
  function resolve(step: Step, model: Model, taken: Set<string>): Change | undefined {
    const live = byNumber(model);
    if (step.kind === 'add') {
      const prefixes = [...new Set(live.map((n) => n.split('.')[0]))];
      if (prefixes.length === 0) return undefined;
      const prefix = prefixes[step.pick % prefixes.length];
      const last = Math.max(...live.filter((n) => n.startsWith(`${prefix}.`)).map((n) => Number(n.split('.')[1])));
      const number = `${prefix}.${last + 1}`;
      const from = YEARS[step.from % 3];
      const to = from + (step.span % (2026 - from + 1));
      const term = { from, to };
      const allocations = Object.fromEntries(termYears(term).map((y, i) => [String(y), step.amounts[i]]));
      model.set(number, { title: `Захід ${number}`, term, allocations });
      // no direction: the API infers it from the measures numbered like this one
      return { op: 'addMeasure', number, title: `Захід ${number}`, term, fundingSources: [{ source: BUDGET, allocations }] };
    }
    if (live.length === 0) return undefined;
    const number = live[step.pick % live.length];
    const measure = model.get(number) as ModelMeasure;
    const once = (setting: string) => !taken.has(`${number} ${setting}`) && Boolean(taken.add(`${number} ${setting}`));
    switch (step.kind) {
      case 'set': {
        const years = termYears(measure.term);
        const year = years[step.yearPick % years.length];
        if (!once(String(year))) return undefined;
        measure.allocations[String(year)] = step.amount;
        return { op: 'setAllocation', measure: number, year, amount: step.amount };
      }
      case 'remove':
        model.delete(number);
        return { op: 'removeMeasure', measure: number };
      case 'reword': {
        if (!once('title')) return undefined;
        const title = `Захід ${step.title}`.trim();
        measure.title = title;
        return { op: 'rewordMeasure', measure: number, title };
      }
      case 'term': {
        if (!once('term')) return undefined;
        // a term must keep every allocated year: it may only reach out from the allocated span
        const allocated = YEARS.filter((y) => (measure.allocations[String(y)] ?? null) !== null);
        const earliest = allocated.length > 0 ? allocated[0] : 2026;
        const latest = allocated.length > 0 ? allocated[allocated.length - 1] : 2024;
        const from = 2024 + (step.early % (earliest - 2024 + 1));
        const to = Math.max(from, latest) + (step.late % (2026 - Math.max(from, latest) + 1));
        measure.term = { from, to };
        return { op: 'changeTerm', measure: number, term: { from, to } };
      }
    }
  }

  function modelOf(view: ProgrammeView): Model {
    return new Map(measures(view).map((m) => [m.number, { title: m.title, term: { ...m.term }, allocations: { ...m.allocations } }]));
  }

  let t: TestApp;
  let decisionId: string;
  let runs = 0;
  beforeAll(async () => {
    t = await startApp();
    decisionId = await registerDecision(t, '2024-03-01');
  });
  afterAll(async () => t.close());

  it('for every section and year, and for the programme, as the view states them', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        // given a fresh copy of the annex and a model of it
        runs += 1;
        const programme = `totals-${runs}`;
        await importAnnex(t, programme);
        const model = modelOf(await viewOf(t, programme));

        // when the amendments are registered one a week, each valid where it takes effect
        for (const [week, steps] of history.entries()) {
          const taken = new Set<string>();
          const changes = steps.map((step) => resolve(step, model, taken)).filter((c): c is Change => c !== undefined);
          if (changes.length === 0) continue;
          const effectiveFrom = new Date(Date.UTC(2024, 2, 1 + 7 * week)).toISOString().slice(0, 10);
          const res = await amend(t, programme, { decisionId, effectiveFrom, changes });
          expect({ status: res.status, problems: res.body.problems }).toEqual({ status: 201, problems: undefined });
        }
        const view = await viewOf(t, programme);

        // then every section's total for a year is the sum of its measures' allocations (none adds 0) …
        const programmeByYear = new Map<string, bigint>();
        for (const section of view.sections) {
          const sectionMeasures = section.directions.flatMap((d) => d.measures);
          for (const year of YEARS.map(String)) {
            const sum = sectionMeasures.reduce((s, m) => s + kopecks(m.allocations[year]), 0n);
            expect({ section: section.number, year, total: kopecks(section.totals.byYear[year]) }).toEqual({ section: section.number, year, total: sum });
            programmeByYear.set(year, (programmeByYear.get(year) ?? 0n) + sum);
          }
          const sectionYears = YEARS.reduce((s, y) => s + kopecks(section.totals.byYear[String(y)]), 0n);
          expect({ section: section.number, overall: kopecks(section.totals.overall) }).toEqual({ section: section.number, overall: sectionYears });
        }
        // … the programme's total for a year is the sum of the sections', and its overall the sum of its years
        for (const [year, sum] of programmeByYear) expect({ year, total: kopecks(view.totals.byYear[year]) }).toEqual({ year, total: sum });
        expect(kopecks(view.totals.overall)).toBe([...programmeByYear.values()].reduce((s, v) => s + v, 0n));

        // and the measures are the model's: every change landed where the model put it
        expect(byNumber(model)).toEqual(measures(view).map((m) => m.number).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
        for (const [number, expected] of model) {
          const actual = measureOf(view, number);
          expect({ number, title: actual.title, term: actual.term, allocations: actual.allocations }).toEqual({
            number,
            title: expected.title,
            term: expected.term,
            allocations: Object.fromEntries(YEARS.map((y) => [String(y), canonical(expected.allocations[String(y)] ?? null)])),
          });
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('(b) amendments with different effective dates give the same views whatever order they are registered in', () => {
  interface Planned {
    readonly effectiveFrom: string;
    readonly changes: readonly Change[];
  }

  /** Each annex measure's years, read from the seeded programme: amounts only go inside a term. */
  const ANNEX_TERMS: Record<string, readonly number[]> = {};

  /** Only setAllocation and rewordMeasure of annex measures: valid on any date, whatever came before. */
  const changeArb = (numbers: readonly string[]) =>
    fc.oneof(
      fc.record({ measure: fc.constantFrom(...numbers), yearPick: fc.nat(), amount: cellArb }).map(({ measure, yearPick, amount }): Change => {
        const years = ANNEX_TERMS[measure];
        return { op: 'setAllocation', measure, year: years[yearPick % years.length], amount };
      }),
      fc.record({ measure: fc.constantFrom(...numbers), title: wordsArb({ minLength: 1, maxLength: 20 }) }).map(
        ({ measure, title }): Change => ({ op: 'rewordMeasure', measure, title: `Захід ${measure}: ${title}` }),
      ),
    );

  /** What a change sets: an amendment sets each once (ChangeRepeated). */
  const settingOf = (change: Change) => (change.op === 'setAllocation' ? `${change.measure} ${change.year}` : `${change.measure} ${change.op}`);

  /** k amendments on distinct days after the approval (22.02.2024), up to the end of the period (31.12.2026), and a random order to register them in. */
  const plansArb = (numbers: readonly string[]) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: 1043 }), { minLength: 2, maxLength: 5 })
      .chain((days) =>
        fc.tuple(
          fc.tuple(...days.map((day) => fc.uniqueArray(changeArb(numbers), { minLength: 1, maxLength: 3, selector: settingOf }).map((changes): Planned => ({ effectiveFrom: dayAfterApproval(day), changes })))),
          fc.shuffledSubarray(
            days.map((_, i) => i),
            { minLength: days.length, maxLength: days.length },
          ),
        ),
      );

  function dayAfterApproval(days: number): string {
    return new Date(Date.UTC(2024, 1, 22 + days)).toISOString().slice(0, 10);
  }

  /** What legitimately differs between two programmes with the same content: ids, revisions, record times. */
  function comparable(view: ProgrammeView) {
    return {
      title: view.title,
      period: view.period,
      asOf: view.asOf,
      lastAmendment: view.lastAmendment && { decisionId: view.lastAmendment.decisionId, effectiveFrom: view.lastAmendment.effectiveFrom },
      amendmentChain: view.amendmentChain,
      totals: view.totals,
      sections: view.sections.map(({ id: _section, directions, ...section }) => ({
        ...section,
        directions: directions.map(({ id: _direction, measures: ms, ...direction }) => ({ ...direction, measures: ms.map(({ id: _measure, ...measure }) => measure) })),
      })),
    };
  }

  let t: TestApp;
  let decisionId: string;
  let numbers: string[];
  let runs = 0;
  beforeAll(async () => {
    t = await startApp();
    decisionId = await registerDecision(t, '2024-02-23');
    const annex = await viewOf(t, KOROSTEN);
    numbers = measures(annex).map((m) => m.number);
    for (const m of measures(annex)) ANNEX_TERMS[m.number] = YEARS.filter((y) => y >= m.term.from && y <= m.term.to);
  });
  afterAll(async () => t.close());

  it('at every effective date and today', async () => {
    await fc.assert(
      fc.asyncProperty(
        plansArb(numbers),
        async ([plans, order]) => {
          // given two fresh copies of the annex
          runs += 1;
          const first = `order-${runs}-a`;
          const second = `order-${runs}-b`;
          await importAnnex(t, first);
          await importAnnex(t, second);

          // when the same amendments are registered into them in a random order and in its reverse
          for (const [programme, sequence] of [
            [first, order],
            [second, [...order].reverse()],
          ] as const) {
            for (const i of sequence) await amend(t, programme, { decisionId, ...plans[i] }).expect(201);
          }

          // then the two read the same on every effective date and today
          for (const asOf of [...plans.map((p) => p.effectiveFrom), undefined]) {
            const query = asOf ? { asOf } : {};
            expect(comparable(await viewOf(t, second, query))).toEqual(comparable(await viewOf(t, first, query)));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('(c) malformed requests are refused with a 4xx problem and write nothing', () => {
  /** Every write route; `{name}` is an id registered before the runs, so that the valid bodies below would be written. */
  const SECRETARIAT_ROUTES = [
    '/api/v1/decisions',
    '/api/v1/decisions/{decision}/corrections',
    '/api/v1/executors',
    '/api/v1/executors/{executor}/renames',
    '/api/v1/executors/{executor}/retirement',
    '/api/v1/programmes/import',
    `/api/v1/programmes/${KOROSTEN}/amendments`,
    `/api/v1/programmes/${KOROSTEN}/amendments/{amendment}/revocation`,
  ] as const;
  type Route = (typeof SECRETARIAT_ROUTES)[number];

  let t: TestApp;
  let decisionId: string;
  let ids: { decision: string; executor: string; amendment: string };
  let before: { appendedEvents: string; etag: string; decisions: unknown; executors: unknown; programmes: unknown };

  /**
   * Everything a write could change: the events appended to the store (counted as they are appended, so never
   * lagging like a read model), the programme's revision, the decisions, the executors, the programme list.
   */
  async function state() {
    const [metrics, programme, decisions, executors, programmes] = await Promise.all(
      ['/metrics', `/api/v1/programmes/${KOROSTEN}`, '/api/v1/decisions', '/api/v1/executors', '/api/v1/programmes'].map((path) => t.http.get(path).expect(200)),
    );
    const appendedEvents = /^event_store_appended_events_total (\d+)$/m.exec(metrics.text)?.[1];
    if (appendedEvents === undefined) throw new Error('/metrics has no event_store_appended_events_total');
    return { appendedEvents, etag: programme.headers.etag as string, decisions: decisions.body, executors: executors.body, programmes: programmes.body };
  }

  function post(route: Route, contentType: string, body: string) {
    const url = route.replace(/\{(decision|executor|amendment)\}/g, (_, name: keyof typeof ids) => ids[name]);
    return t.http.post(url).set(t.as('secretariat')).set('content-type', contentType).send(body);
  }

  /** One request, refused as a client's error with a problem document; then the store must be as it was. */
  async function refusedWithoutWriting(route: Route, contentType: string, body: string): Promise<void> {
    const res = await post(route, contentType, body);
    const problems: unknown = res.body?.problems;
    const listed = Array.isArray(problems) && problems.length > 0;
    // DESIGN §7: every problem names where it is — a JSON path into the body, or the header or query parameter.
    const located = listed && problems.every((p: { path?: unknown }) => typeof p.path === 'string' && /^(\$|header:|query:)/.test(p.path));
    expect({ route, contentType, clientError: res.status >= 400 && res.status < 500, type: res.headers['content-type'], status: res.body?.status, listed, located }).toEqual({
      route,
      contentType,
      clientError: true,
      type: expect.stringMatching(PROBLEM_JSON),
      status: res.status,
      listed: true,
      located: true,
    });
    expect(await state()).toEqual(before);
  }

  beforeAll(async () => {
    t = await startApp();
    decisionId = await registerDecision(t, '2025-03-20');
    // an amendment to revoke and an executor to rename or retire: the valid bodies of those routes would be written
    const amendment = await amend(t, KOROSTEN, { decisionId, changes: [{ op: 'setAllocation', measure: '1.2', year: 2026, amount: '1.00' }] }).expect(201);
    ids = { decision: decisionId, executor: await registerExecutor(t, 'Відділ, що реорганізується'), amendment: amendment.body.amendmentId as string };
    before = await state();
  });
  afterAll(async () => t.close());

  const routeArb = fc.constantFrom(...SECRETARIAT_ROUTES);

  it('for arbitrary values and arbitrary JSON', async () => {
    const bodyArb = fc.oneof(
      // undefined serialises to nothing: an empty JSON body
      fc.anything().map((value) => JSON.stringify(value) ?? ''),
      fc.json(),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(routeArb, bodyArb, (route, body) => refusedWithoutWriting(route, 'application/json', body)),
      { numRuns: 100 },
    );
  });

  /** Valid bodies, so that the one corruption each run makes is what is refused. */
  const valid = (): Record<Route, Record<string, unknown>> => ({
    '/api/v1/decisions': { council: 'Коростенська міська рада', convocation: 'VIII', session: 45, number: '2001', adoptedOn: '2025-05-01', title: 'Про внесення змін' },
    // every detail differs from the registered decision's, so each would be corrected; its date earlier, as an
    // amendment made under it from its date holds it there (AmendmentsBeforeDecision)
    '/api/v1/decisions/{decision}/corrections': {
      council: 'Коростенська міська рада VIII скликання',
      convocation: 'IX',
      session: 46,
      number: '2002',
      adoptedOn: '2025-03-18',
      effectiveFrom: '2025-03-19',
      title: 'Про внесення змін (виправлено)',
    },
    '/api/v1/executors': { name: 'Відділ, якого ще немає' },
    '/api/v1/executors/{executor}/renames': { name: 'Управління, що постало з відділу', effectiveFrom: '2025-09-01' },
    '/api/v1/executors/{executor}/retirement': { effectiveFrom: '2025-12-01' },
    '/api/v1/programmes/import': { programmeId: 'never-imported', document: ANNEX },
    [`/api/v1/programmes/${KOROSTEN}/amendments`]: {
      decisionId,
      effectiveFrom: '2025-04-01',
      changes: [
        { op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' },
        { op: 'addMeasure', number: '1.5', title: 'Новий захід', term: { from: 2025, to: 2026 }, fundingSources: [{ source: BUDGET, allocations: { '2025': '1.00' } }] },
      ],
    },
    [`/api/v1/programmes/${KOROSTEN}/amendments/{amendment}/revocation`]: { reason: 'внесено помилково' },
  });

  /** Deep junk as raw JSON text: JSON.stringify itself would overflow the stack on it. */
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const DEEP = '\u0000deep';

  /** For each route, a path into its valid body and the wrong values that can go there. */
  const text = [42, true, null, {}, [], '', '   ', 'x'.repeat(5000), DEEP];
  const amounts = [10.5, 100, -5, '-5.00', '5,00', '1.123456', '99999999999.00', '1e3', ' ', 'NaN', 'Infinity', ' 75.00', '007.00', '+1.00', true, {}, DEEP];
  const dates = ['2025-02-30', '2025-13-01', '2025-2-3', '22.02.2024', 20250101, '', null, DEEP];
  /** A decision is adopted by today, and since 1991: a date years ahead is never one, whenever the suite runs. */
  const adoptionDates = [...dates, '2099-01-01', '0025-02-22'];
  const years = [2025.5, 1e308, -2025, '2025', 2101, 1990, Number.MAX_SAFE_INTEGER + 2, null, DEEP];
  const extra = [[['extra'], [1, 'x', null]]] as const;
  /** A registration and a correction take the same details; no detail may be null but the number. */
  const decisionDetails = [
    [['council'], text],
    [['convocation'], ['8', 'viii', '', 'IIII', 'I'.repeat(130), null, 8, DEEP]],
    [['session'], [0, -1, 1.5, 1e308, 1001, '31', null, DEEP]],
    [['number'], [42, '', '   ', 'x'.repeat(200), {}, DEEP]],
    [['adoptedOn'], adoptionDates],
    [['effectiveFrom'], dates],
    [['title'], text],
    ...extra,
  ] as const;
  const CORRUPTIONS: Record<Route, readonly (readonly [readonly (string | number)[], readonly unknown[]])[]> = {
    '/api/v1/decisions': decisionDetails,
    '/api/v1/decisions/{decision}/corrections': decisionDetails,
    '/api/v1/executors': [[['name'], text], ...extra],
    '/api/v1/executors/{executor}/renames': [[['name'], text], [['effectiveFrom'], dates], ...extra],
    '/api/v1/executors/{executor}/retirement': [[['effectiveFrom'], dates], ...extra],
    '/api/v1/programmes/import': [
      [['programmeId'], [...text, 'UPPER-case', '-leading-hyphen', 'with space', 'a'.repeat(101), KOROSTEN]],
      [['document'], [42, null, '', {}, 'not an annex at all', DEEP]],
      [['decisionId'], [42, '', null, 'no-such-decision', DEEP]],
      ...extra,
    ],
    [`/api/v1/programmes/${KOROSTEN}/amendments`]: [
      [['decisionId'], [...text, 'no-such-decision']],
      [['effectiveFrom'], [...dates, '2023-01-01']],
      [['note'], [42, {}, 'x'.repeat(2001), DEEP]],
      [['changes'], [[], {}, 'x', [1, 2], null, Array(501).fill({ op: 'rewordMeasure', measure: '1.1', title: 't' }), DEEP]],
      [['changes', 0, 'op'], ['deleteEverything', '', 1, null, 'SETALLOCATION', DEEP]],
      [['changes', 0, 'measure'], [...text, '9.9']],
      [['changes', 0, 'year'], years],
      [['changes', 0, 'amount'], amounts],
      [['changes', 0, 'was'], [...amounts, '74.99']],
      [['changes', 0, 'extra'], [1, 'x', null]],
      [['changes', 1, 'number'], ['1', '1.', 'a.b', 1.5, '1.1', DEEP]],
      [['changes', 1, 'term'], [{ from: 2026, to: 2025 }, { from: 2025 }, { from: '2025', to: 2026 }, { from: 2020, to: 2030 }, [2025, 2026], DEEP]],
      [['changes', 1, 'term', 'to'], years],
      [['changes', 1, 'fundingSources', 0, 'allocations', '2025'], amounts],
      [['changes', 1, 'fundingSources', 0, 'allocations', '2027'], ['1.00']],
      [['changes', 1, 'fundingSources', 0, 'allocations', 'year'], ['1.00']],
      [['changes', 1, 'direction'], ['no-such-direction', 42, DEEP]],
      [['changes', 1, 'executors'], [['no-such-executor'], 'x', [42], DEEP]],
    ],
    [`/api/v1/programmes/${KOROSTEN}/amendments/{amendment}/revocation`]: [[['reason'], text], ...extra],
  };

  /** The valid body with one value replaced; DEEP becomes thousands of nested objects. */
  function corrupt(route: Route, path: readonly (string | number)[], value: unknown): string {
    const body = valid()[route];
    let holder = body as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) holder = holder[key] as Record<string | number, unknown>;
    holder[path[path.length - 1]] = value;
    return JSON.stringify(body).replace(JSON.stringify(DEEP), nested(10_000));
  }

  const corruptionArb = routeArb.chain((route) =>
    fc.constantFrom(...CORRUPTIONS[route]).chain(([path, values]) => fc.constantFrom(...values).map((value) => ({ route, path, value }))),
  );

  it('for valid bodies with one field of a wrong type, shape or value', async () => {
    // the valid bodies themselves would be written: the corruption is what the API must catch
    await fc.assert(
      fc.asyncProperty(corruptionArb, ({ route, path, value }) => refusedWithoutWriting(route, 'application/json', corrupt(route, path, value))),
      { numRuns: 100 },
    );
  });

  it('for valid bodies sent as another content type than JSON, every route and type', async () => {
    // a small space, so every point of it: a form that slipped through one route would be a write
    const contentTypes = [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
      'application/vnd.api+json',
      'application/jsonx',
    ];
    for (const route of SECRETARIAT_ROUTES) {
      const body = valid()[route];
      const encodings = [JSON.stringify(body), new URLSearchParams(body as Record<string, string>).toString()];
      for (const contentType of contentTypes) for (const encoded of encodings) await refusedWithoutWriting(route, contentType, encoded);
    }
  });

  // Last, because it writes: were a valid body refused, its corruptions would prove nothing.
  it('for bodies that are refused only for their corruption: each valid body, sent as JSON, is written', async () => {
    // in the routes' order: a rename before the retirement, the amendment before the revocation
    for (const route of SECRETARIAT_ROUTES) {
      const res = await post(route, 'application/json', JSON.stringify(valid()[route]));
      expect({ route, status: res.status, problems: res.body?.problems }).toEqual({ route, status: 201, problems: undefined });
    }
    expect(await state()).not.toEqual(before);
  });
});
