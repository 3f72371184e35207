import { KOROSTEN, startApp, type TestApp } from '../support/app';

describe('the Korosten annex, loaded on first start, read over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
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
});

