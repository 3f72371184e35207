import Database from 'better-sqlite3';
import type { Kopecks } from '../domain/money';
import type { Measure, ProgrammeContent } from '../domain/programme.types';
import { SNAPSHOT_MEASURES_TABLE, SnapshotCodec } from './snapshot.codec';

const measure = (n: number): Measure => ({
  id: `m-${n}`,
  directionId: 'd-1',
  number: `1.${n}`,
  title: `Захід 1.${n}`,
  term: { from: 2024, to: 2026 },
  executorIds: ['e-1'],
  funding: [{ source: 'Бюджет громади', allocations: { '2024': (n * 100_000) as Kopecks } }],
  expectedResults: ['Результат'],
});

const programme = (measures: Measure[]): ProgrammeContent => ({
  id: 'p',
  title: 'Програма',
  community: 'Громада',
  period: { from: 2024, to: 2026 },
  sections: [{ id: 's-1', number: 'I', title: 'Розділ' }],
  directions: [{ id: 'd-1', sectionId: 's-1', number: '1', title: 'Напрям' }],
  measures,
});

describe('snapshots name their measures by the hash of their content', () => {
  let db: Database.Database;
  let codec: SnapshotCodec;
  const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM programme_measures').get() as { n: number }).n;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(SNAPSHOT_MEASURES_TABLE);
    codec = new SnapshotCodec(db);
  });
  afterEach(() => db.close());

  it('reads back what it wrote, an empty programme (null) included', () => {
    const content = programme([measure(1), measure(2)]);
    expect(codec.decode('p', codec.encode('p', content))).toEqual(content);
    expect(codec.decode('p', codec.encode('p', null))).toBeNull();
  });

  it('stores a measure once however many snapshots hold it: a later snapshot costs only the measures changed since', () => {
    // given a programme of 50 measures, then the same programme with one measure changed (the others shared, as folds share them)
    const before = programme(Array.from({ length: 50 }, (_, i) => measure(i + 1)));
    const after = { ...before, measures: before.measures.map((m) => (m.id === 'm-7' ? { ...m, title: 'Захід 1.7 у новій редакції' } : m)) };

    // when both are written, and then a copy of the first made of new objects (as read back after a restart)
    codec.encode('p', before);
    const text = codec.encode('p', after);
    codec.encode('p', JSON.parse(JSON.stringify(before)) as ProgrammeContent);

    // then 51 measures are stored, and each snapshot reads back whole
    expect(stored()).toBe(51);
    expect(codec.decode('p', text)).toEqual(after);
    // and a snapshot's own text is its frame with 50 short keys, not 50 measures
    expect(text.length).toBeLessThan(JSON.stringify(after).length / 3);
  });

  it('keeps programmes apart: the same measure in another programme is stored for it too', () => {
    const content = programme([measure(1)]);
    codec.encode('p', content);
    const other = codec.encode('q', JSON.parse(JSON.stringify(content)) as ProgrammeContent);
    expect(stored()).toBe(2);
    expect(codec.decode('q', other)).toEqual(content);
  });
});
