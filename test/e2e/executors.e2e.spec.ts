import { parse } from 'csv-parse/sync';
import { KOROSTEN, startApp, type TestApp } from '../support/app';

interface ExecutorRow {
  id: string;
  name: string;
}

describe('the executor directory over time', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(async () => t.close());

  const decision = async (adoptedOn: string, number: string) =>
    (
      await t.http
        .post('/api/v1/decisions')
        .set(t.as('secretariat'))
        .send({ council: 'Коростенська міська рада', convocation: 'VIII', session: 60, number, adoptedOn, title: 'Про внесення змін' })
        .expect(201)
    ).body.id as string;

  const executorsOf = async (measure: string, asOf: string): Promise<ExecutorRow[]> => {
    const view = (await t.http.get(`/api/v1/programmes/${KOROSTEN}?asOf=${asOf}`).expect(200)).body;
    for (const section of view.sections) for (const direction of section.directions) for (const m of direction.measures) if (m.number === measure) return m.executors;
    throw new Error(`no measure ${measure}`);
  };

  it('shows the name valid on the view’s date after a rename from a date', async () => {
    // given the digital unit of 4.1, renamed from 2025-09-01
    const [, digital] = await executorsOf('4.1', '2025-01-01');
    expect(digital.name).toBe('відділ цифрових технологій');
    await t.http
      .post(`/api/v1/executors/${digital.id}/renames`)
      .set(t.as('secretariat'))
      .send({ name: 'управління цифрової трансформації', effectiveFrom: '2025-09-01' })
      .expect(201);

    // then views before the date keep the old name, views from it show the new one, for the same executor
    expect((await executorsOf('4.1', '2025-08-31'))[1]).toEqual({ id: digital.id, name: 'відділ цифрових технологій' });
    expect((await executorsOf('4.1', '2025-09-01'))[1]).toEqual({ id: digital.id, name: 'управління цифрової трансформації' });
    const directory = (await t.http.get('/api/v1/executors?asOf=2025-08-31').expect(200)).body as ExecutorRow[];
    expect(directory.find((e) => e.id === digital.id)?.name).toBe('відділ цифрових технологій');
  });

  it('refuses to rename an executor to a name another bears or bore (409 ExecutorNameTaken), in any capitalisation, and writes nothing', async () => {
    // given two executors, one of them renamed from a date
    const register = async (name: string) => (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name }).expect(201)).body as ExecutorRow;
    const first = await register('відділ з питань енергоменеджменту');
    const second = await register('сектор енергоефективності');
    await t.http.post(`/api/v1/executors/${first.id}/renames`).set(t.as('secretariat')).send({ name: 'управління енергоменеджменту', effectiveFrom: '2025-01-01' }).expect(201);
    const directory = async () => (await t.http.get('/api/v1/executors').expect(200)).body;
    const before = await directory();

    // when the second is renamed to the first's current name, or to its former one
    for (const name of ['Управління енергоменеджменту', 'відділ з питань енергоменеджменту']) {
      const res = await t.http.post(`/api/v1/executors/${second.id}/renames`).set(t.as('secretariat')).send({ name, effectiveFrom: '2025-06-01' });

      // then it is refused, naming the executor that holds the name
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'ExecutorNameTaken', problems: [{ path: '$.name', executorId: first.id }] });
    }
    // and registering a new executor under the first's current name is refused the same way
    const registered = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'УПРАВЛІННЯ  енергоменеджменту' });
    expect(registered.status).toBe(409);
    expect(registered.body).toMatchObject({ code: 'ExecutorNameTaken', problems: [{ path: '$.name', executorId: first.id }] });
    // and nothing was written; an executor may still take back a name of its own
    expect(await directory()).toEqual(before);
    await t.http.post(`/api/v1/executors/${first.id}/renames`).set(t.as('secretariat')).send({ name: 'відділ з питань енергоменеджменту', effectiveFrom: '2025-06-01' }).expect(201);
  });

  it('shows a rename and a corrected decision in the current view at once (the cached view is not stale)', async () => {
    // given the current view has been read (and so cached)
    const current = async () => (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).expect(200)).body;
    const before = await current();
    const committee = before.sections[0].directions[0].measures[0].executors[0] as ExecutorRow;
    const approving = before.lastAmendment.decisionId as string;

    // when the executor is renamed from a past date and the approving decision gets its number
    await t.http.post(`/api/v1/executors/${committee.id}/renames`).set(t.as('secretariat')).send({ name: 'Виконком', effectiveFrom: '2024-03-01' }).expect(201);
    await t.http.post(`/api/v1/decisions/${approving}/corrections`).set(t.as('secretariat')).send({ number: '1222-31-VIII' }).expect(201);

    // then the next read of the current view shows both
    const after = await current();
    expect(after.sections[0].directions[0].measures[0].executors[0]).toEqual({ id: committee.id, name: 'Виконком' });
    expect(after.amendmentChain).toMatch(/^затвердженої рішенням 31 сесії VIII скликання від 22\.02\.2024 № 1222-31-VIII/);

    // and it says it is as known from the correction on: sent back, that instant gives the same view
    expect(after.knownAt > before.knownAt).toBe(true);
    expect((await t.http.get(`/api/v1/programmes/${KOROSTEN}?knownAt=${encodeURIComponent(after.knownAt)}`).expect(200)).body).toEqual(after);

    // and a view as known before them shows neither: an auditor sees what was recorded then
    const knownBefore = (await t.http.get(`/api/v1/programmes/${KOROSTEN}?knownAt=${encodeURIComponent(before.knownAt)}`).expect(200)).body;
    expect(knownBefore.sections[0].directions[0].measures[0].executors[0]).toEqual(committee);
    expect(knownBefore.amendmentChain).toBe('затвердженої рішенням 31 сесії VIII скликання від 22.02.2024');
  });

  it('registers a unit once, whatever its capitalisation or apostrophe, and refuses the second registration', async () => {
    const first = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Сектор енергоменеджменту' }).expect(201);
    const again = await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'сектор  ЕНЕРГОМЕНЕДЖМЕНТУ' }).expect(409);
    expect(again.body.code).toBe('ExecutorAlreadyRegistered');
    expect((await t.http.get(`/api/v1/executors/${first.body.id}`).expect(200)).body.name).toBe('Сектор енергоменеджменту');

    // and whatever apostrophe a keyboard typed: ', ’ and ʼ are the one Ukrainian apostrophe
    await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: "Служба у справах сім'ї" }).expect(201);
    for (const name of ['Служба у справах сім’ї', 'Служба у справах сімʼї']) {
      expect((await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name }).expect(409)).body.code).toBe('ExecutorAlreadyRegistered');
    }
  });

  it('names the unit on an audit line of a measure’s executors, as it was named on the line’s date, in JSON and in the CSV', async () => {
    // given a unit assigned to 1.4 from 2025-09-01, and renamed from 2025-10-01
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Сектор протокольних заходів' }).expect(201)).body.id;
    const decisionId = await decision('2025-09-01', '2004');
    await t.http.post(`/api/v1/programmes/${KOROSTEN}/amendments`).set(t.as('secretariat')).send({ decisionId, changes: [{ op: 'assignExecutor', measure: '1.4', executor }] }).expect(201);
    await t.http.post(`/api/v1/executors/${executor}/renames`).set(t.as('secretariat')).send({ name: 'Відділ протокольних заходів', effectiveFrom: '2025-10-01' }).expect(201);

    // when the auditor reads the decision's trail
    const trail = await t.http.get(`/api/v1/programmes/${KOROSTEN}/audit`).query({ decision: decisionId }).set(t.as('auditor')).expect(200);
    const csv = await t.http.get(`/api/v1/programmes/${KOROSTEN}/audit/export`).query({ decision: decisionId }).set(t.as('auditor')).expect(200);

    // then the line carries the unit's id and its name on 2025-09-01; lines of other fields carry none
    expect(trail.body.entries).toEqual([expect.objectContaining({ field: 'executors', was: null, became: executor, executor: { id: executor, name: 'Сектор протокольних заходів' } })]);
    const [header, row] = parse(csv.text, { bom: true }) as string[][];
    expect(row[header.indexOf('executor')]).toBe('Сектор протокольних заходів');
    const allocations = await t.http.get(`/api/v1/programmes/${KOROSTEN}/audit`).query({ measure: '1.1', limit: 1 }).set(t.as('auditor')).expect(200);
    expect(allocations.body.entries[0].executor).toBeNull();
  });

  it('refuses a retirement dated on or before an assignment already in force, naming it, and takes one after it', async () => {
    // given a unit assigned to 1.3 by an amendment effective from 2025-08-01
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Сектор тестових перевірок' }).expect(201)).body.id;
    const decisionId = await decision('2025-08-01', '2003');
    const amendment = await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId, changes: [{ op: 'assignExecutor', measure: '1.3', executor }] })
      .expect(201);

    // when it is retired from a date on or before the assignment, then 409 names the amendment, and nothing is written
    for (const effectiveFrom of ['2025-06-01', '2025-08-01']) {
      const refused = await t.http.post(`/api/v1/executors/${executor}/retirement`).set(t.as('secretariat')).send({ effectiveFrom }).expect(409);
      expect(refused.body.code).toBe('ExecutorAssignedLater');
      expect(refused.body.problems).toEqual([
        expect.objectContaining({ path: '$.effectiveFrom', programmeId: KOROSTEN, amendmentId: amendment.body.amendmentId, decisionId, effectiveFrom: '2025-08-01' }),
      ]);
    }
    expect((await t.http.get(`/api/v1/executors/${executor}`).expect(200)).body.retiredFrom).toBeNull();

    // and from the day after, it is taken
    const retired = await t.http.post(`/api/v1/executors/${executor}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2025-08-02' }).expect(201);
    expect(retired.body.retiredFrom).toBe('2025-08-02');
  });

  it('lets an amendment effective before a retirement assign the executor, and refuses one effective after it', async () => {
    // given an executor retired from 2025-06-01
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ з питань охорони праці' }).expect(201)).body.id;
    await t.http.post(`/api/v1/executors/${executor}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2025-06-01' }).expect(201);
    const before = await decision('2025-03-01', '2001');
    const after = await decision('2025-07-01', '2002');

    // when / then
    await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: before, changes: [{ op: 'assignExecutor', measure: '1.1', executor }] })
      .expect(201);
    const refused = await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: after, changes: [{ op: 'assignExecutor', measure: '1.2', executor }] })
      .expect(409);
    expect(refused.body.problems).toEqual([expect.objectContaining({ code: 'ExecutorRetired', path: '$.changes[0].executor' })]);

    // and the measure that still names it says, in views from the retirement on, that the unit is retired
    const onMeasure = async (asOf: string, knownAt?: string) => {
      const view = (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).query({ asOf, ...(knownAt ? { knownAt } : {}) }).expect(200)).body;
      return (view.sections as { directions: { measures: { number: string; executors: { id: string }[] }[] }[] }[])
        .flatMap((s) => s.directions.flatMap((d) => d.measures))
        .find((m) => m.number === '1.1')
        ?.executors.find((e) => e.id === executor);
    };
    expect(await onMeasure('2025-05-31')).toEqual({ id: executor, name: 'Відділ з питань охорони праці' });
    expect(await onMeasure('2025-06-01')).toEqual({ id: executor, name: 'Відділ з питань охорони праці', retiredFrom: '2025-06-01' });
  });

  it('tells an auditor who changed a decision or an executor, when, and what each change replaced', async () => {
    // given a decision registered and its number corrected, and a unit registered, renamed and retired
    const decisionId = await decision('2025-04-03', '2004');
    await t.http.post(`/api/v1/decisions/${decisionId}/corrections`).set(t.as('secretariat')).send({ number: '2005' }).expect(201);
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ з питань цивільного захисту' }).expect(201)).body.id;
    await t.http.post(`/api/v1/executors/${executor}/renames`).set(t.as('secretariat')).send({ name: 'Управління з питань цивільного захисту', effectiveFrom: '2025-05-01' }).expect(201);
    await t.http.post(`/api/v1/executors/${executor}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2025-12-01' }).expect(201);

    // when an auditor asks
    const decided = (await t.http.get(`/api/v1/decisions/${decisionId}/changes`).set(t.as('auditor')).expect(200)).body;
    const unit = (await t.http.get(`/api/v1/executors/${executor}/changes`).set(t.as('auditor')).expect(200)).body;

    // then each lists its changes in record order, with the secretariat's actor
    const actor = expect.stringMatching(/^secretariat:/);
    expect(decided.id).toBe(decisionId);
    expect(decided.changes).toEqual([
      { recordedAt: expect.any(String), actor, type: 'DecisionRegistered', data: expect.objectContaining({ number: '2004' }) },
      { recordedAt: expect.any(String), actor, type: 'DecisionDetailsCorrected', data: { decisionId, corrected: { number: '2005' }, was: { number: '2004' } } },
    ]);
    expect(unit.changes.map((c: { type: string; data: object }) => [c.type, c.data])).toEqual([
      ['ExecutorRegistered', expect.objectContaining({ name: 'Відділ з питань цивільного захисту' })],
      ['ExecutorRenamed', expect.objectContaining({ name: 'Управління з питань цивільного захисту', effectiveFrom: '2025-05-01' })],
      ['ExecutorRetired', expect.objectContaining({ effectiveFrom: '2025-12-01' })],
    ]);
    const times = unit.changes.map((c: { recordedAt: string }) => c.recordedAt);
    expect([...times].sort()).toEqual(times);
    // and who changed what is the auditors' and the secretariat's to read, as the audit trail is; the directory stays public
    await t.http.get(`/api/v1/decisions/${decisionId}/changes`).expect(401);
    expect((await t.http.get(`/api/v1/executors/${executor}`).expect(200)).body).not.toHaveProperty('changes');
  });

  it('renames a unit retired years ahead from dates before its retirement, and corrects a retirement date entered again', async () => {
    // given a unit whose retirement was entered from 2030-01-01, a date typed wrong
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Відділ з питань архівної справи' }).expect(201)).body.id;
    const retire = (effectiveFrom: string) => t.http.post(`/api/v1/executors/${executor}/retirement`).set(t.as('secretariat')).send({ effectiveFrom });
    const rename = (name: string, effectiveFrom: string) => t.http.post(`/api/v1/executors/${executor}/renames`).set(t.as('secretariat')).send({ name, effectiveFrom });
    await retire('2030-01-01').expect(201);

    // when it is renamed from 2026, then it is, as the unit it is until then
    await rename('Архівний відділ', '2026-01-01').expect(201);
    expect((await t.http.get(`/api/v1/executors/${executor}?asOf=2026-06-01`).expect(200)).body).toMatchObject({ name: 'Архівний відділ', retiredFrom: '2030-01-01' });

    // when the retirement is entered again from 2027-01-01, then that is its date, and the change names the one it replaced
    expect((await retire('2027-01-01').expect(201)).body.retiredFrom).toBe('2027-01-01');
    const changes = (await t.http.get(`/api/v1/executors/${executor}/changes`).set(t.as('auditor')).expect(200)).body.changes;
    expect(changes.at(-1)).toMatchObject({ type: 'ExecutorRetired', data: { effectiveFrom: '2027-01-01', was: '2030-01-01' } });

    // and the same date again, or a rename from the retirement on, is a 409 at effectiveFrom
    for (const refused of [await retire('2027-01-01'), await rename('Архівне управління', '2027-01-01')]) {
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'ExecutorRetired', problems: [expect.objectContaining({ path: '$.effectiveFrom' })] });
    }
    expect((await t.http.get(`/api/v1/executors/${executor}`).expect(200)).body).toMatchObject({ name: 'Архівний відділ', retiredFrom: '2027-01-01' });
  });

  it('marks a retired unit only in views known after its retirement was recorded', async () => {
    // given a unit assigned to 1.4, an instant, then its retirement from 2025-02-01
    const executor = (await t.http.post('/api/v1/executors').set(t.as('secretariat')).send({ name: 'Сектор мобілізаційної роботи' }).expect(201)).body.id;
    await t.http
      .post(`/api/v1/programmes/${KOROSTEN}/amendments`)
      .set(t.as('secretariat'))
      .send({ decisionId: await decision('2025-01-10', '2003'), changes: [{ op: 'assignExecutor', measure: '1.4', executor }] })
      .expect(201);
    const beforeRetirement = (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).expect(200)).body.knownAt as string;
    await t.http.post(`/api/v1/executors/${executor}/retirement`).set(t.as('secretariat')).send({ effectiveFrom: '2025-02-01' }).expect(201);

    // then the current view marks it, at once (its cached copy is dropped), and the view as known before does not
    const marked = async (query: Record<string, string>) => {
      const view = (await t.http.get(`/api/v1/programmes/${KOROSTEN}`).query(query).expect(200)).body;
      const measure = view.sections.flatMap((s: { directions: { measures: unknown[] }[] }) => s.directions.flatMap((d) => d.measures)).find((m: { number: string }) => m.number === '1.4');
      return measure.executors.find((e: { id: string }) => e.id === executor).retiredFrom;
    };
    expect(await marked({})).toBe('2025-02-01');
    expect(await marked({ knownAt: beforeRetirement })).toBeUndefined();
  });
});
