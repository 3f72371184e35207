import { readFileSync } from 'node:fs';
import { BUNDLED_SEED } from '../../src/config/config.schema';
import type { MeasureView, ProgrammeView } from '../../src/programme/read/programme.view';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import { postDecision } from '../support/http-programmes';

/** The bundled annex, one string per document line (line n is LINES[n - 1]). */
const LINES: readonly string[] = readFileSync(BUNDLED_SEED, 'utf8').split('\n');
const ANNEX = LINES.join('\n');

/** A variant of the annex: `edits` maps a 1-based line number of the original to what replaces it (several lines allowed). */
function variant(edits: Readonly<Record<number, string | ((line: string) => string)>>): string {
  return LINES.map((line, i) => {
    const edit = edits[i + 1];
    return edit === undefined ? line : typeof edit === 'function' ? edit(line) : edit;
  }).join('\n');
}

/** Replaces text that must occur in the line, so a variant never silently stops changing anything. */
function replacing(from: string, to: string): (line: string) => string {
  return (line) => {
    if (!line.includes(from)) throw new Error(`"${from}" is not in "${line}"`);
    return line.replace(from, to);
  };
}

/** The heading names another approving decision, so an import of the variant would register a new one. */
const OTHER_HEADING = { 4: '32 сесії Коростенської міської ради', 5: 'VIII скликання від 14.05.2024р. № 1990' };

const measuresOf = (view: ProgrammeView): MeasureView[] => view.sections.flatMap((s) => s.directions.flatMap((d) => d.measures));

describe('POST /api/v1/programmes/import', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());

  const importing = (body: object, headers: Record<string, string> = {}) =>
    t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).set(headers).send(body);

  const viewOf = async (programmeId: string): Promise<ProgrammeView> => (await t.http.get(`/api/v1/programmes/${programmeId}`).expect(200)).body;

  /**
   * Everything an import could have written: the read side, and the count of events appended to the store, which
   * is counted as they are appended and so cannot lag behind like a read model.
   */
  const everything = async () => {
    const appendedEvents = /^event_store_appended_events_total (\d+)$/m.exec((await t.http.get('/metrics').expect(200)).text)?.[1];
    if (appendedEvents === undefined) throw new Error('/metrics has no event_store_appended_events_total');
    return {
      appendedEvents,
      programmes: (await t.http.get('/api/v1/programmes').expect(200)).body,
      executors: (await t.http.get('/api/v1/executors').expect(200)).body,
      decisions: (await t.http.get('/api/v1/decisions').expect(200)).body,
    };
  };

  it('registers a new unit under the spelling a cell gives it mid-list, not the capital it has opening a list item', async () => {
    // given a unit first named opening an item after a semicolon, later mid-list
    const document = variant({
      18: replacing('Виконавчий комітет Коростенської міської ради', 'Виконавчий комітет Коростенської міської ради; Відділ з питань туризму'),
      19: replacing('Секретар міської ради, заступники міського голови', 'Секретар міської ради, відділ з питань туризму, заступники міського голови'),
    });
    // when
    await importing({ programmeId: 'spelling-mid-list', document }).expect(201);
    // then
    const names = ((await t.http.get('/api/v1/executors').expect(200)).body as { name: string }[]).map((e) => e.name).filter((name) => /туризму/.test(name));
    expect(names).toEqual(['відділ з питань туризму']);
  });

  it('imports a document whose stated total no longer adds up, warning with the line of each broken total', async () => {
    // given 1.1's 2024 amount raised from 75,00 to 76,00 while the totals below still say 575,00 and 3 887,30
    const document = variant({ 18: replacing('75,00\t75,00\t75,00', '76,00\t75,00\t75,00') });

    // when
    const res = await importing({ programmeId: 'changed-amount', document }).expect(201);

    // then section I (line 25), sections I-IV (line 60) and the programme (line 61) are reported, nothing else
    // (line 52 is the annex's own slip: a word that mixes Cyrillic and Arabic letters)
    expect(res.body.warnings.map((w: { line: number }) => w.line)).toEqual([25, 52, 60, 61]);
    expect(res.body.warnings[0].message).toMatch(/section I in 2024 .*575\.00.*576\.00/);
    // and the view holds what the measures say, the totals derived from them
    const view = await viewOf('changed-amount');
    expect(measuresOf(view).find((m) => m.number === '1.1')?.allocations).toEqual({ 2024: '76.00', 2025: '75.00', 2026: '75.00' });
    expect(view.sections[0].totals.byYear[2024]).toBe('576.00');
    expect(view.totals.overall).toBe('11182.90');
  });

  it('refuses a document with rows it cannot place, naming each line, and writes nothing', async () => {
    // given a document that would also bring a new decision and a new executor, with a stray row before 1.2 (new
    // line 19) and one after 1.4 (original line 24, now 25, so the stray row is line 26)
    const document = variant({
      ...OTHER_HEADING,
      18: replacing('Виконавчий комітет Коростенської міської ради', 'Управління освіти'),
      19: (line) => `\t\tРядок без номера заходу\t\t\t\t\t\t\t\n${line}`,
      24: (line) => `${line}\n\t\tЩе один рядок без номера\t\t\t\t\t\t\t`,
    });
    const before = await everything();

    // when
    const res = await importing({ programmeId: 'unplaceable', document }).expect(400);

    // then
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UnreadableAnnex');
    expect(res.body.problems).toEqual([
      expect.objectContaining({ path: '$.document', line: 19, message: expect.stringContaining('line 19') }),
      expect.objectContaining({ path: '$.document', line: 26, message: expect.stringContaining('line 26') }),
    ]);
    // and no programme, decision or executor was registered
    expect(await everything()).toEqual(before);
    await t.http.get('/api/v1/programmes/unplaceable').expect(404);
    await t.http.get('/ready').expect(200);
  });

  it('refuses a document that reads but does not hold together, naming the line and measure, and writes nothing', async () => {
    // given 4.3 runs in 2024 only (line 58) but its row now allocates 10,00 for 2025
    const document = variant({ ...OTHER_HEADING, 58: replacing('240,00\t---\t---', '240,00\t10,00\t---') });
    const before = await everything();

    // when
    const res = await importing({ programmeId: 'inconsistent', document }).expect(400);

    // then
    expect(res.body.code).toBe('InconsistentAnnex');
    expect(res.body.problems).toEqual([
      expect.objectContaining({ path: '$.document', code: 'AllocationOutsideTerm', line: 58, message: expect.stringMatching(/^line 58 \(measure 4\.3\): .*2025/) }),
    ]);
    expect(await everything()).toEqual(before);
  });

  it('refuses a header whose decision is dated after today, naming its line, and writes nothing', async () => {
    // given the heading's date typed as 2099 for 2024
    const document = variant({ ...OTHER_HEADING, 5: replacing('22.02.2024', '14.05.2099') });
    const before = await everything();

    // when
    const res = await importing({ programmeId: 'adopted-in-2099', document }).expect(400);

    // then the problem names the line the decision reference starts on (the heading runs over lines 3–5)
    expect(res.body.problems).toEqual([expect.objectContaining({ path: '$.document', code: 'AdoptedInFuture', line: 3, message: expect.stringMatching(/^line 3: .*2099-05-14/) })]);
    expect(await everything()).toEqual(before);
  });

  it('refuses a header citing its decision in a form it cannot read, naming the line, not as a header that is missing', async () => {
    // given a date that does not exist, and one in words
    const before = await everything();
    for (const [programmeId, date] of [['dated-29-02-2023', '29.02.2023р.'], ['dated-in-words', '22 лютого 2024 року']]) {
      const document = variant({ ...OTHER_HEADING, 5: replacing('22.02.2024р.', date) });

      // when it is imported without a decisionId
      const res = await importing({ programmeId, document }).expect(400);

      // then the problem is the header's line, and nothing is written
      expect(res.body).toMatchObject({ code: 'DecisionUnreadable', problems: [expect.objectContaining({ path: '$.document', line: 3, message: expect.stringMatching(/^line 3: cannot read the decision reference/) })] });
    }
    expect(await everything()).toEqual(before);
  });

  it('refuses a header whose convocation is no Roman numeral as written, as the API does, and writes nothing', async () => {
    const document = variant({ 4: '32 сесії Коростенської міської ради', 5: 'IIII скликання від 14.05.2024р. № 1990' });
    const before = await everything();
    const res = await importing({ programmeId: 'convocation-iiii', document }).expect(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ path: '$.document', code: 'InvalidConvocation', line: 3 })]);
    expect(await everything()).toEqual(before);
  });

  it('refuses the same document imported twice under the same id, writing nothing the second time', async () => {
    // given
    const first = await importing({ programmeId: 'imported-twice', document: ANNEX }).expect(201);
    const before = await everything();

    // when
    const again = await importing({ programmeId: 'imported-twice', document: ANNEX }).expect(409);

    // then
    expect(again.body).toMatchObject({ status: 409, code: 'ProgrammeAlreadyRegistered' });
    expect(await everything()).toEqual(before);
    expect((await viewOf('imported-twice')).revision).toBe(first.body.revision);
  });

  it('ties the programme to a decision registered beforehand when decisionId names it', async () => {
    // given the approving decision registered with its number, which the document leaves blank
    const registered = await postDecision(t, { session: 31, number: '123', adoptedOn: '2024-02-22', title: 'Про затвердження Програми розвитку місцевого самоврядування' }).expect(201);
    const decisionId: string = registered.body.id;
    const decisionsBefore = (await t.http.get('/api/v1/decisions').expect(200)).body;

    // when
    const res = await importing({ programmeId: 'with-decision', decisionId, document: ANNEX }).expect(201);

    // then that decision approves the programme, and the one in the document's heading is not registered again
    expect(res.body.decisionId).toBe(decisionId);
    const view = await viewOf('with-decision');
    expect(view.lastAmendment?.decisionId).toBe(decisionId);
    expect(view.amendmentChain).toMatch(/^затвердженої рішенням 31 сесії VIII скликання від 22\.02\.2024 № 123/);
    const decision = (await t.http.get(`/api/v1/decisions/${decisionId}`).expect(200)).body;
    expect(decision.amendments).toEqual([expect.objectContaining({ programmeId: 'with-decision' })]);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toHaveLength(decisionsBefore.length);
  });

  it('ties the programme to the act its header cites when that act is registered already, under an id of its own', async () => {
    // given № 1991 of 15.05.2024 registered through the API
    const registered = await postDecision(t, { session: 33, number: '1991', adoptedOn: '2024-05-15', title: 'Про затвердження Програми' }).expect(201);
    const decisionsBefore = (await t.http.get('/api/v1/decisions').expect(200)).body;

    // when a document citing that act is imported without a decisionId
    const res = await importing({ programmeId: 'cites-registered-act', document: variant({ 4: '33 сесії Коростенської міської ради', 5: 'VIII скликання від 15.05.2024р. № 1991' }) }).expect(201);

    // then the programme is the registered decision's, and no decision is added
    expect(res.body.decisionId).toBe(registered.body.id);
    expect((await t.http.get('/api/v1/decisions').expect(200)).body).toHaveLength(decisionsBefore.length);
    expect((await t.http.get(`/api/v1/decisions/${registered.body.id}`).expect(200)).body.amendments).toEqual([expect.objectContaining({ programmeId: 'cites-registered-act' })]);
    expect(res.body.warnings.filter((w: { line: number }) => w.line === 3)).toEqual([]);

    // and a header citing the same act with another session takes it too, with a warning on the header's line naming both
    const slipped = await importing({ programmeId: 'cites-act-as-session-34', document: variant({ 4: '34 сесії Коростенської міської ради', 5: 'VIII скликання від 15.05.2024р. № 1991' }) }).expect(201);
    expect(slipped.body.decisionId).toBe(registered.body.id);
    expect(slipped.body.warnings).toContainEqual(expect.objectContaining({ line: 3, message: expect.stringMatching(/cites session 34 .* registered as session 33/) }));
  });

  it('answers 404 for a decisionId nobody registered, and writes nothing', async () => {
    // given
    const before = await everything();

    // when
    const res = await importing({ programmeId: 'unknown-decision', decisionId: 'no-such-decision', document: variant(OTHER_HEADING) }).expect(404);

    // then
    expect(res.body).toMatchObject({ code: 'DecisionNotFound', problems: [expect.objectContaining({ path: '$.decisionId' })] });
    expect(await everything()).toEqual(before);
  });

  describe('a unit the directory already knows', () => {
    /** Measure 1.1's executor (line 18) replaced by `name`. */
    const namingInLine18 = (name: string) => variant({ 18: replacing('Виконавчий комітет Коростенської міської ради', name) });

    const registerExecutor = async (name: string): Promise<string> =>
      (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name }).expect(201)).body.id;

    it('is found by the name it bears, or by one it bore, instead of being registered again', async () => {
      // given a unit renamed before the annex's approval (22.02.2024)
      const id = await registerExecutor('Відділ культури');
      await t.http.post(`/api/v1/executors/${id}/renames`).set(t.as('secretariat')).send({ name: 'Управління культури і туризму', effectiveFrom: '2024-01-01' }).expect(201);
      const executorsBefore = (await t.http.get('/api/v1/executors').expect(200)).body;

      // when one document names it as it is called now, another as it was called before (in other capitals and spacing, which the reader closes up)
      const current = await importing({ programmeId: 'unit-by-current-name', document: namingInLine18('Управління культури і туризму') }).expect(201);
      const former = await importing({ programmeId: 'unit-by-former-name', document: namingInLine18('відділ  культури') }).expect(201);

      // then both programmes name the same executor, by the name it bears on the approval date, and the directory is unchanged
      for (const programmeId of ['unit-by-current-name', 'unit-by-former-name']) {
        expect(measuresOf(await viewOf(programmeId)).find((m) => m.number === '1.1')?.executors).toEqual([{ id, name: 'Управління культури і туризму' }]);
      }
      expect((await t.http.get('/api/v1/executors').expect(200)).body).toEqual(executorsBefore);
      // and only the former name is worth a warning, at the line that uses it
      expect(current.body.warnings.map((w: { line: number }) => w.line)).toEqual([52]);
      expect(former.body.warnings.map((w: { line: number }) => w.line)).toEqual([18, 52]);
      expect(former.body.warnings[0].message).toBe(`"відділ культури" is executor ${id}, named "Управління культури і туризму" on 2024-02-22`);
    });

    it('is refused once retired by the approval date, naming the line, and nothing is written', async () => {
      // given a unit retired on the day the annex was approved
      const id = await registerExecutor('Архівний відділ');
      await t.http.post(`/api/v1/executors/${id}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2024-02-22' }).expect(201);
      const before = await everything();

      // when
      const res = await importing({ programmeId: 'retired-unit', document: namingInLine18('Архівний відділ') }).expect(409);

      // then
      expect(res.body).toMatchObject({
        code: 'ExecutorRetired',
        problems: [{ path: '$.document', code: 'ExecutorRetired', line: 18, executorId: id, message: `line 18: "Архівний відділ" is executor ${id}, retired from 2024-02-22` }],
      });
      expect(await everything()).toEqual(before);
    });
  });

  it('gives the first answer again to a retry with the same Idempotency-Key, and refuses the key for another document', async () => {
    // given an import that registers the decision named in its heading
    const document = variant(OTHER_HEADING);
    const key = { 'Idempotency-Key': 'import-retry-1' };
    const first = await importing({ programmeId: 'retried', document }, key).expect(201);
    const after = await everything();

    // when the client retries, not knowing whether the first answer was lost
    const retry = await importing({ programmeId: 'retried', document }, key).expect(201);

    // then
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await everything()).toEqual(after);
    const session32 = after.decisions.filter((d: { session: number }) => d.session === 32);
    expect(session32).toEqual([expect.objectContaining({ id: first.body.decisionId, number: '1990', adoptedOn: '2024-05-14' })]);

    // and the same key for a different request is a client error, not a silent replay — and writes nothing, not
    // even the other decision and the new executor that other document names
    const other = variant({ 4: '33 сесії Коростенської міської ради', 18: replacing('Виконавчий комітет Коростенської міської ради', 'Управління освіти') });
    const reused = await importing({ programmeId: 'retried', document: other }, key).expect(422);
    expect(reused.body.code).toBe('IdempotencyKeyReused');
    expect(await everything()).toEqual(after);

    // and so is the same key for the same document under another programme id: every import goes to one address
    const elsewhere = await importing({ programmeId: 'retried-elsewhere', document }, key).expect(422);
    expect(elsewhere.body.problems).toEqual([expect.objectContaining({ path: 'header:Idempotency-Key', code: 'IdempotencyKeyReused' })]);
    expect(await everything()).toEqual(after);
  });

  describe('a document with the shapes Word produces, round-tripped to the view', () => {
    let view: ProgrammeView;
    let warnings: unknown[];
    beforeAll(async () => {
      const document = variant({
        // direction "1." written without its number
        18: (line) => replacing('1.\t', '\t')(replacing('самоврядування „Асоціація', 'самовряду вання „Асоціація')(line)),
        // a word split inside an executor cell
        34: replacing('Відділ інформаційно-консультативного', 'Відділ інформаційно-консультативно го'),
        // section IV's heading as one cell, without a tab
        55: 'IV «Матеріально-технічна база органів місцевого самоврядування»',
        // 4.2 for one year only, with the totals corrected to match
        57: (line) => replacing('2024-2026рр.', '2025 рік')(replacing('106,50\t106,50\t106,50', '---\t106,50\t---')(line)),
        59: replacing('387,30\t147,30\t147,30', '280,80\t147,30\t40,80'),
        60: replacing('3 887,30\t3 647,30\t3 647,30', '3 780,80\t3 647,30\t3 540,80'),
        61: replacing('11 181,90', '10 968,90'),
      });
      const res = await importing({ programmeId: 'word-shapes', document }).expect(201);
      warnings = res.body.warnings;
      view = await viewOf('word-shapes');
    });

    it('finds the corrected totals consistent (the one warning is the annex’s own mixed-alphabet word)', () => {
      expect(warnings).toEqual([{ line: 52, message: 'the word "Короستنень" mixes Cyrillic with other letters' }]);
      expect(view.sections[3].totals).toEqual({ byYear: { 2024: '280.80', 2025: '147.30', 2026: '40.80' }, overall: '468.90' });
      expect(view.totals).toEqual({ byYear: { 2024: '3780.80', 2025: '3647.30', 2026: '3540.80' }, overall: '10968.90' });
    });

    it('keeps an unnumbered direction with its title and measures', () => {
      expect(view.sections[0].directions).toEqual([
        expect.objectContaining({ number: null, title: 'Сприяння розвитку місцевого самоврядування та обмін досвідом' }),
      ]);
      expect(view.sections[0].directions[0].measures.map((m) => m.number)).toEqual(['1.1', '1.2', '1.3', '1.4']);
    });

    it('mends a word split inside a cell, in a title and in an executor’s name', async () => {
      expect(measuresOf(view).find((m) => m.number === '1.1')?.title).toBe(
        'Членський внесок до Всеукраїнської асоціації органів місцевого самоврядування „Асоціація міст України”',
      );
      // the mended name is the department the Korosten programme already names, not a new one
      const korosten = await viewOf(KOROSTEN);
      const department = measuresOf(korosten).find((m) => m.number === '2.5')?.executors;
      expect(measuresOf(view).find((m) => m.number === '2.5')?.executors).toEqual(department);
    });

    it('reads a section heading that has no tab between number and title', () => {
      expect(view.sections.map((s) => [s.number, s.title])).toContainEqual(['IV', 'Матеріально-технічна база органів місцевого самоврядування']);
      expect(view.sections[3].directions[0].measures.map((m) => m.number)).toEqual(['4.1', '4.2', '4.3']);
    });

    it('reads a one-year term and its single allocation', () => {
      expect(measuresOf(view).find((m) => m.number === '4.2')).toMatchObject({ term: { from: 2025, to: 2025 }, allocations: { 2024: null, 2025: '106.50', 2026: null } });
    });
  });
});
