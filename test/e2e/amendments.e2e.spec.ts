import { startApp, type TestApp } from '../support/app';
import {
  amend,
  ANNEX,
  BUDGET,
  directionOf,
  etagOf,
  freshCopy,
  measureOf,
  measures,
  postDecision,
  PROBLEM_JSON,
  problemOf,
  registerDecision,
  registerExecutor,
  revoke,
  viewOf,
} from '../support/http-programmes';

/**
 * Amendments through the REST API (DESIGN §4, §5, §7). One app serves the whole file; every test amends
 * its own fresh copy of the Korosten annex, so no test sees another's writes.
 */
describe('amending a programme over HTTP', () => {
  let t: TestApp;
  const freshProgramme = () => freshCopy(t, 'amended');

  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());

  describe('registering an amendment with several changes', () => {
    it('applies every change from the decision’s date, with the totals derived from the new allocations', async () => {
      // given a programme, a decision of 20.03.2025 and an executor registered in the directory
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const decisionId = await registerDecision(t, '2025-03-20');
      const executorId = await registerExecutor(t, 'Відділ освіти Коростенської міської ради');

      // when one amendment changes an allocation, rewords, adds a measure, assigns an executor and widens a term
      const res = await amend(t, programme, {
        decisionId,
        note: 'зміни до розділів I та IV',
        changes: [
          { op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' },
          { op: 'rewordMeasure', measure: '1.2', title: 'Закупівля нагородної продукції' },
          {
            op: 'addMeasure',
            number: '1.5',
            title: 'Навчання депутатів міської ради',
            term: { from: 2025, to: 2026 },
            executors: [executorId],
            fundingSources: [{ source: BUDGET, allocations: { '2025': '20.00', '2026': '30.50' } }],
            expectedResults: ['Підвищено кваліфікацію депутатів'],
          },
          { op: 'assignExecutor', measure: '1.4', executor: executorId },
          { op: 'changeTerm', measure: '4.3', term: { from: 2024, to: 2025 } },
          // sees the term the change before it widened: 2025 is inside the term only after it
          { op: 'setAllocation', measure: '4.3', year: 2025, amount: '12.25' },
        ],
      });

      // then it is one append of a header and six changes, effective from the decision's date
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        programmeId: programme,
        amendmentId: expect.any(String),
        effectiveFrom: '2025-03-20',
        events: 7,
        revision: before.revision + 7,
        position: expect.stringMatching(/^\d+(\/\d+)?$/),
        warnings: [],
      });
      expect(res.headers.etag).toBe(`"${before.revision + 7}"`);

      // and the current view shows every change
      const after = await viewOf(t, programme);
      expect(after.revision).toBe(res.body.revision);
      expect(measureOf(after, '1.1').allocations).toEqual({ '2024': '75.00', '2025': '100.00', '2026': '75.00' });
      expect(measureOf(after, '1.2').title).toBe('Закупівля нагородної продукції');
      const added = measureOf(after, '1.5');
      expect(added).toMatchObject({
        title: 'Навчання депутатів міської ради',
        term: { from: 2025, to: 2026 },
        executors: [{ id: executorId, name: 'Відділ освіти Коростенської міської ради' }],
        allocations: { '2024': null, '2025': '20.00', '2026': '30.50' },
        expectedResults: ['Підвищено кваліфікацію депутатів'],
      });
      // the direction was inferred from the number: 1.5 goes where 1.1–1.4 are
      expect(directionOf(after, '1.5').id).toBe(directionOf(before, '1.4').id);
      expect(measureOf(after, '1.4').executors.map((e) => e.id)).toContain(executorId);
      expect(measureOf(after, '4.3')).toMatchObject({ term: { from: 2024, to: 2025 }, allocations: { '2024': '240.00', '2025': '12.25', '2026': null } });

      // and the totals: 2025 = 3647.30 + 25.00 + 20.00 + 12.25; 2026 = 3647.30 + 30.50
      expect(after.totals).toEqual({ byYear: { '2024': '3887.30', '2025': '3704.55', '2026': '3677.80' }, overall: '11269.65' });
      const section = (n: string) => after.sections.find((s) => s.number === n)?.totals;
      expect(section('I')).toEqual({ byYear: { '2024': '575.00', '2025': '620.00', '2026': '605.50' }, overall: '1800.50' });
      expect(section('IV')).toEqual({ byYear: { '2024': '387.30', '2025': '159.55', '2026': '147.30' }, overall: '694.15' });

      // and the day before the decision the programme still reads as approved
      const dayBefore = await viewOf(t, programme, { asOf: '2025-03-19' });
      expect(dayBefore.totals).toEqual(before.totals);
      expect(measures(dayBefore).map((m) => m.number)).not.toContain('1.5');
    });

    it('makes 2025 = 3672.30 when 1.1 gets 100.00 for 2025', async () => {
      // given the annex (2025 = 3647.30, of which 1.1 has 75.00)
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');

      // when 1.1/2025 is set to 100.00
      await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] }).expect(201);

      // then the year, its section and the whole programme grow by 25.00
      const view = await viewOf(t, programme);
      expect(view.totals).toEqual({ byYear: { '2024': '3887.30', '2025': '3672.30', '2026': '3647.30' }, overall: '11206.90' });
      expect(view.sections[0].totals.byYear['2025']).toBe('600.00');
    });
  });

  describe('warning of what may not be what was meant', () => {
    it('writes an allocation under a source its measure did not have as a new funding line, and warns at that change', async () => {
      // given the annex, where 1.4 is funded from the community's budget alone
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');

      // when one change names the budget as the measure does and another misspells it
      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'setAllocation', measure: '1.4', year: 2025, amount: '60.00', fundingSource: BUDGET },
          { op: 'setAllocation', measure: '1.4', year: 2026, amount: '60.00', fundingSource: BUDGET.replace('ської', 'ськоі') },
        ],
      }).expect(201);

      // then both are written, and the second is named as a new funding line
      expect(res.body.warnings).toEqual([expect.objectContaining({ path: '$.changes[1].fundingSource', code: 'NewFundingSource', message: expect.stringMatching(/^measure 1\.4 had no funding source "Бюджет Коростенськоі/) })]);
      expect(measureOf(await viewOf(t, programme), '1.4').fundingSources).toHaveLength(2);
      const plain = await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2026, amount: '80.00' }] }).expect(201);
      expect(plain.body.warnings).toEqual([]);
    });
  });

  describe('refusing changes that do not fit the programme', () => {
    it('answers 409 ChangeRepeated at the second of two values for one cell (by number and by id) and writes nothing', async () => {
      // given the annex and a decision
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const etag = await etagOf(t, programme);
      const measureId = measureOf(await viewOf(t, programme), '1.3').id;

      // when one amendment sets 1.3/2026 twice, the second time naming the measure by its id
      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'setAllocation', measure: '1.3', year: 2026, amount: '310.00' },
          { op: 'setAllocation', measure: measureId, year: 2026, amount: '320.00' },
        ],
      });

      // then the second is refused, naming the first, and nothing is written
      expect(problemOf(res)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'InvalidChanges',
        problems: [expect.objectContaining({ path: '$.changes[1]', code: 'ChangeRepeated', change: 0 })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
    });

    it('keeps a new section’s title without the quotes it was typed in and its numeral typed in Cyrillic as Latin: the annex quotes it once', async () => {
      // given the annex (sections I–IV) and a decision
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');

      // when section V is added as a document writes it, then a direction in it named by that numeral
      await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'addSection', number: 'V', title: '«Цифрова трансформація»' },
          { op: 'addSection', number: 'V\u0406', title: 'Відкрита громада' },
          { op: 'addDirection', section: 'V\u0406', number: '1', title: 'Відкриті дані' },
        ],
      }).expect(201);

      // then the view has them bare and Latin, and the printed annex quotes the title once
      const view = await viewOf(t, programme);
      expect(view.sections.slice(-2).map((section) => [section.number, section.title, section.directions.map((d) => d.title)])).toEqual([
        ['V', 'Цифрова трансформація', []],
        ['VI', 'Відкрита громада', ['Відкриті дані']],
      ]);
      const html = (await t.http.get(`/api/v1/programmes/${programme}/export?format=html`).expect(200)).text;
      expect(html).toContain('«Цифрова трансформація»');
      expect(html).not.toContain('««');
      // and a title of nothing but quotes is no title
      const empty = await amend(t, programme, { decisionId, changes: [{ op: 'addSection', number: 'VII', title: '« »' }] }).expect(400);
      expect(empty.body.problems).toEqual([expect.objectContaining({ path: '$.changes[0].title', message: 'a title, not only the quotes around one' })]);
    });

    it('answers 409 naming the field when a change’s `was` is not what it replaces, and writes nothing', async () => {
      // given the annex, where 1.1 has 75.00 for 2025
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const etag = await etagOf(t, programme);
      const title = measureOf(await viewOf(t, programme), '1.1').title;

      // when the secretariat believes 1.1/2025 was 80.00 and its title something else (after a valid change)
      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00', was: '150.00' },
          { op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00', was: '80.00' },
          { op: 'rewordMeasure', measure: '1.1', title: 'Новий зміст', was: 'Старий зміст' },
          { op: 'changeTerm', measure: '1.1', term: { from: 2024, to: 2026 }, was: { from: 2025, to: 2026 } },
        ],
      });

      // then every mismatch is listed with its field, what was claimed and what it is
      expect(problemOf(res)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'InvalidChanges',
        problems: [
          expect.objectContaining({ path: '$.changes[1].was', code: 'WasMismatch', field: 'amount', actual: '75.00', claimed: '80.00' }),
          expect.objectContaining({ path: '$.changes[2].was', code: 'WasMismatch', field: 'title', actual: title, claimed: 'Старий зміст' }),
          expect.objectContaining({ path: '$.changes[3].was', code: 'WasMismatch', field: 'term', actual: { from: 2024, to: 2026 }, claimed: { from: 2025, to: 2026 } }),
        ],
      });
      // and not even the valid first change was written
      expect(await etagOf(t, programme)).toBe(etag);
      expect(measureOf(await viewOf(t, programme), '1.2').allocations['2025']).toBe('150.00');
    });

    it('answers 409 AmendmentRepeated when the same amendment is entered a second time (no Idempotency-Key), naming the first, and writes nothing', async () => {
      // given 1.1/2025 set to 100.00 by a decision
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const amendment = { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] };
      const first = (await amend(t, programme, amendment).expect(201)).body.amendmentId as string;
      const etag = await etagOf(t, programme);

      // when the secretariat enters it again
      const res = await amend(t, programme, amendment);

      // then it is refused, naming the amendment that made these changes, and nothing more is recorded
      expect(problemOf(res)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'AmendmentRepeated',
        problems: [expect.objectContaining({ path: '$.changes', code: 'AmendmentRepeated', amendmentId: first })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
      const audit = await t.http.get(`/api/v1/programmes/${programme}/audit`).query({ decision: decisionId }).set(t.as('auditor')).expect(200);
      expect(audit.body.entries).toHaveLength(1);
    });

    it('recognises a repeat that renumbers, citing the decision; and tells a change naming the old number what became of it', async () => {
      // given 2.3 renumbered 2.11 by a decision of 20.03.2025
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const { number } = (await t.http.get(`/api/v1/decisions/${decisionId}`).expect(200)).body;
      const renumbering = { decisionId, changes: [{ op: 'renumberMeasure', measure: '2.3', number: '2.11' }] };
      const first = (await amend(t, programme, renumbering).expect(201)).body.amendmentId as string;

      // when the same amendment is sent again, and another one names 2.3
      const again = await amend(t, programme, renumbering).expect(409);
      const later = await amend(t, programme, { decisionId, effectiveFrom: '2025-06-01', changes: [{ op: 'rewordMeasure', measure: '2.3', title: 'Нова назва' }] }).expect(409);

      // then the repeat names the first amendment and its decision as the council cites it (its id in the details)
      expect(again.body.code).toBe('AmendmentRepeated');
      expect(again.body.problems).toEqual([expect.objectContaining({ amendmentId: first, decisionId, message: expect.stringMatching(new RegExp(`^рішення \\d+ сесії VIII скликання від 20\\.03\\.2025 № ${number} made these changes`)) })]);
      // and the later change hears that 2.3 is numbered 2.11 since March
      expect(later.body.problems).toEqual([expect.objectContaining({ path: '$.changes[0].measure', code: 'MeasureNotFound', message: 'no measure "2.3" in the programme on 2025-06-01: it is numbered 2.11 from 2025-03-20' })]);
    });

    it('answers 409 EffectiveBeforeDecision for an amendment dated before its decision takes effect, and writes nothing; a decision registered as applying from that date takes it', async () => {
      // given a programme and a decision adopted on 20.03.2025
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const etag = await etagOf(t, programme);

      // when an amendment under it is dated a year earlier
      const res = await amend(t, programme, { decisionId, effectiveFrom: '2024-03-20', changes: [{ op: 'setAllocation', measure: '1.1', year: 2024, amount: '80.00' }] }).expect(409);

      // then it is refused at its date, and nothing is written
      expect(problemOf(res)).toMatchObject({ code: 'EffectiveBeforeDecision', problems: [{ path: '$.effectiveFrom', code: 'EffectiveBeforeDecision', decisionId }] });
      expect(res.body.problems[0].message).toMatch(/before рішення \d+ сесії VIII скликання від 20\.03\.2025 № .* takes effect \(2025-03-20\)/);
      expect(await etagOf(t, programme)).toBe(etag);

      // and a decision registered as applying from the earlier date takes the same amendment
      const retroactive = await postDecision(t, { session: 61, number: '6100', adoptedOn: '2025-03-20', effectiveFrom: '2024-03-20' }).expect(201);
      await amend(t, programme, { decisionId: retroactive.body.id, effectiveFrom: '2024-03-20', changes: [{ op: 'setAllocation', measure: '1.1', year: 2024, amount: '80.00' }] }).expect(201);
    });

    it('refuses to correct a decision to take effect after amendments made under it (409 AmendmentsBeforeDecision, naming them), and writes nothing; an amendment revoked no longer holds it', async () => {
      // given a decision of 20.03.2025 and an amendment under it from 01.04.2025
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const made = await amend(t, programme, { decisionId, effectiveFrom: '2025-04-01', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '81.00' }] }).expect(201);
      const before = (await t.http.get(`/api/v1/decisions/${decisionId}`).expect(200)).body;

      // when the decision is corrected to take effect later: its effective date, or its adoption date it follows
      const moved = await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ effectiveFrom: '2025-05-01' }).expect(409);
      const adopted = await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ adoptedOn: '2025-04-15' }).expect(409);

      // then each is refused at what moved it, naming the amendment, and the decision stays as it was
      expect(problemOf(moved)).toMatchObject({ code: 'AmendmentsBeforeDecision', problems: [{ path: '$.effectiveFrom', amendmentId: made.body.amendmentId, programmeId: programme }] });
      expect(problemOf(adopted)).toMatchObject({ code: 'AmendmentsBeforeDecision', problems: [{ path: '$.adoptedOn', amendmentId: made.body.amendmentId }] });
      expect((await t.http.get(`/api/v1/decisions/${decisionId}`).expect(200)).body).toEqual(before);

      // and up to the amendment's own date it is taken, as is any date once the amendment is revoked
      await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ effectiveFrom: '2025-04-01' }).expect(201);
      await revoke(t, programme, made.body.amendmentId, 'entered under the wrong decision').expect(201);
      await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ effectiveFrom: '2025-05-01' }).expect(201);
    });

    it('refuses to move a decision that approved a programme past its initial wording, telling to keep the date (the wording cannot be revoked); a correction that keeps it is taken', async () => {
      // given a programme approved by a decision of 20.03.2025
      const decisionId = await registerDecision(t, '2025-03-20');
      await t.http.post('/api/v1/programmes/import').set(t.as('secretariat')).send({ programmeId: 'approved-2025-03-20', decisionId, document: ANNEX }).expect(201);

      // when its adoption date, which its effective date follows, is corrected to a later day
      const moved = await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ adoptedOn: '2025-03-25' }).expect(409);

      // then the answer says how to correct it, and that way it is taken
      expect(moved.body).toMatchObject({ code: 'AmendmentsBeforeDecision', detail: expect.stringContaining('send effectiveFrom 2025-03-20 with the correction') });
      const kept = await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ adoptedOn: '2025-03-25', effectiveFrom: '2025-03-20' }).expect(201);
      expect([kept.body.adoptedOn, kept.body.effectiveFrom]).toEqual(['2025-03-25', '2025-03-20']);
      // and a correction that does not move the date is never held up
      await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ title: 'Про затвердження Програми (виправлено)' }).expect(201);
    });

    it('accepts a change whose `was` matches', async () => {
      // given the annex, where 1.1 has 75.00 for 2025
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');

      // when the secretariat states the right former value
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00', was: '75.00' }] });

      // then the change is made
      expect(res.status).toBe(201);
      expect(measureOf(await viewOf(t, programme), '1.1').allocations['2025']).toBe('100.00');
    });

    it('answers 409 at $.changes[0].measure for a measure the programme does not have on that date', async () => {
      // given the annex, whose section I ends at 1.4
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const etag = await etagOf(t, programme);

      // when an amendment sets an allocation of a measure 1.9
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.9', year: 2025, amount: '10.00' }] });

      // then it is refused with the path of the reference, and nothing is written
      expect(problemOf(res)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'InvalidChanges',
        problems: [expect.objectContaining({ path: '$.changes[0].measure', code: 'MeasureNotFound' })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
    });

    it('refuses allocations whose totals would pass exact kopecks (2^53), and keeps the read side serving', async () => {
      // given a programme, and the largest amount the API takes (just under 10^10 thousand UAH)
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const largest = '9999999999.00';
      const cells = ['1.1', '1.2', '1.3', '1.4', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6'];
      const setting = (numbers: string[]) => numbers.map((measure) => ({ op: 'setAllocation', measure, year: 2025, amount: largest }));

      // when nine cells get it (≈ 9 × 10^15 kopecks in all: still exact), and then a tenth
      const nine = await amend(t, programme, { decisionId, changes: setting(cells.slice(0, 9)) });
      const etag = await etagOf(t, programme);
      const tenth = await amend(t, programme, { decisionId, changes: setting(cells.slice(9)) });

      // then the nine are written and the totals are exact: 2025 = 9 × 9999999999.00 + the other measures' 2497.30
      expect(nine.status).toBe(201);
      const view = await viewOf(t, programme);
      expect(view.totals.byYear['2025']).toBe('90000002488.30');
      // and the tenth is refused where its amount is, with nothing written
      expect(problemOf(tenth)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'InvalidChanges',
        problems: [expect.objectContaining({ path: '$.changes[0].amount', code: 'TotalTooLarge' })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
      // and the read models still follow the store: a later write is read back at once
      await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2026, amount: '1.00' }] }).expect(201);
      expect(measureOf(await viewOf(t, programme), '1.1').allocations['2026']).toBe('1.00');
      await t.http.get('/ready').expect(200);
    });

    it('answers 404 for a decision that was never registered, and writes nothing', async () => {
      // given a programme
      const programme = await freshProgramme();
      const etag = await etagOf(t, programme);

      // when an amendment names a decision id nobody registered
      const res = await amend(t, programme, { decisionId: 'no-such-decision', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '1.00' }] });

      // then it is a 404 pointing at the decision
      expect(problemOf(res)).toEqual({
        status: 404,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'DecisionNotFound',
        problems: [expect.objectContaining({ path: '$.decisionId', code: 'DecisionNotFound' })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
    });
  });

  describe('the effective date', () => {
    it('is refused before the approval or after the period’s last year, at effectiveFrom, and nothing is written', async () => {
      const programme = await freshProgramme();
      const etag = await etagOf(t, programme);
      const decisionId = await registerDecision(t, '2025-03-20');

      for (const [effectiveFrom, code] of [['2024-02-21', 'EffectiveBeforeProgramme'], ['2205-03-20', 'EffectiveAfterPeriod']]) {
        const res = await amend(t, programme, { decisionId, effectiveFrom, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '80.00' }] });
        expect(problemOf(res)).toMatchObject({ status: 409, code, problems: [expect.objectContaining({ path: '$.effectiveFrom' })] });
      }
      expect(await etagOf(t, programme)).toBe(etag);
    });
  });

  describe('the timeline invariant', () => {
    it('refuses a retroactive removal of a measure a later amendment allocates to, naming that amendment', async () => {
      // given an amendment effective 01.06.2025 that sets 2.1/2026
      const programme = await freshProgramme();
      const june = await registerDecision(t, '2025-06-01');
      const later = await amend(t, programme, { decisionId: june, changes: [{ op: 'setAllocation', measure: '2.1', year: 2026, amount: '300.00' }] }).expect(201);
      const etag = await etagOf(t, programme);

      // when a decision effective 01.03.2025, registered afterwards, removes 2.1
      const march = await registerDecision(t, '2025-03-01');
      const res = await amend(t, programme, { decisionId: march, changes: [{ op: 'removeMeasure', measure: '2.1' }] });

      // then it is a 409 that names the later amendment it would break
      expect(problemOf(res)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'TimelineConflict',
        problems: [expect.objectContaining({ code: 'TimelineConflict', path: '$.changes[0]', amendmentId: later.body.amendmentId, decisionId: june, effectiveFrom: '2025-06-01', rule: 'MeasureNotFound' })],
      });
      // naming the later decision as the council cites it, its id left to the problem's details
      const { number } = (await t.http.get(`/api/v1/decisions/${june}`).expect(200)).body;
      expect(res.body.problems[0].message).toMatch(new RegExp(`^amendment ${later.body.amendmentId} \\(рішення \\d+ сесії VIII скликання від 01\\.06\\.2025 № ${number}, effective 2025-06-01\\): `));
      expect(res.body.problems[0].message).not.toContain(june);
      // and the measure is still there in the spring
      expect(await etagOf(t, programme)).toBe(etag);
      expect(measureOf(await viewOf(t, programme, { asOf: '2025-04-01' }), '2.1').allocations['2026']).toBe('270.00');
    });

    it('refuses a retroactive change to a value a later amendment’s `was` named; revoking that amendment and entering it again on the new value enters both', async () => {
      // given an amendment effective 20.03.2025 that sets 1.1/2025 from 75.00 (its `was`) to 100.00
      const programme = await freshProgramme();
      const march = await registerDecision(t, '2025-03-20');
      const later = await amend(t, programme, { decisionId: march, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00', was: '75.00' }] }).expect(201);
      const etag = await etagOf(t, programme);

      // when a decision effective 15.01.2025, registered afterwards, sets the same cell to 80.00
      const january = await registerDecision(t, '2025-01-15');
      const earlier = { decisionId: january, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '80.00' }] };
      const res = await amend(t, programme, earlier);

      // then it is a 409 naming the March amendment and the rule its `was` would break, and nothing is written
      expect(problemOf(res)).toMatchObject({
        status: 409,
        code: 'TimelineConflict',
        problems: [expect.objectContaining({ path: '$.changes[0]', amendmentId: later.body.amendmentId, decisionId: march, effectiveFrom: '2025-03-20', rule: 'WasMismatch' })],
      });
      expect(await etagOf(t, programme)).toBe(etag);

      // when the March amendment is revoked, January's is entered, and March's again with the value it now changes
      await revoke(t, programme, later.body.amendmentId).expect(201);
      await amend(t, programme, earlier).expect(201);
      await amend(t, programme, { decisionId: march, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00', was: '80.00' }] }).expect(201);

      // then each is in force from its own date
      const cell = async (asOf: string) => measureOf(await viewOf(t, programme, { asOf }), '1.1').allocations['2025'];
      expect(await cell('2025-01-14')).toBe('75.00');
      expect(await cell('2025-02-01')).toBe('80.00');
      expect(await cell('2025-03-20')).toBe('100.00');
    });

    it('puts a retroactive amendment that keeps the timeline valid in effective order, not record order', async () => {
      // given an amendment effective 01.06.2025 that sets 1.1/2026 to 90.00
      const programme = await freshProgramme();
      const june = await registerDecision(t, '2025-06-01');
      const later = await amend(t, programme, { decisionId: june, changes: [{ op: 'setAllocation', measure: '1.1', year: 2026, amount: '90.00' }] }).expect(201);

      // when an amendment effective 01.03.2025 is registered afterwards, on the same cell and on another
      const march = await registerDecision(t, '2025-03-01');
      const res = await amend(t, programme, {
        decisionId: march,
        changes: [
          { op: 'setAllocation', measure: '1.1', year: 2026, amount: '80.00' },
          { op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00' },
        ],
      });

      // then it is accepted from its own date
      expect(res.status).toBe(201);
      expect(res.body.effectiveFrom).toBe('2025-03-01');
      const cells = async (asOf?: string) => {
        const view = await viewOf(t, programme, asOf ? { asOf } : {});
        return [measureOf(view, '1.1').allocations['2026'], measureOf(view, '1.2').allocations['2025']];
      };
      // and before March nothing changed; between the dates only the March amendment is in force
      expect(await cells('2025-02-28')).toEqual(['75.00', '150.00']);
      expect(await cells('2025-04-01')).toEqual(['80.00', '160.00']);
      // and from June the June amendment, later in effect though earlier on record, decides the shared cell
      expect(await cells('2025-07-01')).toEqual(['90.00', '160.00']);
      expect(await cells()).toEqual(['90.00', '160.00']);
      // and the versions list it between the approval and June
      const versions = await t.http.get(`/api/v1/programmes/${programme}/versions`).expect(200);
      expect(versions.body.versions.map((v: { amendmentId: string }) => v.amendmentId).slice(1)).toEqual([res.body.amendmentId, later.body.amendmentId]);
    });
  });

  describe('revoking an amendment registered in error', () => {
    it('takes its changes out of the current view, and keeps them in the view known before the revocation', async () => {
      // given an amendment that set 1.1/2025 to 100.00
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const amended = await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] }).expect(201);
      const knownBefore = (await viewOf(t, programme)).knownAt;

      // when it is revoked
      const res = await revoke(t, programme, amended.body.amendmentId);

      // then the revocation is one more append
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        programmeId: programme,
        amendmentId: amended.body.amendmentId,
        events: 1,
        revision: amended.body.revision + 1,
        position: expect.stringMatching(/^\d+(\/\d+)?$/),
      });
      // and the change has vanished from the current view
      const now = await viewOf(t, programme);
      expect(now.revision).toBe(res.body.revision);
      expect(measureOf(now, '1.1').allocations['2025']).toBe('75.00');
      expect(now.totals.byYear['2025']).toBe('3647.30');
      // and an auditor asking what was known before the revocation still sees it
      const then = await viewOf(t, programme, { knownAt: knownBefore });
      expect(measureOf(then, '1.1').allocations['2025']).toBe('100.00');
      // and it cannot be revoked twice
      expect(problemOf(await revoke(t, programme, amended.body.amendmentId))).toMatchObject({ status: 409, code: 'AmendmentAlreadyRevoked' });
    });

    it('refuses to revoke an amendment a later one depends on, naming the later one', async () => {
      // given a measure 1.5 added from 01.03.2025 and an allocation to it from 01.06.2025
      const programme = await freshProgramme();
      const march = await registerDecision(t, '2025-03-01');
      const june = await registerDecision(t, '2025-06-01');
      const adding = await amend(t, programme, {
        decisionId: march,
        changes: [{ op: 'addMeasure', number: '1.5', title: 'Новий захід', term: { from: 2025, to: 2026 }, fundingSources: [{ source: BUDGET, allocations: { '2025': '5.00' } }] }],
      }).expect(201);
      const allocating = await amend(t, programme, { decisionId: june, changes: [{ op: 'setAllocation', measure: '1.5', year: 2026, amount: '10.00' }] }).expect(201);
      const etag = await etagOf(t, programme);

      // when the amendment that added 1.5 is revoked
      const res = await revoke(t, programme, adding.body.amendmentId);

      // then it is a 409 naming the June amendment, and the measure stays
      expect(problemOf(res)).toEqual({
        status: 409,
        contentType: expect.stringMatching(PROBLEM_JSON),
        code: 'TimelineConflict',
        problems: [expect.objectContaining({ path: '$', amendmentId: allocating.body.amendmentId, rule: 'MeasureNotFound' })],
      });
      expect(await etagOf(t, programme)).toBe(etag);
      expect(measureOf(await viewOf(t, programme), '1.5').allocations).toEqual({ '2024': null, '2025': '5.00', '2026': '10.00' });
    });
  });

  describe('the version of a decision', () => {
    it('for a decision that amended the programme twice, is the programme after its last amendment in effective order, with what others put in force before it', async () => {
      // given decision D1 amending 1.1 from 10.01 and again from 01.06, and D2 amending 1.2 from 10.03
      const programme = await freshProgramme();
      const d1 = await registerDecision(t, '2025-01-10');
      const d2 = await registerDecision(t, '2025-03-10');
      await amend(t, programme, { decisionId: d1, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '80.00' }] }).expect(201);
      const later = await amend(t, programme, { decisionId: d1, effectiveFrom: '2025-06-01', changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '90.00' }] }).expect(201);
      await amend(t, programme, { decisionId: d2, changes: [{ op: 'setAllocation', measure: '1.2', year: 2025, amount: '160.00' }] }).expect(201);

      // when D1's version is read
      const res = await t.http.get(`/api/v1/programmes/${programme}/versions/${d1}`).expect(200);

      // then it is as of D1's last amendment, which D2's (effective before it) precedes
      expect(res.body.version).toMatchObject({ decisionId: d1, amendmentId: later.body.amendmentId, effectiveFrom: '2025-06-01' });
      expect(res.body.programme.asOf).toBe('2025-06-01');
      expect(measureOf(res.body.programme, '1.1').allocations['2025']).toBe('90.00');
      expect(measureOf(res.body.programme, '1.2').allocations['2025']).toBe('160.00');
      // and D2's version has D1's first amendment only
      const second = await t.http.get(`/api/v1/programmes/${programme}/versions/${d2}`).expect(200);
      expect(measureOf(second.body.programme, '1.1').allocations['2025']).toBe('80.00');
    });

    it('for a decision that never amended the programme is 404 VersionNotFound', async () => {
      const programme = await freshProgramme();
      const idle = await registerDecision(t, '2025-02-01');
      const res = await t.http.get(`/api/v1/programmes/${programme}/versions/${idle}`).expect(404);
      expect(res.body.code).toBe('VersionNotFound');
    });
  });

  describe('read-your-writes', () => {
    it('answers every write with its revision and position, and a GET right after it sees the write', async () => {
      // given a programme and a decision
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, '2025-03-20');
      const writes: { revision: number; position: string }[] = [];

      // when amendments and a revocation follow one another, each read at once
      for (const amount of ['101.00', '102.00', '103.00']) {
        const res = await amend(t, programme, { decisionId, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount }] }).expect(201);
        writes.push(res.body);
        const view = await t.http.get(`/api/v1/programmes/${programme}`).expect(200);
        // then the read already holds the write
        expect(view.headers.etag).toBe(`"${res.body.revision}"`);
        expect(measureOf(view.body, '1.1').allocations['2025']).toBe(amount);
      }
      const revoked = await revoke(t, programme, (await viewOf(t, programme)).lastAmendment?.amendmentId as string).expect(201);
      writes.push(revoked.body);
      expect(measureOf(await viewOf(t, programme), '1.1').allocations['2025']).toBe('102.00');

      // and revisions and global positions only grow
      const commit = (position: string) => BigInt(position.split('/')[0]);
      for (let i = 1; i < writes.length; i++) {
        expect(writes[i].revision).toBeGreaterThan(writes[i - 1].revision);
        expect(commit(writes[i].position) > commit(writes[i - 1].position)).toBe(true);
      }
    });
  });
});
