import type { Response } from 'supertest';
import { startApp, type TestApp } from '../support/app';
import {
  amend,
  BUDGET,
  directionOf,
  etagOf,
  freshCopy,
  kopecks,
  measureOf,
  measures,
  PROBLEM_JSON,
  problemOf,
  type ProgrammeView,
  registerDecision,
  type SectionView,
  type TotalsView,
  viewOf,
} from '../support/http-programmes';
import type { AuditEntry } from '../../src/programme/read/audit.query';

/**
 * The change ops that had no end-to-end test over HTTP (DESIGN §4, §5, §7): renumberMeasure, removeMeasure's
 * audit line, changeExpectedResults, unassignExecutor, changeFundingSource, extendPeriod, addSection, addDirection.
 * For each: the amendment is registered over HTTP, the view shows the change from its effective date and the
 * old state before it, the audit trail has the line (field, was → became), and a change the decider refuses
 * is a problem+json that writes nothing. One app serves the file; every test amends its own copy of the
 * Korosten annex (approved 22.02.2024, period 2024–2026, sections I–IV, section I's direction numbered "1").
 */

/** The annex's totals as approved. */
const SEED_TOTALS: TotalsView = { byYear: { '2024': '3887.30', '2025': '3647.30', '2026': '3647.30' }, overall: '11181.90' };
const SECTION_I: TotalsView = { byYear: { '2024': '575.00', '2025': '575.00', '2026': '575.00' }, overall: '1725.00' };
const SECTION_IV: TotalsView = { byYear: { '2024': '387.30', '2025': '147.30', '2026': '147.30' }, overall: '681.90' };
const ZERO: TotalsView = { byYear: { '2024': '0.00', '2025': '0.00', '2026': '0.00' }, overall: '0.00' };

/** Decisions adopted on these dates; the day before the first, the programme reads as approved. */
const MARCH = '2025-03-20';
const DAY_BEFORE = '2025-03-19';
const JUNE = '2025-06-01';

/** An addMeasure change for 2025–2026, funded from the community's budget. */
function measureAdded(number: string, title: string, allocations: Record<string, string>, where: { direction?: string; section?: string; expectedResults?: string[] } = {}) {
  return { op: 'addMeasure', number, ...where, title, term: { from: 2025, to: 2026 }, fundingSources: [{ source: BUDGET, allocations }] };
}

const STATE_BUDGET = 'Державний бюджет України';
const REGIONAL_BUDGET = 'Бюджет Житомирської області';

/** The fields of an audit line that say what changed. */
type Line = Pick<AuditEntry, 'kind' | 'decisionId' | 'effectiveFrom' | 'measureId' | 'measureNumber' | 'field' | 'fundingSource' | 'was' | 'became'>;

describe('change ops over HTTP: renumber, expected results, unassign, funding source, period, programme title, section, direction', () => {
  let t: TestApp;
  const freshProgramme = () => freshCopy(t, 'change-ops');

  /** A fresh copy, its ETag, and a decision of March to amend it under: what a refused amendment must leave as it is. */
  const givenFreshCopy = async () => {
    const programme = await freshProgramme();
    return { programme, etag: await etagOf(t, programme), decisionId: await registerDecision(t, MARCH) };
  };

  /** A fresh copy that a decision of March has amended with `changes`: the state a June decision builds on. */
  const freshAmendedInMarch = async (changes: readonly object[]) => {
    const programme = await freshProgramme();
    await amend(t, programme, { decisionId: await registerDecision(t, MARCH), changes }).expect(201);
    return programme;
  };

  /** A fresh copy, its view as approved, and a decision of March to amend it with. */
  const freshWithMarchDecision = async () => {
    const programme = await freshProgramme();
    return { programme, before: await viewOf(t, programme), decisionId: await registerDecision(t, MARCH) };
  };

  /** The audit lines a decision wrote in a programme, as the auditor reads them. */
  const auditOf = async (programme: string, query: Record<string, string>): Promise<Line[]> => {
    const res = await t.http.get(`/api/v1/programmes/${programme}/audit`).set(t.as('auditor')).query({ limit: 500, ...query }).expect(200);
    return (res.body.entries as AuditEntry[]).map(({ kind, decisionId, effectiveFrom, measureId, measureNumber, field, fundingSource, was, became }) => ({
      kind,
      decisionId,
      effectiveFrom,
      measureId,
      measureNumber,
      field,
      fundingSource,
      was,
      became,
    }));
  };
  const change = (decisionId: string, effectiveFrom: string, line: Partial<Line>): Line => ({
    kind: 'change',
    decisionId,
    effectiveFrom,
    measureId: null,
    measureNumber: null,
    field: null,
    fundingSource: null,
    was: null,
    became: null,
    ...line,
  });

  /** The answer to an accepted amendment of `count` changes made on top of `before`. */
  const accepted = (res: Response, programme: string, before: ProgrammeView, count: number, effectiveFrom: string) => {
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      programmeId: programme,
      amendmentId: expect.any(String),
      effectiveFrom,
      events: count + 1,
      revision: before.revision + count + 1,
      position: expect.stringMatching(/^\d+(\/\d+)?$/),
      warnings: [],
    });
    expect(res.headers.etag).toBe(`"${before.revision + count + 1}"`);
  };

  /** A refused amendment: 409 InvalidChanges with exactly these problems. */
  const refused = (res: Response, problems: Record<string, unknown>[], code = 'InvalidChanges') => {
    expect(problemOf(res)).toEqual({
      status: 409,
      contentType: expect.stringMatching(PROBLEM_JSON),
      code,
      problems: problems.map((p) => expect.objectContaining(p)),
    });
  };

  /** Nothing written: the same ETag, and no audit line for the decision. */
  const nothingWritten = async (programme: string, etag: string, decisionId: string) => {
    expect(await etagOf(t, programme)).toBe(etag);
    expect(await auditOf(programme, { decision: decisionId })).toEqual([]);
  };

  const sectionOf = (view: ProgrammeView, number: string): SectionView => {
    const found = view.sections.find((s) => s.number === number);
    if (!found) throw new Error(`no section ${number} in the view`);
    return found;
  };
  const directionNumbers = (section: SectionView) => section.directions.map((d) => ({ number: d.number, measures: d.measures.map((m) => m.number) }));

  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());

  describe('renumberMeasure', () => {
    it('given 2.3, when a decision renumbers it 2.11, then the same measure reads 2.11 from that date and 2.3 before it, and the audit has number 2.3 → 2.11', async () => {
      // given the annex, whose direction of section II runs 2.1–2.10
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const measure = measureOf(before, '2.3');
      const decisionId = await registerDecision(t, MARCH);

      // when 2.3 is renumbered 2.11, stating its former number
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'renumberMeasure', measure: '2.3', number: '2.11', was: '2.3' }] });

      // then one change is written, effective from the decision's date
      accepted(res, programme, before, 1, MARCH);
      // and the measure, otherwise untouched, carries the new number in its direction, listed by number
      const after = await viewOf(t, programme);
      expect(measureOf(after, '2.11')).toEqual({ ...measure, number: '2.11' });
      expect(measures(after).map((m) => m.number)).not.toContain('2.3');
      expect(directionOf(after, '2.11').id).toBe(directionOf(before, '2.3').id);
      expect(directionOf(after, '2.11').measures.map((m) => m.number)).toEqual(['2.1', '2.2', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10', '2.11']);
      expect(after.totals).toEqual(SEED_TOTALS);

      // and the day before the decision it is still 2.3, and there is no 2.11
      const dayBefore = await viewOf(t, programme, { asOf: DAY_BEFORE });
      expect(measureOf(dayBefore, '2.3')).toEqual(measure);
      expect(measures(dayBefore).map((m) => m.number)).not.toContain('2.11');

      // and the audit names the measure by its number where the change takes effect, with was → became
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, { measureId: measure.id, measureNumber: '2.3', field: 'number', was: '2.3', became: '2.11' }),
      ]);
    });

    it('given 2.3 renumbered 2.11 from March, when later amendments reference a number, then 2.11 resolves from March on, 2.3 only before it, and 2.3 is unknown after it', async () => {
      // given 2.3 renumbered 2.11 from 20.03.2025
      const programme = await freshProgramme();
      const id = measureOf(await viewOf(t, programme), '2.3').id;
      const march = await registerDecision(t, MARCH);
      await amend(t, programme, { decisionId: march, changes: [{ op: 'renumberMeasure', measure: '2.3', number: '2.11' }] }).expect(201);

      // when a June decision allocates to and rewords the measure by its new number
      const june = await registerDecision(t, JUNE);
      const before = await viewOf(t, programme);
      const res = await amend(t, programme, {
        decisionId: june,
        changes: [
          { op: 'setAllocation', measure: '2.11', year: 2026, amount: '95.00', was: '85.00' },
          { op: 'rewordMeasure', measure: '2.11', title: 'Інформаційні послуги громаді' },
        ],
      });

      // then both changes land on the renumbered measure
      accepted(res, programme, before, 2, JUNE);
      const after = await viewOf(t, programme);
      expect(measureOf(after, '2.11')).toMatchObject({ id, title: 'Інформаційні послуги громаді', allocations: { '2024': '85.00', '2025': '85.00', '2026': '95.00' } });
      expect(after.totals).toEqual({ byYear: { ...SEED_TOTALS.byYear, '2026': '3657.30' }, overall: '11191.90' });
      // and the audit names it 2.11, its number at the June date
      expect((await auditOf(programme, { decision: june })).map((l) => [l.measureId, l.measureNumber, l.field, l.was, l.became])).toEqual([
        [id, '2.11', 'allocations.2026', '85.00', '95.00'],
        [id, '2.11', 'title', expect.stringMatching(/^Інформаційні послуги, в тому числі/), 'Інформаційні послуги громаді'],
      ]);
      // and filtering the audit by the number the measure carries now finds its whole trail, from before the
      // renumbering too; so does the number it carried then
      const trail = [
        [id, '2.3', 'measure'],
        [id, '2.3', 'number'],
        [id, '2.11', 'allocations.2026'],
        [id, '2.11', 'title'],
      ];
      expect((await auditOf(programme, { measure: '2.11' })).map((l) => [l.measureId, l.measureNumber, l.field])).toEqual(trail);
      expect((await auditOf(programme, { measure: '2.3' })).map((l) => [l.measureId, l.measureNumber, l.field])).toEqual(trail);

      // when a later decision still says 2.3, then there is no such measure on its date, and nothing is written
      const etag = await etagOf(t, programme);
      const stale = await registerDecision(t, '2025-07-01');
      refused(await amend(t, programme, { decisionId: stale, changes: [{ op: 'setAllocation', measure: '2.3', year: 2026, amount: '1.00' }] }), [
        { path: '$.changes[0].measure', code: 'MeasureNotFound' },
      ]);
      await nothingWritten(programme, etag, stale);

      // when a retroactive decision effective before the renumbering says 2.11, then that is unknown on its date too
      const february = await registerDecision(t, '2025-02-01');
      refused(await amend(t, programme, { decisionId: february, changes: [{ op: 'setAllocation', measure: '2.11', year: 2025, amount: '1.00' }] }), [
        { path: '$.changes[0].measure', code: 'MeasureNotFound' },
      ]);
      await nothingWritten(programme, etag, february);

      // and it may say 2.3, the number in force on its date: the change lands on the same measure
      await amend(t, programme, { decisionId: february, changes: [{ op: 'setAllocation', measure: '2.3', year: 2025, amount: '88.00' }] }).expect(201);
      expect(measureOf(await viewOf(t, programme, { asOf: '2025-02-01' }), '2.3')).toMatchObject({ id, allocations: { '2024': '85.00', '2025': '88.00', '2026': '85.00' } });
      expect(measureOf(await viewOf(t, programme), '2.11')).toMatchObject({ id, allocations: { '2024': '85.00', '2025': '88.00', '2026': '95.00' } });
    });

    it('given one amendment, when 2.4 becomes 2.12 and then 2.3 takes the freed 2.4, then each change sees the one before it', async () => {
      const { programme, before, decisionId } = await freshWithMarchDecision();

      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'renumberMeasure', measure: '2.4', number: '2.12' },
          { op: 'renumberMeasure', measure: '2.3', number: '2.4' },
        ],
      });

      accepted(res, programme, before, 2, MARCH);
      const after = await viewOf(t, programme);
      expect(measureOf(after, '2.4').id).toBe(measureOf(before, '2.3').id);
      expect(measureOf(after, '2.12').id).toBe(measureOf(before, '2.4').id);
      expect(measures(after).map((m) => m.number)).not.toContain('2.3');
    });

    it('when 2.3 is renumbered to 2.4, a number another measure holds, then it is a 409 MeasureNumberTaken naming the holder, and nothing is written', async () => {
      // given the annex, where 2.4 is taken
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const etag = await etagOf(t, programme);
      const decisionId = await registerDecision(t, MARCH);

      // when 2.3 is renumbered 2.4
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'renumberMeasure', measure: '2.3', number: '2.4' }] });

      // then it is refused at the number, naming the measure that holds it
      refused(res, [{ path: '$.changes[0].number', code: 'MeasureNumberTaken', measureId: measureOf(before, '2.4').id }]);
      // and nothing is written: 2.3 is still 2.3
      await nothingWritten(programme, etag, decisionId);
      expect(measureOf(await viewOf(t, programme), '2.3').id).toBe(measureOf(before, '2.3').id);
    });

    it('when a retroactive renumbering takes a number a later amendment gave a new measure, then it is a 409 TimelineConflict naming that amendment', async () => {
      // given a measure 2.11 added from June
      const programme = await freshProgramme();
      const june = await registerDecision(t, JUNE);
      const adding = await amend(t, programme, {
        decisionId: june,
        changes: [measureAdded('2.11', 'Новий захід', { '2025': '5.00' })],
      }).expect(201);
      const etag = await etagOf(t, programme);

      // when a March decision, registered afterwards, renumbers 2.3 to 2.11
      const march = await registerDecision(t, MARCH);
      const res = await amend(t, programme, { decisionId: march, changes: [{ op: 'renumberMeasure', measure: '2.3', number: '2.11' }] });

      // then the June amendment would no longer fit: refused, nothing written
      refused(res, [{ code: 'TimelineConflict', amendmentId: adding.body.amendmentId, decisionId: june, effectiveFrom: JUNE, rule: 'MeasureNumberTaken' }], 'TimelineConflict');
      await nothingWritten(programme, etag, march);
    });
  });

  describe('removeMeasure', () => {
    it('given 2.1 with its money, when a decision removes it, then the totals drop by its allocations and the audit line carries them, so the trail alone accounts for the change', async () => {
      // given the annex's 2.1
      const { programme, before, decisionId } = await freshWithMarchDecision();
      const measure = measureOf(before, '2.1');

      // when a March decision removes it
      accepted(await amend(t, programme, { decisionId, changes: [{ op: 'removeMeasure', measure: '2.1' }] }), programme, before, 1, MARCH);

      // then the view lacks it, and every year's total dropped by exactly its allocation
      const after = await viewOf(t, programme);
      expect(measures(after).map((m) => m.id)).not.toContain(measure.id);
      for (const year of ['2024', '2025', '2026']) {
        expect(kopecks(before.totals.byYear[year]) - kopecks(after.totals.byYear[year])).toBe(kopecks(measure.allocations[year]));
      }
      // and the audit line says what was removed, money included, as the view showed it
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, {
          measureId: measure.id,
          measureNumber: '2.1',
          field: 'measure',
          was: {
            number: '2.1',
            title: measure.title,
            term: measure.term,
            executors: measure.executors.map(({ id, name }) => ({ id, name })),
            fundingSources: measure.fundingSources,
            expectedResults: measure.expectedResults,
          },
        }),
      ]);
    });
  });

  describe('changeExpectedResults', () => {
    const NEW_RESULTS = ['Відзначено не менше 25 посадових осіб щороку', 'Поширено позитивний досвід діяльності органів місцевого самоврядування'];

    it('given 2.1 with two expected results, when a decision replaces them, then the view shows the new list from that date and the old before it, and the audit has was → became', async () => {
      // given the annex's 2.1 and its two expected results
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const measure = measureOf(before, '2.1');
      expect(measure.expectedResults).toHaveLength(2);
      const decisionId = await registerDecision(t, MARCH);

      // when its expected results are replaced, stating the former ones
      const res = await amend(t, programme, {
        decisionId,
        changes: [{ op: 'changeExpectedResults', measure: '2.1', expectedResults: NEW_RESULTS, was: measure.expectedResults }],
      });

      // then the measure has exactly the new list and nothing else changed
      accepted(res, programme, before, 1, MARCH);
      const after = await viewOf(t, programme);
      expect(measureOf(after, '2.1')).toEqual({ ...measure, expectedResults: NEW_RESULTS });
      expect(after.totals).toEqual(SEED_TOTALS);
      // and the day before, the approved list
      expect(measureOf(await viewOf(t, programme, { asOf: DAY_BEFORE }), '2.1').expectedResults).toEqual(measure.expectedResults);
      // and the audit line carries both lists
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, { measureId: measure.id, measureNumber: '2.1', field: 'expectedResults', was: measure.expectedResults, became: NEW_RESULTS }),
      ]);
    });

    it('when the stated former results are not the measure’s, then it is a 409 WasMismatch with both lists, and nothing is written', async () => {
      const programme = await freshProgramme();
      const measure = measureOf(await viewOf(t, programme), '2.1');
      const etag = await etagOf(t, programme);
      const decisionId = await registerDecision(t, MARCH);

      const res = await amend(t, programme, {
        decisionId,
        changes: [{ op: 'changeExpectedResults', measure: '2.1', expectedResults: NEW_RESULTS, was: ['Проведено мотивацію професійної діяльності'] }],
      });

      refused(res, [{ path: '$.changes[0].was', code: 'WasMismatch', field: 'expectedResults', actual: measure.expectedResults, claimed: ['Проведено мотивацію професійної діяльності'] }]);
      await nothingWritten(programme, etag, decisionId);
      expect(measureOf(await viewOf(t, programme), '2.1').expectedResults).toEqual(measure.expectedResults);
    });
  });

  describe('unassignExecutor', () => {
    it('given 1.2 with three executors, when a decision unassigns the deputy mayors, then 1.2 keeps the other two from that date and all three before it, and the audit has executors id → null', async () => {
      // given 1.2: the council's secretary, the deputy mayors, the executive committee's manager
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const measure = measureOf(before, '1.2');
      const [secretary, deputies, manager] = measure.executors;
      expect(deputies.name).toBe('заступники міського голови');
      const decisionId = await registerDecision(t, MARCH);

      // when the deputy mayors are unassigned from 1.2
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'unassignExecutor', measure: '1.2', executor: deputies.id }] });

      // then 1.2 has the other two, in their order, and nothing else about it changed
      accepted(res, programme, before, 1, MARCH);
      const after = await viewOf(t, programme);
      expect(measureOf(after, '1.2')).toEqual({ ...measure, executors: [secretary, manager] });
      // and the executor stays on the other measures it serves
      expect(measureOf(after, '2.1').executors.map((e) => e.id)).toContain(deputies.id);
      // and the day before, all three
      expect(measureOf(await viewOf(t, programme, { asOf: DAY_BEFORE }), '1.2').executors).toEqual([secretary, deputies, manager]);
      // and the audit line says who went
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, { measureId: measure.id, measureNumber: '1.2', field: 'executors', was: deputies.id, became: null }),
      ]);
    });

    it('when an executor not assigned to the measure is unassigned (or one is unassigned twice), then it is a 409 ExecutorNotAssigned at each such change, and nothing is written', async () => {
      // given 1.1's executive committee, which 1.2 does not have
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const committee = measureOf(before, '1.1').executors[0];
      const deputies = measureOf(before, '1.2').executors[1];
      expect(measureOf(before, '1.2').executors.map((e) => e.id)).not.toContain(committee.id);
      const etag = await etagOf(t, programme);
      const decisionId = await registerDecision(t, MARCH);

      // when an amendment unassigns the committee from 1.2, and the deputy mayors twice (the first is valid)
      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'unassignExecutor', measure: '1.2', executor: committee.id },
          { op: 'unassignExecutor', measure: '1.2', executor: deputies.id },
          { op: 'unassignExecutor', measure: '1.2', executor: deputies.id },
        ],
      });

      // then the first and the third are refused at the executor
      refused(res, [
        { path: '$.changes[0].executor', code: 'ExecutorNotAssigned' },
        { path: '$.changes[2].executor', code: 'ExecutorNotAssigned' },
      ]);
      // and not even the valid second change was written
      await nothingWritten(programme, etag, decisionId);
      expect(measureOf(await viewOf(t, programme), '1.2').executors).toEqual(measureOf(before, '1.2').executors);
    });
  });

  describe('changeFundingSource', () => {
    it('given 1.1 funded from the community budget, when a decision moves it to the state budget, then fundingSources names the new source with the same amounts from that date, and the audit has the old → new source', async () => {
      // given 1.1, 75.00 a year from the community budget
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const measure = measureOf(before, '1.1');
      expect(measure.fundingSources).toEqual([{ source: BUDGET, allocations: { '2024': '75.00', '2025': '75.00', '2026': '75.00' } }]);
      const decisionId = await registerDecision(t, MARCH);

      // when its source is changed to the state budget
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'changeFundingSource', measure: '1.1', from: BUDGET, to: STATE_BUDGET }] });

      // then the source is renamed, the amounts and the totals stay
      accepted(res, programme, before, 1, MARCH);
      const after = await viewOf(t, programme);
      expect(measureOf(after, '1.1')).toEqual({ ...measure, fundingSources: [{ source: STATE_BUDGET, allocations: { '2024': '75.00', '2025': '75.00', '2026': '75.00' } }] });
      expect(after.totals).toEqual(SEED_TOTALS);
      expect(sectionOf(after, 'I').totals).toEqual(SECTION_I);
      // and the day before, the community budget
      expect(measureOf(await viewOf(t, programme, { asOf: DAY_BEFORE }), '1.1').fundingSources).toEqual(measure.fundingSources);
      // and the audit line
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, { measureId: measure.id, measureNumber: '1.1', field: 'fundingSource', was: BUDGET, became: STATE_BUDGET }),
      ]);

      // and a later allocation without a source goes to the renamed (sole) source
      const june = await registerDecision(t, JUNE);
      await amend(t, programme, { decisionId: june, changes: [{ op: 'setAllocation', measure: '1.1', year: 2026, amount: '90.00' }] }).expect(201);
      expect(measureOf(await viewOf(t, programme), '1.1').fundingSources).toEqual([{ source: STATE_BUDGET, allocations: { '2024': '75.00', '2025': '75.00', '2026': '90.00' } }]);
      expect((await auditOf(programme, { decision: june }))[0]).toMatchObject({ field: 'allocations.2026', fundingSource: STATE_BUDGET, was: '75.00', became: '90.00' });
    });

    it('given a measure with its sole source, when `from` is left out, then the sole source is the one renamed', async () => {
      const programme = await freshProgramme();
      const decisionId = await registerDecision(t, MARCH);

      await amend(t, programme, { decisionId, changes: [{ op: 'changeFundingSource', measure: '3.4', to: STATE_BUDGET }] }).expect(201);

      expect(measureOf(await viewOf(t, programme), '3.4').fundingSources).toEqual([{ source: STATE_BUDGET, allocations: { '2024': '2000.00', '2025': '2000.00', '2026': '2000.00' } }]);
      expect((await auditOf(programme, { decision: decisionId })).map((l) => [l.field, l.was, l.became])).toEqual([['fundingSource', BUDGET, STATE_BUDGET]]);
    });

    it('when the source to change is one the measure does not have, then it is a 409 FundingSourceNotFound at `from`, and nothing is written', async () => {
      const { programme, etag, decisionId } = await givenFreshCopy();

      const res = await amend(t, programme, { decisionId, changes: [{ op: 'changeFundingSource', measure: '1.1', from: REGIONAL_BUDGET, to: STATE_BUDGET }] });

      refused(res, [{ path: '$.changes[0].from', code: 'FundingSourceNotFound' }]);
      await nothingWritten(programme, etag, decisionId);
      expect(measureOf(await viewOf(t, programme), '1.1').fundingSources.map((f) => f.source)).toEqual([BUDGET]);
    });

    it('given 1.1 co-funded from two sources, when a source is renamed to the other one, or no `from` is named, then each is refused, and nothing is written', async () => {
      const { programme, etag, decisionId } = await givenFreshCopy();

      const res = await amend(t, programme, {
        decisionId,
        changes: [
          // valid: adds a regional funding line to 1.1
          { op: 'setAllocation', measure: '1.1', year: 2025, amount: '10.00', fundingSource: REGIONAL_BUDGET },
          { op: 'changeFundingSource', measure: '1.1', from: BUDGET, to: REGIONAL_BUDGET },
          { op: 'changeFundingSource', measure: '1.1', to: STATE_BUDGET },
        ],
      });

      refused(res, [
        { path: '$.changes[1].to', code: 'FundingSourceTaken' },
        { path: '$.changes[2].from', code: 'FundingSourceRequired' },
      ]);
      await nothingWritten(programme, etag, decisionId);
      expect(measureOf(await viewOf(t, programme), '1.1').fundingSources.map((f) => f.source)).toEqual([BUDGET]);
    });
  });

  describe('extendPeriod', () => {
    it('given the period 2024–2026, when a decision extends it to 2027, then the view has 2027 from that date (zero totals, no amounts) and not before, and the audit has period.to 2026 → 2027', async () => {
      // given the annex, 2024–2026
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      expect(before.period).toEqual({ from: 2024, to: 2026 });
      const decisionId = await registerDecision(t, MARCH);

      // when the period is extended to 2027, stating the former end
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'extendPeriod', to: 2027, was: 2026 }] });

      // then the period ends in 2027 and every total has a 2027 of zero
      accepted(res, programme, before, 1, MARCH);
      const after = await viewOf(t, programme);
      expect(after.period).toEqual({ from: 2024, to: 2027 });
      expect(after.totals).toEqual({ byYear: { ...SEED_TOTALS.byYear, '2027': '0.00' }, overall: '11181.90' });
      expect(sectionOf(after, 'IV').totals).toEqual({ byYear: { ...SECTION_IV.byYear, '2027': '0.00' }, overall: '681.90' });
      // and each measure lists 2027 with no amount; its term is unchanged
      expect(measureOf(after, '1.1')).toMatchObject({ term: { from: 2024, to: 2026 }, allocations: { '2024': '75.00', '2025': '75.00', '2026': '75.00', '2027': null } });
      expect(measureOf(after, '1.1').fundingSources).toEqual([{ source: BUDGET, allocations: { '2024': '75.00', '2025': '75.00', '2026': '75.00', '2027': null } }]);
      // and the day before, 2024–2026 as approved
      const dayBefore = await viewOf(t, programme, { asOf: DAY_BEFORE });
      expect(dayBefore.period).toEqual({ from: 2024, to: 2026 });
      expect(dayBefore.totals).toEqual(SEED_TOTALS);
      expect(measureOf(dayBefore, '1.1').allocations).toEqual({ '2024': '75.00', '2025': '75.00', '2026': '75.00' });
      // and the audit line
      expect(await auditOf(programme, { decision: decisionId })).toEqual([change(decisionId, MARCH, { field: 'period.to', was: 2026, became: 2027 })]);
    });

    it('given the period extended to 2027 from March, when a June decision widens 1.1 to 2027 and allocates 80.00, then the 2027 totals follow; the same changes effective before the extension are refused', async () => {
      // given the extension from 20.03.2025
      const programme = await freshAmendedInMarch([{ op: 'extendPeriod', to: 2027 }]);
      const for2027 = [
        { op: 'changeTerm', measure: '1.1', term: { from: 2024, to: 2027 } },
        { op: 'setAllocation', measure: '1.1', year: 2027, amount: '80.00' },
      ];

      // when the same changes take effect before the extension, then the term and the year lie outside the period
      const etag = await etagOf(t, programme);
      const february = await registerDecision(t, '2025-02-01');
      refused(await amend(t, programme, { decisionId: february, changes: for2027 }), [
        { path: '$.changes[0].term', code: 'TermOutsidePeriod' },
        { path: '$.changes[1].year', code: 'YearOutsideTerm' },
      ]);
      await nothingWritten(programme, etag, february);

      // when they take effect in June, after the extension
      const june = await registerDecision(t, JUNE);
      const before = await viewOf(t, programme);
      const res = await amend(t, programme, { decisionId: june, changes: for2027 });

      // then 1.1 runs to 2027 with 80.00 for it, and the 2027 totals are that
      accepted(res, programme, before, 2, JUNE);
      const after = await viewOf(t, programme);
      expect(measureOf(after, '1.1')).toMatchObject({ term: { from: 2024, to: 2027 }, allocations: { '2024': '75.00', '2025': '75.00', '2026': '75.00', '2027': '80.00' } });
      expect(after.totals).toEqual({ byYear: { ...SEED_TOTALS.byYear, '2027': '80.00' }, overall: '11261.90' });
      expect(sectionOf(after, 'I').totals).toEqual({ byYear: { ...SECTION_I.byYear, '2027': '80.00' }, overall: '1805.00' });
      expect((await auditOf(programme, { decision: june })).map((l) => [l.measureNumber, l.field, l.was, l.became])).toEqual([
        ['1.1', 'term', { from: 2024, to: 2026 }, { from: 2024, to: 2027 }],
        ['1.1', 'allocations.2027', null, '80.00'],
      ]);
    });

    it('when the period is “extended” to its current end or earlier, or with a wrong `was`, then it is a 409 at each change (PeriodNotExtended, WasMismatch), and nothing is written', async () => {
      const { programme, etag, decisionId } = await givenFreshCopy();

      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'extendPeriod', to: 2026 },
          { op: 'extendPeriod', to: 2025 },
          { op: 'extendPeriod', to: 2028, was: 2025 },
        ],
      });

      refused(res, [
        { path: '$.changes[0].to', code: 'PeriodNotExtended' },
        { path: '$.changes[1].to', code: 'PeriodNotExtended' },
        { path: '$.changes[2].was', code: 'WasMismatch', field: 'to', actual: 2026, claimed: 2025 },
      ]);
      await nothingWritten(programme, etag, decisionId);
      expect((await viewOf(t, programme)).period).toEqual({ from: 2024, to: 2026 });
    });
  });

  describe('renameProgramme', () => {
    it('given the period extended to 2027, when the same decision renames the programme to match, then its title is the new one from that date and the old before it, the audit has title was → became, and a stale `was` is refused writing nothing', async () => {
      // given the annex "…на 2024-2026 роки"
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const decisionId = await registerDecision(t, MARCH);
      const renamed = before.title.replace('2024-2026', '2024-2027');

      // when a stale `was` is sent, then it is refused at its path, writing nothing
      const etag = await etagOf(t, programme);
      refused(await amend(t, programme, { decisionId, changes: [{ op: 'renameProgramme', title: renamed, was: 'Інша програма' }] }), [{ path: '$.changes[0].was', code: 'WasMismatch' }]);
      await nothingWritten(programme, etag, decisionId);

      // when the decision extends the period and renames the programme, stating its former title
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'extendPeriod', to: 2027 }, { op: 'renameProgramme', title: renamed, was: before.title }] });

      // then the title is the new one from March, the old one the day before, in the view and in the open data
      accepted(res, programme, before, 2, MARCH);
      expect((await viewOf(t, programme)).title).toBe(renamed);
      expect((await viewOf(t, programme, { asOf: DAY_BEFORE })).title).toBe(before.title);
      expect((await t.http.get('/api/v1/opendata/programmes.csv').expect(200)).text).toContain(renamed);
      const listed = (await t.http.get('/api/v1/programmes').expect(200)).body as { id: string; title: string }[];
      expect(listed.find((p) => p.id === programme)?.title).toBe(renamed);
      const annex = (await t.http.get(`/api/v1/programmes/${programme}/export`).query({ format: 'html' }).expect(200)).text;
      const annexBefore = (await t.http.get(`/api/v1/programmes/${programme}/export`).query({ format: 'html', asOf: DAY_BEFORE }).expect(200)).text;
      expect([annex.includes(renamed), annexBefore.includes(renamed), annexBefore.includes(before.title)]).toEqual([true, false, true]);
      // and the comparative table from the day before has the title row, було → стало
      const diff = (await t.http.get(`/api/v1/programmes/${programme}/diff`).query({ from: DAY_BEFORE, to: MARCH }).expect(200)).body;
      expect(diff.rows).toContainEqual(expect.objectContaining({ measureId: null, field: 'title', was: before.title, became: renamed }));
      const table = (await t.http.get(`/api/v1/programmes/${programme}/diff/export`).query({ from: DAY_BEFORE, to: MARCH, format: 'html' }).expect(200)).text;
      // its heading names the programme as it became; only the title row's було names it as it was
      expect([table.includes(renamed), table.includes(before.title)]).toEqual([true, true]);
      // and the audit line names the programme's title, no measure
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, { field: 'period.to', was: 2026, became: 2027 }),
        change(decisionId, MARCH, { field: 'title', was: before.title, became: renamed }),
      ]);
    });
  });

  describe('addSection', () => {
    it('given sections I–IV, when a decision adds section V, then V is listed last with zero totals from that date and is absent before it, and the audit has the section line', async () => {
      // given the annex's four sections
      const { programme, before, decisionId } = await freshWithMarchDecision();

      // when section V is added, with an id the secretariat chose
      const res = await amend(t, programme, { decisionId, changes: [{ op: 'addSection', sectionId: 'section-v', number: 'V', title: 'Цифрова трансформація' }] });

      // then it is the last section, empty, with its own zero totals; the programme's totals stay
      accepted(res, programme, before, 1, MARCH);
      const after = await viewOf(t, programme);
      expect(after.sections.map((s) => s.number)).toEqual(['I', 'II', 'III', 'IV', 'V']);
      expect(sectionOf(after, 'V')).toEqual({ id: 'section-v', number: 'V', title: 'Цифрова трансформація', totals: ZERO, directions: [] });
      expect(after.sections.slice(0, 4)).toEqual(before.sections);
      expect(after.totals).toEqual(SEED_TOTALS);
      // and the day before there are four
      expect((await viewOf(t, programme, { asOf: DAY_BEFORE })).sections.map((s) => s.number)).toEqual(['I', 'II', 'III', 'IV']);
      // and the audit line
      expect(await auditOf(programme, { decision: decisionId })).toEqual([change(decisionId, MARCH, { field: 'section', became: { number: 'V', title: 'Цифрова трансформація' } })]);
    });

    it('given section V added in March, when a June decision adds a direction and a measure 5.1 to it, then V has its own totals and the programme’s grow by them', async () => {
      // given section V from 20.03.2025
      const programme = await freshAmendedInMarch([{ op: 'addSection', number: 'V', title: 'Цифрова трансформація' }]);
      const before = await viewOf(t, programme);

      // when a direction (without a number, like those of II–IV) and a measure in it are added from June
      const june = await registerDecision(t, JUNE);
      const res = await amend(t, programme, {
        decisionId: june,
        changes: [
          { op: 'addDirection', directionId: 'direction-v', section: 'V', title: 'Розвиток електронного врядування' },
          measureAdded('5.1', 'Впровадження електронного документообігу', { '2025': '30.00', '2026': '45.50' }, {
            direction: 'direction-v',
            expectedResults: ['Запроваджено електронний документообіг'],
          }),
        ],
      });

      // then V holds the direction and the measure, with the measure's amounts as its totals
      accepted(res, programme, before, 2, JUNE);
      const after = await viewOf(t, programme);
      const v = sectionOf(after, 'V');
      expect(directionNumbers(v)).toEqual([{ number: null, measures: ['5.1'] }]);
      expect(v.directions[0]).toMatchObject({ id: 'direction-v', title: 'Розвиток електронного врядування' });
      expect(measureOf(after, '5.1')).toMatchObject({ allocations: { '2024': null, '2025': '30.00', '2026': '45.50' }, expectedResults: ['Запроваджено електронний документообіг'] });
      expect(v.totals).toEqual({ byYear: { '2024': '0.00', '2025': '30.00', '2026': '45.50' }, overall: '75.50' });
      // and the other sections' totals are untouched; the programme's grow by V's
      expect(sectionOf(after, 'I').totals).toEqual(SECTION_I);
      expect(sectionOf(after, 'IV').totals).toEqual(SECTION_IV);
      expect(after.totals).toEqual({ byYear: { '2024': '3887.30', '2025': '3677.30', '2026': '3692.80' }, overall: '11257.40' });
      // and in April V is there, still empty
      expect(sectionOf(await viewOf(t, programme, { asOf: '2025-04-01' }), 'V')).toMatchObject({ totals: ZERO, directions: [] });
      // and the comparative table from before March to June states the section and the direction first, then the measure
      const diff = (await t.http.get(`/api/v1/programmes/${programme}/diff`).query({ from: DAY_BEFORE, to: JUNE }).expect(200)).body;
      expect(diff.rows.map((r: { field: string; number: string | null; was: unknown; became: unknown }) => [r.field, r.number, r.was, r.became])).toEqual([
        ['section', 'V', null, { number: 'V', title: 'Цифрова трансформація' }],
        ['direction', null, null, { number: null, title: 'Розвиток електронного врядування', section: 'V' }],
        ['measure', '5.1', null, expect.objectContaining({ title: 'Впровадження електронного документообігу' })],
      ]);
    });

    it('when a section is added with a number or an id already taken, then it is a 409 at each change (SectionNumberTaken, SectionIdTaken), and nothing is written', async () => {
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const etag = await etagOf(t, programme);
      const decisionId = await registerDecision(t, MARCH);

      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'addSection', number: 'IV', title: 'Ще один розділ IV' },
          { op: 'addSection', sectionId: sectionOf(before, 'I').id, number: 'VI', title: 'Розділ з чужим id' },
        ],
      });

      refused(res, [
        { path: '$.changes[0].number', code: 'SectionNumberTaken' },
        { path: '$.changes[1].sectionId', code: 'SectionIdTaken' },
      ]);
      await nothingWritten(programme, etag, decisionId);
      expect((await viewOf(t, programme)).sections.map((s) => s.number)).toEqual(['I', 'II', 'III', 'IV']);
    });
  });

  describe('addDirection', () => {
    it('given section I with direction 1, when a decision adds direction 2 to it and a measure 1.5 into direction 2, then 1.5 lands there, section I’s totals include it, and the audit has both lines', async () => {
      // given section I: direction 1 with 1.1–1.4
      const { programme, before, decisionId } = await freshWithMarchDecision();

      // when direction 2 is added to section I, and 1.5 into it by the direction's number
      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'addDirection', section: 'I', number: '2', title: 'Цифрове врядування' },
          measureAdded('1.5', 'Онлайн-трансляції засідань міської ради', { '2025': '10.00', '2026': '12.00' }, { direction: '2' }),
        ],
      });

      // then section I has directions 1 and 2, and 1.5 is in 2, not with 1.1–1.4
      accepted(res, programme, before, 2, MARCH);
      const after = await viewOf(t, programme);
      const section = sectionOf(after, 'I');
      expect(directionNumbers(section)).toEqual([
        { number: '1', measures: ['1.1', '1.2', '1.3', '1.4'] },
        { number: '2', measures: ['1.5'] },
      ]);
      expect(section.directions[0].id).toBe(sectionOf(before, 'I').directions[0].id);
      expect(section.directions[1]).toMatchObject({ id: expect.any(String), title: 'Цифрове врядування' });
      expect(directionOf(after, '1.5').id).toBe(section.directions[1].id);
      // and section I's totals and the programme's include 1.5
      expect(section.totals).toEqual({ byYear: { '2024': '575.00', '2025': '585.00', '2026': '587.00' }, overall: '1747.00' });
      expect(after.totals).toEqual({ byYear: { '2024': '3887.30', '2025': '3657.30', '2026': '3659.30' }, overall: '11203.90' });
      // and the day before, section I has direction 1 only
      expect(directionNumbers(sectionOf(await viewOf(t, programme, { asOf: DAY_BEFORE }), 'I'))).toEqual([{ number: '1', measures: ['1.1', '1.2', '1.3', '1.4'] }]);
      // and the audit has the direction and the measure
      expect(await auditOf(programme, { decision: decisionId })).toEqual([
        change(decisionId, MARCH, { field: 'direction', became: { number: '2', title: 'Цифрове врядування' } }),
        change(decisionId, MARCH, {
          measureId: measureOf(after, '1.5').id,
          measureNumber: '1.5',
          field: 'measure',
          // everything the measure carries, its money included: the trail alone accounts for the new totals
          became: {
            number: '1.5',
            title: 'Онлайн-трансляції засідань міської ради',
            term: { from: 2025, to: 2026 },
            executors: [],
            fundingSources: [{ source: BUDGET, allocations: { '2024': null, '2025': '10.00', '2026': '12.00' } }],
            expectedResults: [],
          },
        }),
      ]);
    });

    it('given a new section V, when direction "1" is added to it and a measure into V’s direction "1", then the measure lands in V’s direction, not in section I’s direction "1"', async () => {
      // given the annex, whose section I already has a direction "1"
      const { programme, before, decisionId } = await freshWithMarchDecision();

      // when section V, its direction "1" and a measure 5.1 in V's direction "1" are added
      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'addSection', number: 'V', title: 'Цифрова трансформація' },
          { op: 'addDirection', section: 'V', number: '1', title: 'Електронні послуги' },
          measureAdded('5.1', 'Запровадження електронних послуг ЦНАП', { '2025': '40.00', '2026': '40.00' }, { direction: '1', section: 'V' }),
        ],
      });

      // then 5.1 is in section V's direction "1"
      accepted(res, programme, before, 3, MARCH);
      const after = await viewOf(t, programme);
      const v = sectionOf(after, 'V');
      expect(directionNumbers(v)).toEqual([{ number: '1', measures: ['5.1'] }]);
      expect(directionOf(after, '5.1').id).toBe(v.directions[0].id);
      expect(v.totals).toEqual({ byYear: { '2024': '0.00', '2025': '40.00', '2026': '40.00' }, overall: '80.00' });
      // and section I's direction "1" is as it was
      expect(directionNumbers(sectionOf(after, 'I'))).toEqual([{ number: '1', measures: ['1.1', '1.2', '1.3', '1.4'] }]);
      expect(sectionOf(after, 'I').totals).toEqual(SECTION_I);
      expect(after.totals).toEqual({ byYear: { '2024': '3887.30', '2025': '3687.30', '2026': '3687.30' }, overall: '11261.90' });
    });

    it('given section V with its direction "1" from March, when a June decision adds a measure naming direction "1" in V, it lands in V; naming no section, it is ambiguous (409), and nothing is written', async () => {
      // given section V and its direction "1", from March
      const programme = await freshAmendedInMarch([
        { op: 'addSection', number: 'V', title: 'Цифрова трансформація' },
        { op: 'addDirection', section: 'V', number: '1', title: 'Електронні послуги' },
      ]);
      const etag = await etagOf(t, programme);
      const newMeasure = (section?: string) => measureAdded('5.1', 'Запровадження електронних послуг ЦНАП', { '2026': '25.00' }, { direction: '1', ...(section ? { section } : {}) });

      // when a June decision names direction "1" without a section, then both I and V have one: refused, nothing written
      const ambiguous = await registerDecision(t, JUNE);
      refused(await amend(t, programme, { decisionId: ambiguous, changes: [newMeasure()] }), [{ path: '$.changes[0].section', code: 'DirectionAmbiguous' }]);
      await nothingWritten(programme, etag, ambiguous);

      // when it names section V, then 5.1 lands in V's direction "1"
      const june = await registerDecision(t, JUNE);
      await amend(t, programme, { decisionId: june, changes: [newMeasure('V')] }).expect(201);
      const after = await viewOf(t, programme);
      expect(directionNumbers(sectionOf(after, 'V'))).toEqual([{ number: '1', measures: ['5.1'] }]);
      expect(directionNumbers(sectionOf(after, 'I'))).toEqual([{ number: '1', measures: ['1.1', '1.2', '1.3', '1.4'] }]);
      expect(sectionOf(after, 'V').totals).toEqual({ byYear: { '2024': '0.00', '2025': '0.00', '2026': '25.00' }, overall: '25.00' });
    });

    it('when a new measure, section or direction is given an id written like a number, then it is a 400 at each id, and nothing is written: changes name parts by id first, so "2.1" would take measure 2.1’s place', async () => {
      const { programme, etag, decisionId } = await givenFreshCopy();

      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'addMeasure', measureId: '2.1', number: '2.11', title: 'Захід з чужим номером за id', term: { from: 2025, to: 2026 } },
          { op: 'addSection', sectionId: 'VII', number: 'VIII', title: 'Розділ VIII з id VII' },
          { op: 'addDirection', directionId: ' 2. ', section: 'I', number: '3', title: 'Напрям 3 з id 2' },
          // an id with letters is the client's to choose
          { op: 'addMeasure', measureId: 'захід-2.12', number: '2.12', title: 'Захід зі своїм id', term: { from: 2025, to: 2026 } },
        ],
      });

      expect(res.status).toBe(400);
      expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(['$.changes[0].measureId', '$.changes[1].sectionId', '$.changes[2].directionId']);
      expect(res.body.problems[0].message).toMatch(/not written like a measure number/);
      await nothingWritten(programme, etag, decisionId);
      // and the measure 2.1 is still the one its number names
      await amend(t, programme, { decisionId, changes: [{ op: 'addMeasure', measureId: 'захід-2.12', number: '2.12', title: 'Захід зі своїм id', term: { from: 2025, to: 2026 } }] }).expect(201);
      expect(measureOf(await viewOf(t, programme), '2.12').id).toBe('захід-2.12');
    });

    it('when a direction is added with a number its section already has, or to a section that does not exist, then it is a 409 at each change, and nothing is written', async () => {
      const programme = await freshProgramme();
      const before = await viewOf(t, programme);
      const etag = await etagOf(t, programme);
      const decisionId = await registerDecision(t, MARCH);

      const res = await amend(t, programme, {
        decisionId,
        changes: [
          { op: 'addDirection', section: 'I', number: '1', title: 'Ще один напрям 1' },
          { op: 'addDirection', section: 'VII', number: '1', title: 'Напрям неіснуючого розділу' },
        ],
      });

      refused(res, [
        { path: '$.changes[0].number', code: 'DirectionNumberTaken' },
        { path: '$.changes[1].section', code: 'SectionNotFound' },
      ]);
      await nothingWritten(programme, etag, decisionId);
      expect((await viewOf(t, programme)).sections).toEqual(before.sections);
    });
  });
});
