import { parse } from 'csv-parse/sync';
import type { Response } from 'supertest';
import { KOROSTEN, startApp, type TestApp } from '../support/app';
import { amend, measureOf, type ProgrammeView, revoke, type TotalsView, viewOf } from '../support/http-programmes';
import type { AuditEntry } from '../../src/programme/read/audit.query';
import type { VersionView } from '../../src/programme/read/programme.queries';

/**
 * Time travel (DESIGN §5, §6): one history of the Korosten programme, read on both axes over HTTP.
 *
 *   recorded 1st  decision A (№ 1878, 01.03.2025)  1.1 / 2025: 75.00 → 100.00
 *   recorded 2nd  decision B (№ 1801, 15.01.2025)  1.2 / 2025: 150.00 → 200.00, 1.3 reworded  — retroactive: it takes effect before A
 *   recorded 3rd  decision C (№ 1990, 14.05.2025)  2.1 / 2025: 270.00 → 300.00
 *   recorded 4th  C's amendment revoked as an entry error
 *
 * The history is written once (beforeAll), keeping what the writes answered and what a GET saw right after
 * each of them; the tests read it.
 */

const PROGRAMME = `/api/v1/programmes/${KOROSTEN}`;
const APPROVED = 'затвердженої рішенням 31 сесії VIII скликання від 22.02.2024';
const TITLE_1_3 = 'Послуги з організації семінарів, конференцій, тренінгів, проведення офіційних заходів (у редакції рішення № 1801)';
const REASON = 'помилка введення: сума належить до 2026 року';

/** The seed's 2025 and overall totals, and what each amendment adds to both. */
const SEED_TOTALS: TotalsView = { byYear: { 2024: '3887.30', 2025: '3647.30', 2026: '3647.30' }, overall: '11181.90' };
const withB: TotalsView = { byYear: { ...SEED_TOTALS.byYear, 2025: '3697.30' }, overall: '11231.90' };
const withBA: TotalsView = { byYear: { ...SEED_TOTALS.byYear, 2025: '3722.30' }, overall: '11256.90' };
const withBAC: TotalsView = { byYear: { ...SEED_TOTALS.byYear, 2025: '3752.30' }, overall: '11286.90' };

const pause = () => new Promise((resolve) => setTimeout(resolve, 15));
const millisecondBefore = (instant: string) => new Date(Date.parse(instant) - 1).toISOString();

interface Written {
  readonly amendmentId: string;
  readonly revision: number;
}

describe('time travel: what was in force on a date, as known at an instant', () => {
  let t: TestApp;
  const decisions = { approving: '', A: '', B: '', C: '' };
  const written = {} as Record<'A' | 'B' | 'C' | 'revocation', Written>;
  /** What a GET saw right after each write returned. */
  const seenAfter = {} as Record<'A' | 'B' | 'revocation', { view: ProgrammeView; etag: string; versions: VersionView[] }>;
  /** Wall-clock instants taken between writes, a few ms clear of each. */
  const between = { AandB: '', CandRevocation: '' };

  const registerDecision = async (session: number, number: string, adoptedOn: string) => {
    const res = await t.http
      .post('/api/v1/decisions')
      .set(t.as('secretariat'))
      .send({ council: 'Коростенська міська рада', convocation: 'VIII', session, number, adoptedOn, title: 'Про внесення змін до Програми розвитку місцевого самоврядування' })
      .expect(201);
    return res.body.id as string;
  };
  const write = async (res: Response): Promise<Written> => {
    expect(res.status).toBe(201);
    return { amendmentId: res.body.amendmentId, revision: res.body.revision };
  };
  const look = async () => {
    const res = await t.http.get(PROGRAMME).expect(200);
    const versions = await t.http.get(`${PROGRAMME}/versions`).expect(200);
    return { view: res.body as ProgrammeView, etag: res.headers.etag as string, versions: versions.body.versions as VersionView[] };
  };
  const view = (query: { asOf?: string; knownAt?: string }) => viewOf(t, KOROSTEN, query);
  const audit = async (query: Record<string, string | number>) => {
    const res = await t.http.get(`${PROGRAMME}/audit`).set(t.as('auditor')).query(query).expect(200);
    return res.body as { entries: AuditEntry[]; next: string | null };
  };
  const versions = async () => (await t.http.get(`${PROGRAMME}/versions`).expect(200)).body.versions as VersionView[];
  const recordedAt = async (amendmentId: string) => (await audit({ limit: 500 })).entries.find((e) => e.amendmentId === amendmentId)?.recordedAt as string;
  const revokedAt = async () => (await audit({ limit: 500 })).entries.find((e) => e.kind === 'revocation')?.recordedAt as string;

  beforeAll(async () => {
    t = await startApp();
    decisions.approving = (await view({})).lastAmendment?.decisionId as string;
    decisions.A = await registerDecision(45, '1878', '2025-03-01');
    decisions.B = await registerDecision(44, '1801', '2025-01-15');
    decisions.C = await registerDecision(46, '1990', '2025-05-14');

    written.A = await write(await amend(t, KOROSTEN, { decisionId: decisions.A, changes: [{ op: 'setAllocation', measure: '1.1', year: 2025, amount: '100.00' }] }));
    seenAfter.A = await look();
    await pause();
    between.AandB = new Date().toISOString();
    await pause();
    written.B = await write(
      await amend(t, KOROSTEN, {
        decisionId: decisions.B,
        changes: [
          { op: 'setAllocation', measure: '1.2', year: 2025, amount: '200.00' },
          { op: 'rewordMeasure', measure: '1.3', title: TITLE_1_3 },
        ],
      }),
    );
    seenAfter.B = await look();
    written.C = await write(await amend(t, KOROSTEN, { decisionId: decisions.C, changes: [{ op: 'setAllocation', measure: '2.1', year: 2025, amount: '300.00' }] }));
    await pause();
    between.CandRevocation = new Date().toISOString();
    await pause();
    written.revocation = await write(await revoke(t, KOROSTEN, written.C.amendmentId, REASON));
    seenAfter.revocation = await look();
  });
  afterAll(async () => t.close());

  describe('read-your-writes', () => {
    it('a GET right after a write sees it, with the ETag of the write', () => {
      // given each write's answer, when the client reads right after it, then the view is at that revision
      expect(seenAfter.A.etag).toBe(`"${written.A.revision}"`);
      expect(measureOf(seenAfter.A.view, '1.1').allocations['2025']).toBe('100.00');
      expect(seenAfter.B.etag).toBe(`"${written.B.revision}"`);
      expect(measureOf(seenAfter.B.view, '1.2').allocations['2025']).toBe('200.00');
      expect(seenAfter.revocation.etag).toBe(`"${written.revocation.revision}"`);
      expect(measureOf(seenAfter.revocation.view, '2.1').allocations['2025']).toBe('270.00');
    });

    it('the versions listed right after a retroactive write already put it before the later-effective one', () => {
      expect(seenAfter.A.versions.map((v) => v.decisionId)).toEqual([decisions.approving, decisions.A]);
      expect(seenAfter.B.versions.map((v) => v.decisionId)).toEqual([decisions.approving, decisions.B, decisions.A]);
    });
  });

  describe('effective time (asOf), as known now', () => {
    it.each([
      ['2025-01-14', { '1.1': '75.00', '1.2': '150.00', '2.1': '270.00' }, SEED_TOTALS],
      ['2025-01-15', { '1.1': '75.00', '1.2': '200.00', '2.1': '270.00' }, withB],
      ['2025-02-28', { '1.1': '75.00', '1.2': '200.00', '2.1': '270.00' }, withB],
      ['2025-03-01', { '1.1': '100.00', '1.2': '200.00', '2.1': '270.00' }, withBA],
      ['2025-06-01', { '1.1': '100.00', '1.2': '200.00', '2.1': '270.00' }, withBA],
    ])('on %s the 2025 allocations in force are %j', async (asOf, allocations, totals) => {
      // when the programme is read as of the date
      const programme = await view({ asOf });

      // then each amendment counts from its own effective date, whatever the order it was recorded in; the revoked one never
      expect(programme.asOf).toBe(asOf);
      expect(Object.fromEntries(Object.keys(allocations).map((n) => [n, measureOf(programme, n).allocations['2025']]))).toEqual(allocations);
      expect(programme.totals).toEqual(totals);
    });

    it('shows the wording of 1.3 that decision B gave it from 15.01.2025 on, and the approved one before', async () => {
      expect(measureOf(await view({ asOf: '2025-01-14' }), '1.3').title).toMatch(/^Послуги з організації семінарів, конференцій, тренінгів, проведення офіційних заходів, урочистих подій/);
      expect(measureOf(await view({ asOf: '2025-01-15' }), '1.3').title).toBe(TITLE_1_3);
    });

    it('after the period has run its course the programme is read as its period left it, not a 404', async () => {
      const { asOf: _end, ...ended } = await view({ asOf: '2026-12-31' });
      const { asOf, ...later } = await view({ asOf: '2099-01-01' });
      expect(asOf).toBe('2099-01-01');
      expect(later).toEqual(ended);
    });
  });

  describe('record time (knownAt)', () => {
    it('before B was registered, B is not there, even as of a date after it takes effect', async () => {
      // given the instant just before B was recorded, and an instant taken on the clock between A and B
      const beforeB = millisecondBefore(await recordedAt(written.B.amendmentId));

      for (const knownAt of [beforeB, between.AandB]) {
        // when the programme as of 01.06.2025 is read as known then
        const programme = await view({ asOf: '2025-06-01', knownAt });

        // then it has A but not B: 1.2 keeps its approved amount and 1.3 its approved wording
        expect(measureOf(programme, '1.1').allocations['2025']).toBe('100.00');
        expect(measureOf(programme, '1.2').allocations['2025']).toBe('150.00');
        expect(measureOf(programme, '1.3').title).not.toBe(TITLE_1_3);
        expect(programme.totals.byYear['2025']).toBe('3672.30');
        expect(programme.knownAt).toBe(knownAt);
        expect(programme.revision).toBe(written.A.revision);
        expect(programme.lastAmendment?.decisionId).toBe(decisions.A);
      }
    });

    it('from the instant B was recorded, B is there, counted from its own effective date', async () => {
      const atB = await recordedAt(written.B.amendmentId);
      expect(measureOf(await view({ asOf: '2025-06-01', knownAt: atB }), '1.2').allocations['2025']).toBe('200.00');
      expect(measureOf(await view({ asOf: '2025-01-14', knownAt: atB }), '1.2').allocations['2025']).toBe('150.00');
      expect((await view({ asOf: '2025-02-01', knownAt: atB })).totals).toEqual(withB);
    });

    it('before the revocation, the revoked amendment is still in force from its date', async () => {
      const beforeRevocation = millisecondBefore(await revokedAt());
      for (const knownAt of [beforeRevocation, between.CandRevocation]) {
        const programme = await view({ asOf: '2025-06-01', knownAt });
        expect(measureOf(programme, '2.1').allocations['2025']).toBe('300.00');
        expect(programme.totals).toEqual(withBAC);
        expect(programme.revision).toBe(written.C.revision);
        expect(programme.lastAmendment?.decisionId).toBe(decisions.C);
        // and not before its own effective date
        expect(measureOf(await view({ asOf: '2025-05-13', knownAt }), '2.1').allocations['2025']).toBe('270.00');
      }
    });

    it('from the revocation on, the revoked amendment vanishes from every date', async () => {
      const atRevocation = await revokedAt();
      const programme = await view({ asOf: '2025-06-01', knownAt: atRevocation });
      expect(measureOf(programme, '2.1').allocations['2025']).toBe('270.00');
      expect(programme.totals).toEqual(withBA);
      expect(programme.revision).toBe(written.revocation.revision);
      expect(programme.lastAmendment?.decisionId).toBe(decisions.A);
    });

    it('before the programme was recorded at all, there is nothing to show, and every read says so at knownAt: not known yet, rather than not in force on a date', async () => {
      const approvedAt = (await versions())[0].recordedAt;
      const before = millisecondBefore(approvedAt);
      for (const [path, query] of [
        [PROGRAMME, { asOf: '2025-06-01', knownAt: before }],
        [`${PROGRAMME}/versions`, { knownAt: before }],
        [`${PROGRAMME}/diff`, { from: '2025-01-01', to: '2025-06-01', knownAt: before }],
        [`${PROGRAMME}/export`, { format: 'json', knownAt: before }],
        [`${PROGRAMME}/versions/${decisions.A}`, { knownAt: before }],
        [`${PROGRAMME}/diff/export`, { from: '2025-01-01', to: '2025-06-01', format: 'html', knownAt: before }],
      ] as const) {
        const res = await t.http.get(path).query(query);
        expect([path, res.status, res.body.code, res.body.problems]).toEqual([path, 404, 'ProgrammeNotKnownYet', [expect.objectContaining({ path: 'query:knownAt' })]]);
      }
      // and from the instant it was recorded, it is there
      await t.http.get(PROGRAMME).query({ asOf: '2025-06-01', knownAt: approvedAt }).expect(200);
    });
  });

  describe('versions', () => {
    it('lists one version per amendment in force, in effective order, with the totals after each', async () => {
      // when the versions are listed after the whole history
      const listed = await versions();

      // then B precedes A although recorded after it, and the revoked C is not a version
      expect(listed.map(({ decisionId, effectiveFrom, initial, totals }) => ({ decisionId, effectiveFrom, initial, totals }))).toEqual([
        { decisionId: decisions.approving, effectiveFrom: '2024-02-22', initial: true, totals: SEED_TOTALS },
        { decisionId: decisions.B, effectiveFrom: '2025-01-15', initial: false, totals: withB },
        { decisionId: decisions.A, effectiveFrom: '2025-03-01', initial: false, totals: withBA },
      ]);
      expect(listed[1].decision).toBe('рішення 44 сесії VIII скликання від 15.01.2025 № 1801');
      expect(listed[1].recordedAt > listed[2].recordedAt).toBe(true);
    });

    it('GET /versions/:decisionId gives the programme as amended by that decision', async () => {
      // when the version of B and of A are read
      const b = (await t.http.get(`${PROGRAMME}/versions/${decisions.B}`).expect(200)).body as { version: VersionView; programme: ProgrammeView };
      const a = (await t.http.get(`${PROGRAMME}/versions/${decisions.A}`).expect(200)).body as { version: VersionView; programme: ProgrammeView };

      // then B's version has B's changes and not A's; A's has both, B's first
      expect(b.version).toMatchObject({ decisionId: decisions.B, effectiveFrom: '2025-01-15', totals: withB });
      expect(b.programme.asOf).toBe('2025-01-15');
      expect(b.programme.lastAmendment?.decisionId).toBe(decisions.B);
      expect(measureOf(b.programme, '1.1').allocations['2025']).toBe('75.00');
      expect(measureOf(b.programme, '1.2').allocations['2025']).toBe('200.00');
      expect(measureOf(b.programme, '1.3').title).toBe(TITLE_1_3);
      expect(b.programme.totals).toEqual(withB);
      expect(measureOf(a.programme, '1.1').allocations['2025']).toBe('100.00');
      expect(measureOf(a.programme, '1.2').allocations['2025']).toBe('200.00');
      expect(a.programme.totals).toEqual(withBA);
    });

    it('a decision whose only amendment was revoked has no version', async () => {
      const res = await t.http.get(`${PROGRAMME}/versions/${decisions.C}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('VersionNotFound');
      // and it says why: the decision did amend the programme, and its amendment was revoked
      expect(res.body.detail).toBe(`every amendment decision ${decisions.C} made to programme ${KOROSTEN} was revoked (the last at ${await revokedAt()}); the audit trail (audit?decision=${decisions.C}) gives the reasons`);

      // nor an end for a comparative table, which says why rather than doubting the decision amended anything
      const diff = await t.http.get(`${PROGRAMME}/diff`).query({ from: decisions.B, to: decisions.C }).expect(404);
      expect(diff.body.code).toBe('VersionNotFound');
      expect(diff.body.detail).toBe(`"${decisions.C}" is neither a date nor a decision with an amendment to programme ${KOROSTEN} in force`);
      expect(diff.body.problems).toEqual([expect.objectContaining({ path: 'query:to' })]);
    });

    it('a comparative table with both ends wrong names both: unknown decisions, or dates before the programme', async () => {
      const unknown = await t.http.get(`${PROGRAMME}/diff`).query({ from: 'x', to: decisions.C }).expect(404);
      expect(unknown.body).toMatchObject({ code: 'VersionNotFound', problems: [expect.objectContaining({ path: 'query:from' }), expect.objectContaining({ path: 'query:to' })] });

      const early = await t.http.get(`${PROGRAMME}/diff`).query({ from: '2023-01-01', to: '2023-06-01' }).expect(404);
      expect(early.body).toMatchObject({ code: 'ProgrammeNotInForce', problems: [expect.objectContaining({ path: 'query:from' }), expect.objectContaining({ path: 'query:to' })] });
      expect(early.body.detail).toMatch(/2023-01-01.*; .*2023-06-01/);
    });

    it('as known at an instant: the versions recorded by then and not yet revoked, with the totals known then', async () => {
      const listedAt = async (knownAt: string) => ((await t.http.get(`${PROGRAMME}/versions`).query({ knownAt }).expect(200)).body.versions as VersionView[]).map(({ decisionId, totals }) => ({ decisionId, totals }));
      const withA: TotalsView = { byYear: { ...SEED_TOTALS.byYear, 2025: '3672.30' }, overall: '11206.90' };

      // before B was recorded, A followed the approved wording directly: its totals did not yet hold B's change
      expect(await listedAt(between.AandB)).toEqual([
        { decisionId: decisions.approving, totals: SEED_TOTALS },
        { decisionId: decisions.A, totals: withA },
      ]);
      // before the revocation, C was a version
      expect(await listedAt(between.CandRevocation)).toEqual([
        { decisionId: decisions.approving, totals: SEED_TOTALS },
        { decisionId: decisions.B, totals: withB },
        { decisionId: decisions.A, totals: withBA },
        { decisionId: decisions.C, totals: withBAC },
      ]);
      // and as known at the latest instant, the list is the one without knownAt, totals folded again and all
      const latest = (await viewOf(t, KOROSTEN)).knownAt;
      expect(await listedAt(latest)).toEqual((await versions()).map(({ decisionId, totals }) => ({ decisionId, totals })));
    });

    it('GET /versions/:decisionId as known at an instant: a revoked decision’s version before its revocation, and A’s as it stood before B was known', async () => {
      const c = (await t.http.get(`${PROGRAMME}/versions/${decisions.C}`).query({ knownAt: between.CandRevocation }).expect(200)).body as { version: VersionView; programme: ProgrammeView };
      expect(c.version).toMatchObject({ decisionId: decisions.C, totals: withBAC });
      expect(measureOf(c.programme, '2.1').allocations['2025']).toBe('300.00');
      const a = (await t.http.get(`${PROGRAMME}/versions/${decisions.A}`).query({ knownAt: between.AandB }).expect(200)).body as { version: VersionView; programme: ProgrammeView };
      expect(a.version.totals).toEqual(a.programme.totals);
      expect(measureOf(a.programme, '1.2').allocations['2025']).toBe('150.00');
      // B was not known yet
      await t.http.get(`${PROGRAMME}/versions/${decisions.B}`).query({ knownAt: between.AandB }).expect(404);
      // and what is not known yet cannot be listed
      const future = await t.http.get(`${PROGRAMME}/versions`).query({ knownAt: '2999-01-01T00:00:00Z' }).expect(400);
      expect(future.body.code).toBe('KnownAtInFuture');
    });
  });

  describe('diff (було / стало)', () => {
    type Diff = { rows: { number: string | null; field: string; was: unknown; became: unknown }[]; totals: { was: TotalsView; became: TotalsView } };
    const diff = async (query: Record<string, string>) => (await t.http.get(`${PROGRAMME}/diff`).query(query).expect(200)).body as Diff;
    const rows = (d: Diff) => d.rows.map(({ number, field, was, became }) => ({ number, field, was, became }));

    it('between two decisions: what the later one changed, with the totals', async () => {
      const d = await diff({ from: decisions.B, to: decisions.A });
      expect(rows(d)).toEqual([{ number: '1.1', field: 'allocations.2025', was: '75.00', became: '100.00' }]);
      expect(d.totals).toEqual({ was: withB, became: withBA });
    });

    it('a point that looks like a date but is not one is 400, not a decision id to look up', async () => {
      const res = await t.http.get(`${PROGRAMME}/diff`).query({ from: '2025-13-45', to: '2025-06-01' }).expect(400);
      expect(res.body.problems).toEqual([expect.objectContaining({ path: 'query:from', message: 'not a calendar date' })]);
    });

    it('between two dates: every change in force between them', async () => {
      const d = await diff({ from: '2025-01-01', to: '2025-06-01' });
      expect(rows(d)).toEqual([
        { number: '1.1', field: 'allocations.2025', was: '75.00', became: '100.00' },
        { number: '1.2', field: 'allocations.2025', was: '150.00', became: '200.00' },
        { number: '1.3', field: 'title', was: expect.stringMatching(/^Послуги з організації семінарів/), became: TITLE_1_3 },
      ]);
      expect(d.totals).toEqual({ was: SEED_TOTALS, became: withBA });
    });

    it('between two decisions as known before the revocation: the revoked decision still names its version', async () => {
      const d = await diff({ from: decisions.A, to: decisions.C, knownAt: millisecondBefore(await revokedAt()) });
      expect(rows(d)).toEqual([{ number: '2.1', field: 'allocations.2025', was: '270.00', became: '300.00' }]);
      // and as known now, C's only amendment is revoked: it names no version
      await t.http.get(`${PROGRAMME}/diff`).query({ from: decisions.A, to: decisions.C }).expect(404);
    });

    it('between two dates as known before the revocation: the revoked change is still a row', async () => {
      const d = await diff({ from: '2025-05-01', to: '2025-06-01', knownAt: millisecondBefore(await revokedAt()) });
      expect(rows(d)).toEqual([{ number: '2.1', field: 'allocations.2025', was: '270.00', became: '300.00' }]);
      expect(d.totals).toEqual({ was: withBA, became: withBAC });
    });
  });

  describe('audit trail', () => {
    const ours = async () => {
      const all = (await audit({ limit: 500 })).entries;
      const actor = all.find((e) => e.decisionId === decisions.A)?.actor as string;
      return { actor, entries: all.filter((e) => e.actor === actor) };
    };

    it('lists every change in record order — recorded at, actor, decision, effective from, field, was → became — and the revocation with its reason', async () => {
      const { actor, entries } = await ours();
      const listed = await versions();
      const at = (decisionId: string) => listed.find((v) => v.decisionId === decisionId)?.recordedAt;

      expect(actor).toMatch(/^secretariat:/);
      expect(entries.map(({ kind, recordedAt, decisionId, effectiveFrom, measureNumber, field, was, became, reason }) => ({ kind, recordedAt, decisionId, effectiveFrom, measureNumber, field, was, became, reason }))).toEqual([
        { kind: 'change', recordedAt: at(decisions.A), decisionId: decisions.A, effectiveFrom: '2025-03-01', measureNumber: '1.1', field: 'allocations.2025', was: '75.00', became: '100.00', reason: null },
        { kind: 'change', recordedAt: at(decisions.B), decisionId: decisions.B, effectiveFrom: '2025-01-15', measureNumber: '1.2', field: 'allocations.2025', was: '150.00', became: '200.00', reason: null },
        { kind: 'change', recordedAt: at(decisions.B), decisionId: decisions.B, effectiveFrom: '2025-01-15', measureNumber: '1.3', field: 'title', was: expect.stringMatching(/^Послуги з організації семінарів/), became: TITLE_1_3, reason: null },
        { kind: 'change', recordedAt: expect.any(String), decisionId: decisions.C, effectiveFrom: '2025-05-14', measureNumber: '2.1', field: 'allocations.2025', was: '270.00', became: '300.00', reason: null },
        { kind: 'revocation', recordedAt: await revokedAt(), decisionId: decisions.C, effectiveFrom: '2025-05-14', measureNumber: null, field: null, was: null, became: null, reason: REASON },
      ]);
      // record order, not effective order: B's lines follow A's though B takes effect first
      const times = entries.map((e) => e.recordedAt);
      expect([...times].sort()).toEqual(times);
      expect(entries[4].amendmentId).toBe(written.C.amendmentId);
    });

    it('filters by measure, by decision, by actor and by the period of recording', async () => {
      const { actor } = await ours();
      const fields = (page: { entries: AuditEntry[] }) => page.entries.map((e) => [e.decisionId, e.field]);

      // a measure by number: its approval line and B's change
      expect(fields(await audit({ measure: '1.2' }))).toEqual([
        [decisions.approving, 'measure'],
        [decisions.B, 'allocations.2025'],
      ]);
      // a measure whose change was revoked: the revocation that undid it is part of its trail
      expect(fields(await audit({ measure: '2.1' }))).toEqual([
        [decisions.approving, 'measure'],
        [decisions.C, 'allocations.2025'],
        [decisions.C, null],
      ]);
      // a decision: C's change and its revocation
      expect(fields(await audit({ decision: decisions.C }))).toEqual([
        [decisions.C, 'allocations.2025'],
        [decisions.C, null],
      ]);
      // an actor: the seed's lines are someone else's
      expect((await audit({ actor, limit: 500 })).entries).toHaveLength(5);
      expect((await audit({ actor: 'seed', limit: 500 })).entries.every((e) => e.decisionId === decisions.approving)).toBe(true);
      // a period [from, to): what was recorded between the two instants taken on the clock
      expect(fields(await audit({ from: between.AandB, to: between.CandRevocation }))).toEqual([
        [decisions.B, 'allocations.2025'],
        [decisions.B, 'title'],
        [decisions.C, 'allocations.2025'],
      ]);
    });

    it('a decision the register does not have, or a measure no id or number of the programme names, is 404 naming the filter, not an empty trail', async () => {
      const unknown = async (query: Record<string, string>, route = 'audit') => (await t.http.get(`${PROGRAMME}/${route}`).set(t.as('auditor')).query(query).expect(404)).body;
      expect(await unknown({ decision: 'no-such-decision' })).toMatchObject({ code: 'DecisionNotFound', problems: [{ path: 'query:decision', code: 'DecisionNotFound' }] });
      expect(await unknown({ measure: '9.9' })).toMatchObject({ code: 'MeasureNotFound', problems: [{ path: 'query:measure', code: 'MeasureNotFound' }] });
      // both at once are both named; the CSV of the trail takes its filters alike
      expect((await unknown({ measure: '9.9', decision: 'no-such-decision' })).problems.map((p: { path: string }) => p.path)).toEqual(['query:measure', 'query:decision']);
      expect(await unknown({ measure: '9.9' }, 'audit/export')).toMatchObject({ code: 'MeasureNotFound' });
      // a decision that exists but did not amend this programme is a filter like any other
      const other = await registerDecision(60, '2001', '2025-07-01');
      expect((await audit({ decision: other })).entries).toEqual([]);
    });

    it('a measure added or removed names its units, as of the line’s date', async () => {
      const approval = (await audit({ measure: '1.2' })).entries[0];
      const units = (approval.became as { executors: { id: string; name: string }[] }).executors;
      expect(units.length).toBeGreaterThan(0);
      expect(units).toEqual(measureOf(await view({ asOf: approval.effectiveFrom }), '1.2').executors.map(({ id, name }) => ({ id, name })));
    });

    it('a period that ends before it starts is 400, naming `to`', async () => {
      const res = await t.http.get(`${PROGRAMME}/audit`).set(t.as('auditor')).query({ from: between.CandRevocation, to: between.AandB }).expect(400);
      expect(res.body.problems).toEqual([expect.objectContaining({ path: 'query:to' })]);
    });

    it('pages with a cursor: limit=2, following `next` to the end', async () => {
      const { actor, entries } = await ours();
      const pages: AuditEntry[][] = [];
      let after: string | null = null;
      do {
        const page = await audit({ actor, limit: 2, ...(after ? { after } : {}) });
        pages.push(page.entries);
        after = page.next;
      } while (after !== null);

      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(entries);
    });

    it('links each page to the next in a Link header (RFC 8288), keeping the filters, and the last page to none', async () => {
      const { actor, entries } = await ours();
      const seen: AuditEntry[] = [];
      let res = await t.http.get(`${PROGRAMME}/audit`).set(t.as('auditor')).query({ actor, limit: 2 }).expect(200);
      for (;;) {
        seen.push(...(res.body.entries as AuditEntry[]));
        const link = res.headers.link as string | undefined;
        if (link === undefined) break;
        const [, target] = /^<([^>]+)>; rel="next"$/.exec(link) ?? [];
        // a reference relative to the page's own address
        const next = new URL(target, `http://host${PROGRAMME}/audit`);
        expect(next.searchParams.get('actor')).toBe(actor);
        res = await t.http.get(`${next.pathname}${next.search}`).set(t.as('auditor')).expect(200);
      }
      expect(res.body.next).toBeNull();
      expect(seen).toEqual(entries);
    });

    it('is for auditors and the secretariat only', async () => {
      expect((await t.http.get(`${PROGRAMME}/audit`)).status).toBe(401);
      expect((await t.http.get(`${PROGRAMME}/audit`).set(t.as('secretariat'))).status).toBe(200);
    });

    describe('as CSV (GET /audit/export)', () => {
      const csv = async (query: Record<string, string> = {}) => {
        const res = await t.http.get(`${PROGRAMME}/audit/export`).set(t.as('auditor')).query(query).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
        expect(res.headers['content-disposition']).toBe(`attachment; filename="${KOROSTEN}-audit.csv"`);
        // a byte-order mark, so that Excel reads the Ukrainian text as UTF-8
        expect(res.text.startsWith('\uFEFFrecorded_at,')).toBe(true);
        return parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
      };
      /** The JSON pages of the same filter, followed to the end. */
      const allPages = async (query: Record<string, string>) => {
        const entries: AuditEntry[] = [];
        let after: string | null = null;
        do {
          const page = await audit({ ...query, limit: 3, ...(after ? { after } : {}) });
          entries.push(...page.entries);
          after = page.next;
        } while (after !== null);
        return entries;
      };
      const cell = (value: unknown) => (value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

      it('holds every entry the JSON pages hold, in the same order, each decision cited beside its id', async () => {
        const rows = await csv();
        const entries = await allPages({});
        expect(rows.map((row) => [row.recorded_at, row.kind, row.amendment_id, row.decision_id, row.measure_id, row.field, row.was, row.became, row.reason])).toEqual(
          entries.map((e) => [e.recordedAt, e.kind, e.amendmentId, e.decisionId, e.measureId ?? '', e.field ?? '', cell(e.was), cell(e.became), e.reason ?? '']),
        );
        expect(rows.find((row) => row.decision_id === decisions.A)).toMatchObject({ decision: expect.stringMatching(/^рішення 45 сесії VIII скликання від 01\.03\.2025 № 1878$/), measure: '1.1', was: '75.00', became: '100.00' });
        // a measure added with the approval is one cell of JSON, with its money
        const added = rows.find((row) => row.field === 'measure' && row.measure === '1.2');
        expect(JSON.parse(added?.became ?? 'null')).toMatchObject({ number: '1.2' });
      });

      it('takes the filters of the JSON trail', async () => {
        const query = { measure: '2.1', from: between.AandB };
        expect((await csv(query)).map((row) => row.amendment_id)).toEqual((await allPages(query)).map((e) => e.amendmentId));
        expect((await csv({ decision: decisions.C })).map((row) => row.kind)).toEqual(['change', 'revocation']);
      });

      it('is for auditors and the secretariat only; a bad filter is 400, an unknown programme 404, and a page size is not taken', async () => {
        expect((await t.http.get(`${PROGRAMME}/audit/export`)).status).toBe(401);
        expect((await t.http.get(`${PROGRAMME}/audit/export`).set(t.as('secretariat'))).status).toBe(200);
        const backwards = await t.http.get(`${PROGRAMME}/audit/export`).set(t.as('auditor')).query({ from: between.CandRevocation, to: between.AandB }).expect(400);
        expect(backwards.body.problems).toEqual([expect.objectContaining({ path: 'query:to' })]);
        const paged = await t.http.get(`${PROGRAMME}/audit/export`).set(t.as('auditor')).query({ limit: '2' }).expect(400);
        expect(paged.body.problems).toEqual([expect.objectContaining({ path: 'query:limit' })]);
        await t.http.get('/api/v1/programmes/nobody/audit/export').set(t.as('auditor')).expect(404);
      });
    });
  });

  describe('the amendment chain for the next decision’s preamble', () => {
    it('names the approving decision and, in effective order, every decision in force', async () => {
      expect((await view({ asOf: '2025-06-01' })).amendmentChain).toBe(`${APPROVED} (зі змінами, внесеними рішеннями від 15.01.2025 № 1801, від 01.03.2025 № 1878)`);
    });

    it('follows both axes: one decision as of February, A only before B was known, C until its revocation', async () => {
      expect((await view({ asOf: '2025-02-01' })).amendmentChain).toBe(`${APPROVED} (зі змінами, внесеними рішенням від 15.01.2025 № 1801)`);
      expect((await view({ asOf: '2025-06-01', knownAt: between.AandB })).amendmentChain).toBe(`${APPROVED} (зі змінами, внесеними рішенням від 01.03.2025 № 1878)`);
      expect((await view({ asOf: '2025-06-01', knownAt: between.CandRevocation })).amendmentChain).toBe(
        `${APPROVED} (зі змінами, внесеними рішеннями від 15.01.2025 № 1801, від 01.03.2025 № 1878, від 14.05.2025 № 1990)`,
      );
      expect((await view({ asOf: '2024-06-01' })).amendmentChain).toBe(APPROVED);
    });
  });
});
