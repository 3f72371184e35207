import type { KnownExecutor } from '../../executor/executors.projection';
import type { Kopecks } from '../domain/money';
import type { Measure, ProgrammeContent } from '../domain/programme.types';
import { comparativeGrid } from '../export/annex.table';
import { diffContents } from './programme.diff';

const measure = (id: string, number: string, patch: Partial<Measure> = {}): Measure => ({
  id,
  directionId: 'd-2',
  number,
  title: `Захід ${id}`,
  term: { from: 2024, to: 2026 },
  executorIds: ['unit'],
  funding: [{ source: 'Бюджет громади', allocations: { '2025': 1000 as Kopecks } }],
  expectedResults: [],
  ...patch,
});

const content = (...measures: Measure[]): ProgrammeContent => ({
  id: 'p',
  title: 'Програма',
  community: 'Коростенська міська територіальна громада',
  period: { from: 2024, to: 2026 },
  sections: [{ id: 's-2', number: 'II', title: 'Розділ' }],
  directions: [{ id: 'd-2', sectionId: 's-2', number: null, title: 'Напрям' }],
  measures,
});

/** A unit renamed from 2025-06-01 in the directory. */
const UNIT: KnownExecutor = {
  status: 'active',
  id: 'unit',
  names: [
    { name: 'Відділ інформаційної політики', effectiveFrom: null },
    { name: 'Управління інформаційної політики', effectiveFrom: '2025-06-01' },
  ],
  retiredFrom: null,
};
const OTHER: KnownExecutor = { status: 'active', id: 'other', names: [{ name: 'Фінансове управління', effectiveFrom: null }], retiredFrom: null };
const directory = (id: string) => [UNIT, OTHER].find((e) => e.id === id);
const DATES = { was: '2025-01-01', became: '2025-12-01' };

describe('the comparative table (diffContents)', () => {
  it('labels every row of a renumbered measure with its було number too, so it is not read as the measure struck out under the number it takes', () => {
    // given 2.10 struck out, and 2.9 renumbered 2.10 with an allocation changed
    const was = content(measure('m-9', '2.9'), measure('m-10', '2.10'));
    const became = content(measure('m-9', '2.10', { funding: [{ source: 'Бюджет громади', allocations: { '2025': 1 as Kopecks } }] }));

    // when the two are compared
    const { rows } = diffContents(was, became, directory, DATES);

    // then the renumbered measure's rows carry both numbers, and the struck-out one only its own
    expect(rows.map(({ measureId, number, numberWas, field }) => ({ measureId, number, numberWas, field }))).toEqual([
      { measureId: 'm-9', number: '2.10', numberWas: '2.9', field: 'number' },
      { measureId: 'm-9', number: '2.10', numberWas: '2.9', field: 'allocations.2025' },
      { measureId: 'm-10', number: '2.10', numberWas: undefined, field: 'measure' },
    ]);
  });

  it('the printed table’s № column names a renumbered measure by both numbers', () => {
    const diff = diffContents(content(measure('m-9', '2.9'), measure('m-10', '2.10')), content(measure('m-9', '2.10')), directory, DATES);
    const grid = comparativeGrid('Програма', diff, { from: 'на 01.01.2025', to: 'на 01.12.2025' });
    expect(grid.rows.filter((row) => row.kind === 'item').map((row) => row.cells[0])).toEqual(['2.9 → 2.10', '2.10']);
  });

  it('a co-funded measure’s rows per source carry the було number too', () => {
    const funding = (local: number, state: number) => [
      { source: 'Бюджет громади', allocations: { '2025': local as Kopecks } },
      { source: 'Державний бюджет', allocations: { '2025': state as Kopecks } },
    ];
    const { rows } = diffContents(content(measure('m-9', '2.9', { funding: funding(1000, 500) })), content(measure('m-9', '2.11', { funding: funding(500, 1000) })), directory, DATES);
    expect(rows.map(({ number, numberWas, field, fundingSource }) => ({ number, numberWas, field, fundingSource }))).toEqual([
      { number: '2.11', numberWas: '2.9', field: 'number', fundingSource: undefined },
      { number: '2.11', numberWas: '2.9', field: 'allocations.2025', fundingSource: 'Бюджет громади' },
      { number: '2.11', numberWas: '2.9', field: 'allocations.2025', fundingSource: 'Державний бюджет' },
    ]);
  });

  it('a unit renamed in the directory between the two dates is no change of the measure’s executors', () => {
    const same = content(measure('m-1', '1.1'));
    expect(diffContents(same, content(measure('m-1', '1.1')), directory, DATES).rows).toEqual([]);
  });

  it('the same units in another order (one unassigned and assigned again) are no change', () => {
    const was = content(measure('m-1', '1.1', { executorIds: ['unit', 'other'] }));
    expect(diffContents(was, content(measure('m-1', '1.1', { executorIds: ['other', 'unit'] })), directory, DATES).rows).toEqual([]);
  });

  it('a unit assigned between the two dates is a row, the units named as on each side’s date', () => {
    const { rows } = diffContents(content(measure('m-1', '1.1')), content(measure('m-1', '1.1', { executorIds: ['unit', 'other'] })), directory, DATES);
    expect(rows).toEqual([
      { measureId: 'm-1', number: '1.1', field: 'executors', was: ['Відділ інформаційної політики'], became: ['Управління інформаційної політики', 'Фінансове управління'] },
    ]);
  });
});
