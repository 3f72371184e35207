import {
  addDirection,
  addMeasure,
  addSection,
  amendment,
  amendmentHeader,
  amount,
  APPROVAL,
  assignExecutor,
  BUDGET,
  cell,
  changeExpectedResults,
  changeFundingSource,
  changeTerm,
  executorIdOf,
  extendPeriod,
  fundingLine,
  given,
  givenHistory,
  INITIAL_AMENDMENT,
  korostenAnnex,
  KOROSTEN_ID,
  KOROSTEN_INITIAL,
  measureIn,
  PROGRAMME_ID,
  programmeRegistered,
  REGIONAL,
  removeMeasure,
  renameProgramme,
  renumber,
  revoke,
  reword,
  setAllocation,
  smallWording,
  unassignExecutor,
} from '../../../test/support/programme-spec';
import { formatAmount } from './money';
import type { InitialWording } from './programme.commands';
import { programmeTotals, sectionMeasures, totalsOf } from './totals';

/** The small programme (test/support/programme-spec.ts): 1.1 75.00, 1.2 150.00, 1.3 300.00 a year; 2.1 270.00 in 2024–2025; 2.2 none. */

describe('programme decider', () => {
  // ─── RegisterProgramme ────────────────────────────────────────────────────────────────────────────────────────

  describe('RegisterProgramme', () => {
    it('registers the approving wording as the first amendment: the programme, then each section, direction and measure', () => {
      const tiny: InitialWording = {
        title: 'Програма',
        community: 'Громада',
        period: { from: 2024, to: 2025 },
        sections: [
          {
            sectionId: 's-I',
            number: 'I',
            title: 'Розділ',
            directions: [
              {
                directionId: 'd-1',
                number: '1',
                title: 'Напрям',
                measures: [
                  {
                    measureId: 'm-1.1',
                    number: '1.1',
                    title: 'Захід',
                    term: { from: 2024, to: 2025 },
                    executorIds: ['exec-committee'],
                    funding: [fundingLine(BUDGET, { 2024: '75.00', 2025: null })],
                    expectedResults: ['Результат'],
                  },
                ],
              },
            ],
          },
        ],
      };
      given()
        .when(programmeRegistered({ wording: tiny }))
        .then([
          {
            type: 'AmendmentRegistered',
            data: { amendmentId: INITIAL_AMENDMENT, programmeId: PROGRAMME_ID, decisionId: APPROVAL.id, effectiveFrom: APPROVAL.effectiveFrom, note: null, initial: true, changeCount: 4 },
          },
          { type: 'ProgrammeRegistered', data: { programmeId: PROGRAMME_ID, title: 'Програма', community: 'Громада', period: { from: 2024, to: 2025 } } },
          { type: 'SectionAdded', data: { sectionId: 's-I', number: 'I', title: 'Розділ' } },
          { type: 'DirectionAdded', data: { directionId: 'd-1', sectionId: 's-I', number: '1', title: 'Напрям' } },
          {
            type: 'MeasureAdded',
            data: {
              measureId: 'm-1.1',
              directionId: 'd-1',
              number: '1.1',
              title: 'Захід',
              term: { from: 2024, to: 2025 },
              executorIds: ['exec-committee'],
              funding: [{ source: BUDGET, allocations: { '2024': amount('75.00'), '2025': null } }],
              expectedResults: ['Результат'],
            },
          },
        ]);
    });

    it('the registered programme is in force from the approving decision, with every section, direction and measure', () => {
      const outcome = given().when(programmeRegistered()).thenAccepted();
      expect(outcome.events.map((e) => e.type)).toEqual([
        'AmendmentRegistered',
        'ProgrammeRegistered',
        // in document order: each section, then each of its directions followed by its measures
        'SectionAdded',
        'DirectionAdded',
        'MeasureAdded',
        'MeasureAdded',
        'DirectionAdded',
        'MeasureAdded',
        'SectionAdded',
        'DirectionAdded',
        'MeasureAdded',
        'MeasureAdded',
      ]);
      expect(outcome.view({ asOf: '2024-01-14' })).toBeNull();
      const view = outcome.view({ asOf: '2024-01-15' });
      expect(view?.measures.map((m) => [m.number, m.directionId])).toEqual([
        ['1.1', 'd-1'],
        ['1.2', 'd-1'],
        ['1.3', 'd-2'],
        ['2.1', 'd-3'],
        ['2.2', 'd-3'],
      ]);
      expect(view?.directions.map((d) => [d.id, d.sectionId, d.number])).toEqual([
        ['d-1', 's-I', '1'],
        ['d-2', 's-I', '2'],
        ['d-3', 's-II', null],
      ]);
    });

    it('a programme is registered once', () => {
      given(programmeRegistered())
        .when(programmeRegistered({ amendmentId: 'another' }))
        .thenFails('ProgrammeAlreadyRegistered', { kind: 'conflict' });
    });

    it('a wording that numbers two measures alike is not consistent', () => {
      const wording = smallWording();
      const twice: InitialWording = {
        ...wording,
        sections: wording.sections.map((s) => ({
          ...s,
          directions: s.directions.map((d) => ({ ...d, measures: d.measures.map((m) => (m.number === '1.2' ? { ...m, number: '1.1' } : m)) })),
        })),
      };
      given()
        .when(programmeRegistered({ wording: twice }))
        .thenFails('InvalidWording', {
          kind: 'invalid',
          // Located in the wording, so that an importer can name the document line.
          problems: [{ code: 'MeasureNumberTaken', path: ['sections', 0, 'directions', 0, 'measures', 1, 'number'], details: { measureId: 'm-1.1' } }],
        });
    });

    it('a wording that allocates money outside a measure’s term is not consistent', () => {
      const wording = smallWording();
      const outside: InitialWording = {
        ...wording,
        sections: wording.sections.map((s) => ({
          ...s,
          directions: s.directions.map((d) => ({
            ...d,
            measures: d.measures.map((m) => (m.number === '2.1' ? { ...m, funding: [fundingLine(BUDGET, { 2024: '270.00', 2025: '270.00', 2026: '10.00' })] } : m)),
          })),
        })),
      };
      given()
        .when(programmeRegistered({ wording: outside }))
        .thenFails('InvalidWording', { kind: 'invalid', problems: [{ code: 'AllocationOutsideTerm', path: ['sections', 1, 'directions', 0, 'measures', 0, 'term'] }] });
    });

    it('a period that ends before it starts is not consistent', () => {
      given()
        .when(programmeRegistered({ wording: { ...smallWording(), period: { from: 2026, to: 2024 }, sections: [] } }))
        .thenFails('InvalidWording', { kind: 'invalid', problems: [{ code: 'InvalidPeriod', path: ['period'] }] });
    });
  });

  // ─── RegisterAmendment: one spec group per change ────────────────────────────────────────────────────────────

  describe('RegisterAmendment', () => {
    const registered = () => given(programmeRegistered());
    const on = (effectiveFrom: string, ...changes: Parameters<typeof amendment>[0]['changes']) => amendment({ effectiveFrom, changes });

    describe('addMeasure', () => {
      it('adds the measure to the direction of the measures numbered like it: the highest-numbered sibling’s', () => {
        // 1.1 and 1.2 are in direction "1" (d-1), 1.3 in direction "2" (d-2): a new 1.4 follows 1.3.
        registered()
          .when(on('2025-03-01', addMeasure('1.4', { executors: ['exec-press', 'exec-press'] })))
          .then([
            amendmentHeader('2025-03-01', 1),
            {
              type: 'MeasureAdded',
              data: {
                measureId: 'm-1.4',
                directionId: 'd-2',
                number: '1.4',
                title: 'Новий захід 1.4',
                term: { from: 2025, to: 2026 },
                executorIds: ['exec-press'],
                funding: [{ source: BUDGET, allocations: { '2025': amount('10.00'), '2026': amount('20.00') } }],
                expectedResults: ['Досягнуто результату'],
              },
            },
          ]);
      });

      it('"2.10" goes where "2.9" is, not where "2.1" is', () => {
        const outcome = registered()
          .when(on('2025-03-01', addMeasure('2.9', { direction: 'd-3' }), addMeasure('2.10')))
          .thenAccepted();
        expect(measureIn(outcome.view(), '2.10')?.directionId).toBe('d-3');
      });

      it('takes a direction named by its number or by its id', () => {
        const outcome = registered()
          .when(on('2025-03-01', addMeasure('1.4', { direction: '1' }), addMeasure('2.3', { direction: 'd-2' })))
          .thenAccepted();
        expect(measureIn(outcome.view(), '1.4')?.directionId).toBe('d-1');
        expect(measureIn(outcome.view(), '2.3')?.directionId).toBe('d-2');
      });

      it('without a direction, a number no measure shares a prefix with needs one (DirectionRequired)', () => {
        registered()
          .when(on('2025-03-01', addMeasure('3.1'), addMeasure('7')))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'DirectionRequired', path: ['changes', 0, 'direction'] },
              { code: 'DirectionRequired', path: ['changes', 1, 'direction'] },
            ],
          });
      });

      it('a direction number two sections use names the one in the section given (by number or id), not the first found', () => {
        const outcome = given(programmeRegistered(), on('2025-02-01', addSection('III', 'Нова частина'), addDirection('III', '1', 'Перший напрям нової частини', 'd-III-1')))
          .when(on('2025-03-01', addMeasure('3.1', { direction: '1', section: 'III' }), addMeasure('1.5', { direction: '1', section: 's-I' })))
          .thenAccepted();
        expect(measureIn(outcome.view(), '3.1')?.directionId).toBe('d-III-1');
        expect(measureIn(outcome.view(), '1.5')?.directionId).toBe('d-1');
      });

      it('a direction number two sections use, without a section, is DirectionAmbiguous; a section that does not exist is SectionNotFound; a section without a direction is DirectionRequired', () => {
        given(programmeRegistered(), on('2025-02-01', addSection('III', 'Нова частина'), addDirection('III', '1', 'Перший напрям нової частини')))
          .when(
            on(
              '2025-03-01',
              addMeasure('3.1', { direction: '1' }),
              addMeasure('3.2', { direction: '1', section: 'IX' }),
              addMeasure('3.3', { direction: '2', section: 'III' }),
              addMeasure('3.4', { section: 'III' }),
            ),
          )
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'DirectionAmbiguous', path: ['changes', 0, 'section'] },
              { code: 'SectionNotFound', path: ['changes', 1, 'section'] },
              { code: 'DirectionNotFound', path: ['changes', 2, 'direction'] },
              { code: 'DirectionRequired', path: ['changes', 3, 'direction'] },
            ],
          });
      });

      it('a direction that does not exist at the effective date is DirectionNotFound', () => {
        registered()
          .when(on('2025-03-01', addMeasure('3.1', { direction: '3' })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'DirectionNotFound', path: ['changes', 0, 'direction'] }] });
      });

      it('a number in use is MeasureNumberTaken, naming the measure that has it', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.2', { measureId: 'm-new' })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNumberTaken', path: ['changes', 0, 'number'], details: { measureId: 'm-1.2' } }] });
      });

      it('an id in use is MeasureIdTaken', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.4', { measureId: 'm-1.1' })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureIdTaken', path: ['changes', 0, 'measureId'] }] });
      });

      it('its executors must be in the directory and not retired', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.4', { executors: ['exec-press', 'exec-nobody'] }), addMeasure('1.5', { executors: ['exec-old'] })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'ExecutorNotFound', path: ['changes', 0, 'executors', 1] },
              { code: 'ExecutorRetired', path: ['changes', 1, 'executors', 0] },
            ],
          });
      });

      it('every unusable executor of one measure is listed, not just the first', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.4', { executors: ['exec-nobody', 'exec-press', 'exec-old'] })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'ExecutorNotFound', path: ['changes', 0, 'executors', 0] },
              { code: 'ExecutorRetired', path: ['changes', 0, 'executors', 2] },
            ],
          });
      });

      it('a measure with an unusable executor and money outside its term gets both problems in one answer', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.5', { executors: ['exec-old'], term: { from: 2026, to: 2026 }, funding: [fundingLine(BUDGET, { 2025: '5.00' })] })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'ExecutorRetired', path: ['changes', 0, 'executors', 0] },
              { code: 'AllocationOutsideTerm', path: ['changes', 0, 'term'] },
            ],
          });
      });

      it('a measure whose direction cannot be found, with an unusable executor and a taken number, gets all three problems in one answer', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.2', { measureId: 'm-new', direction: '9', executors: ['exec-nobody'] })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'DirectionNotFound', path: ['changes', 0, 'direction'] },
              { code: 'ExecutorNotFound', path: ['changes', 0, 'executors', 0] },
              { code: 'MeasureNumberTaken', path: ['changes', 0, 'number'] },
            ],
          });
      });

      it('its term lies inside the programme period and its money inside its term', () => {
        registered()
          .when(
            on(
              '2025-03-01',
              addMeasure('1.4', { term: { from: 2025, to: 2027 }, funding: [] }),
              addMeasure('1.5', { term: { from: 2026, to: 2026 }, funding: [fundingLine(BUDGET, { 2025: '5.00', 2026: '5.00' })] }),
            ),
          )
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'TermOutsidePeriod', path: ['changes', 0, 'term'] },
              { code: 'AllocationOutsideTerm', path: ['changes', 1, 'term'] },
            ],
          });
      });

      it('a funding source listed twice is FundingSourceTaken', () => {
        registered()
          .when(on('2025-03-01', addMeasure('1.4', { funding: [fundingLine(BUDGET, { 2025: '1.00' }), fundingLine(BUDGET, { 2026: '1.00' })] })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'FundingSourceTaken', path: ['changes', 0, 'fundingSources'] }] });
        // and so is one listed again in another case
        registered()
          .when(on('2025-03-01', addMeasure('1.4', { funding: [fundingLine(BUDGET, { 2025: '1.00' }), fundingLine(BUDGET.toLocaleUpperCase('uk'), { 2026: '1.00' })] })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'FundingSourceTaken', path: ['changes', 0, 'fundingSources'] }] });
      });
    });

    describe('rewordMeasure', () => {
      it('records the new title and the one it replaced', () => {
        registered()
          .when(on('2025-03-01', reword('1.3', 'Семінари, конференції, тренінги')))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'MeasureReworded', data: { measureId: 'm-1.3', title: 'Семінари, конференції, тренінги', was: 'Семінари та конференції' } },
          ]);
      });

      it('keeps the secretariat’s `was` claim on the event when it holds', () => {
        registered()
          .when(on('2025-03-01', reword('1.3', 'Нова назва', { was: 'Семінари та конференції' })))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'MeasureReworded', data: { measureId: 'm-1.3', title: 'Нова назва', was: 'Семінари та конференції', expectedWas: 'Семінари та конференції' } },
          ]);
      });

      it('a `was` that is not the title at the effective date is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', reword('1.3', 'Нова назва', { was: 'Семінари' })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'title', actual: 'Семінари та конференції', claimed: 'Семінари' } }],
          });
      });

      it('a blank title is EmptyTitle', () => {
        registered()
          .when(on('2025-03-01', reword('1.3', '   ')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'EmptyTitle', path: ['changes', 0, 'title'] }] });
      });
    });

    describe('renumberMeasure', () => {
      it('records the new number and the one it replaced', () => {
        registered()
          .when(on('2025-03-01', renumber('1.3', '1.5', { was: '1.3' })))
          .then([amendmentHeader('2025-03-01', 1), { type: 'MeasureRenumbered', data: { measureId: 'm-1.3', number: '1.5', was: '1.3', expectedWas: '1.3' } }]);
      });

      it('a number another measure has is MeasureNumberTaken', () => {
        registered()
          .when(on('2025-03-01', renumber('1.3', '1.2')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNumberTaken', path: ['changes', 0, 'number'], details: { measureId: 'm-1.2' } }] });
      });

      it('a `was` that is not the number at the effective date is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', renumber('1.3', '1.5', { was: '1.4' })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'number' } }] });
      });

      it('two measures can swap numbers through a free one within one amendment', () => {
        const outcome = registered()
          .when(on('2025-03-01', renumber('1.1', '1.9'), renumber('1.2', '1.1'), renumber('1.9', '1.2')))
          .thenAccepted();
        expect(measureIn(outcome.view(), '1.1')?.id).toBe('m-1.2');
        expect(measureIn(outcome.view(), '1.2')?.id).toBe('m-1.1');
      });
    });

    describe('changeTerm', () => {
      it('records the new term and the one it replaced', () => {
        registered()
          .when(on('2025-03-01', changeTerm('2.1', 2024, 2026, { was: { from: 2024, to: 2025 } })))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'MeasureTermChanged', data: { measureId: 'm-2.1', term: { from: 2024, to: 2026 }, was: { from: 2024, to: 2025 }, expectedWas: { from: 2024, to: 2025 } } },
          ]);
      });

      it('a term that would leave money outside it is AllocationOutsideTerm', () => {
        registered()
          .when(on('2025-03-01', changeTerm('1.1', 2024, 2025)))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'AllocationOutsideTerm', path: ['changes', 0, 'term'] }] });
      });

      it('after the money is taken out (set to none) the term can shrink', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.1', 2026, null), changeTerm('1.1', 2024, 2025)))
          .thenAccepted();
      });

      it('a term that ends before it starts is InvalidTerm', () => {
        registered()
          .when(on('2025-03-01', changeTerm('2.2', 2026, 2025)))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'InvalidTerm', path: ['changes', 0, 'term'] }] });
      });

      it('a term beyond the programme period is TermOutsidePeriod', () => {
        registered()
          .when(on('2025-03-01', changeTerm('1.1', 2024, 2027)))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'TermOutsidePeriod', path: ['changes', 0, 'term'] }] });
      });

      it('a `was` that is not the term at the effective date is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', changeTerm('2.1', 2024, 2026, { was: { from: 2024, to: 2026 } })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'term' } }] });
      });
    });

    describe('changeExpectedResults', () => {
      it('records the new results and the ones they replaced', () => {
        registered()
          .when(on('2025-03-01', changeExpectedResults('1.3', ['Проведено 12 семінарів', 'Залучено партнерів'])))
          .then([
            amendmentHeader('2025-03-01', 1),
            {
              type: 'MeasureExpectedResultsChanged',
              data: { measureId: 'm-1.3', expectedResults: ['Проведено 12 семінарів', 'Залучено партнерів'], was: ['Впроваджено кращі практики'] },
            },
          ]);
      });

      it('a `was` that is not the results at the effective date is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', changeExpectedResults('1.3', ['x'], { was: ['Інше'] })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'expectedResults' } }] });
      });
    });

    describe('removeMeasure', () => {
      it('records the number and title the removed measure had, and it leaves the views from its date on', () => {
        const outcome = registered()
          .when(on('2025-03-01', removeMeasure('1.3')))
          .then([amendmentHeader('2025-03-01', 1), { type: 'MeasureRemoved', data: { measureId: 'm-1.3', number: '1.3', title: 'Семінари та конференції' } }]);
        expect(measureIn(outcome.view({ asOf: '2025-02-28' }), '1.3')).toBeDefined();
        expect(measureIn(outcome.view({ asOf: '2025-03-01' }), '1.3')).toBeUndefined();
      });

      it('a measure not in the programme at the effective date is MeasureNotFound', () => {
        registered()
          .when(on('2025-03-01', removeMeasure('9.9')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNotFound', path: ['changes', 0, 'measure'] }] });
      });
    });

    describe('setAllocation', () => {
      it('records the amount and the value it replaced (was), from the measure’s only source', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '350.00')))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: BUDGET, amount: amount('350.00'), was: amount('300.00'), existingSource: true } },
          ]);
      });

      it('a source named in another case or spacing is the measure’s own, not a new co-funding source', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '350.00', { source: ` ${BUDGET.toLocaleUpperCase('uk').replace(' ', '  ')} ` })))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: BUDGET, amount: amount('350.00'), was: amount('300.00'), existingSource: true } },
          ]);
      });

      it('a `was` that holds is kept as the claim beside the recorded value', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '350.00', { was: '300.00' })))
          .then([
            amendmentHeader('2025-03-01', 1),
            {
              type: 'AllocationSet',
              data: { measureId: 'm-1.3', year: 2025, source: BUDGET, amount: amount('350.00'), was: amount('300.00'), expectedWas: amount('300.00'), existingSource: true },
            },
          ]);
      });

      it('allocations that would add up past an exact number of kopecks (2^53) are TotalTooLarge, from the change that crosses it', () => {
        // Twelve cells of 9 000 000 000.00 thousand UAH (9 × 10^14 kopecks each): the eleventh crosses 2^53 ≈ 9.007 × 10^15.
        const cells = ['1.1', '1.2', '1.3', '2.2'].flatMap((measure) => [2024, 2025, 2026].map((year) => setAllocation(measure, year, '9000000000.00')));
        registered()
          .when(on('2025-03-01', ...cells))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'TotalTooLarge', path: ['changes', 10, 'amount'] },
              { code: 'TotalTooLarge', path: ['changes', 11, 'amount'] },
            ],
          });
      });

      it('a `was` that does not hold is a WasMismatch, showing both amounts as the API writes them', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '350.00', { was: '299.00' })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'amount', actual: '300.00', claimed: '299.00' } }],
          });
      });

      it('`was: null` claims the cell was none, and holds where it was', () => {
        registered()
          .when(on('2025-03-01', setAllocation('2.2', 2025, '40.00', { was: null })))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'AllocationSet', data: { measureId: 'm-2.2', year: 2025, source: BUDGET, amount: amount('40.00'), was: null, expectedWas: null, existingSource: true } },
          ]);
      });

      it('`was: null` where there was money is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '350.00', { was: null })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'amount', actual: '300.00', claimed: null } }],
          });
      });

      it('none is not zero: `was: "0.00"` where the cell was none is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', setAllocation('2.2', 2025, '40.00', { was: '0.00' })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'amount', actual: null, claimed: '0.00' } }],
          });
      });

      it('an amount can be set to none, which is recorded as null', () => {
        const outcome = registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, null)))
          .then([amendmentHeader('2025-03-01', 1), { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: BUDGET, amount: null, was: amount('300.00'), existingSource: true } }]);
        expect(cell(outcome.view(), '1.3', 2025)).toBeNull();
      });

      it('money for a year outside the measure’s term is YearOutsideTerm; none there is fine', () => {
        registered()
          .when(on('2025-03-01', setAllocation('2.1', 2026, '10.00')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'YearOutsideTerm', path: ['changes', 0, 'year'] }] });
        registered()
          .when(on('2025-03-01', setAllocation('2.1', 2026, null)))
          .thenAccepted();
      });

      it('a new source adds a funding line (co-funding), the measure keeps its first one', () => {
        const outcome = registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '100.00', { source: REGIONAL })))
          .then([
            amendmentHeader('2025-03-01', 1),
            { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: REGIONAL, amount: amount('100.00'), was: null } },
          ]);
        expect(measureIn(outcome.view(), '1.3')?.funding).toEqual([
          fundingLine(BUDGET, { 2024: '300.00', 2025: '300.00', 2026: '300.00' }),
          fundingLine(REGIONAL, { 2025: '100.00' }),
        ]);
        expect(formatAmount(totalsOf([measureIn(outcome.view(), '1.3')!], { from: 2024, to: 2026 }).byYear['2025'])).toBe('400.00');
      });

      it('a measure with two sources needs the source named (FundingSourceRequired)', () => {
        given(programmeRegistered(), on('2025-03-01', setAllocation('1.3', 2025, '100.00', { source: REGIONAL })))
          .when(on('2025-06-01', setAllocation('1.3', 2026, '1.00')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'FundingSourceRequired', path: ['changes', 0, 'fundingSource'] }] });
        given(programmeRegistered(), on('2025-03-01', setAllocation('1.3', 2025, '100.00', { source: REGIONAL })))
          .when(on('2025-06-01', setAllocation('1.3', 2026, '1.00', { source: BUDGET })))
          .then([
            amendmentHeader('2025-06-01', 1),
            { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2026, source: BUDGET, amount: amount('1.00'), was: amount('300.00'), existingSource: true } },
          ]);
      });
    });

    describe('assignExecutor', () => {
      it('assigns an active executor from the directory', () => {
        registered()
          .when(on('2025-03-01', assignExecutor('1.3', 'exec-press')))
          .then([amendmentHeader('2025-03-01', 1), { type: 'ExecutorAssigned', data: { measureId: 'm-1.3', executorId: 'exec-press' } }]);
      });

      it('an executor the directory does not know is ExecutorNotFound, a retired one ExecutorRetired', () => {
        registered()
          .when(on('2025-03-01', assignExecutor('1.3', 'exec-nobody'), assignExecutor('1.3', 'exec-old')))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'ExecutorNotFound', path: ['changes', 0, 'executor'] },
              { code: 'ExecutorRetired', path: ['changes', 1, 'executor'] },
            ],
          });
      });

      it('an executor already on the measure is ExecutorAlreadyAssigned', () => {
        registered()
          .when(on('2025-03-01', assignExecutor('1.3', 'exec-committee')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'ExecutorAlreadyAssigned', path: ['changes', 0, 'executor'] }] });
      });
    });

    describe('unassignExecutor', () => {
      it('takes an executor off the measure', () => {
        const outcome = registered()
          .when(on('2025-03-01', unassignExecutor('1.3', 'exec-secretary')))
          .then([amendmentHeader('2025-03-01', 1), { type: 'ExecutorUnassigned', data: { measureId: 'm-1.3', executorId: 'exec-secretary' } }]);
        expect(measureIn(outcome.view(), '1.3')?.executorIds).toEqual(['exec-committee']);
      });

      it('an executor not on the measure is ExecutorNotAssigned', () => {
        registered()
          .when(on('2025-03-01', unassignExecutor('1.3', 'exec-press')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'ExecutorNotAssigned', path: ['changes', 0, 'executor'] }] });
      });

      it('a retired executor can still be taken off (that is what retiring leads to)', () => {
        const wording = smallWording();
        const withRetired: InitialWording = {
          ...wording,
          sections: wording.sections.map((s) => ({
            ...s,
            directions: s.directions.map((d) => ({ ...d, measures: d.measures.map((m) => (m.number === '2.2' ? { ...m, executorIds: ['exec-press', 'exec-old'] } : m)) })),
          })),
        };
        given(programmeRegistered({ wording: withRetired }))
          .when(on('2025-03-01', unassignExecutor('2.2', 'exec-old')))
          .then([amendmentHeader('2025-03-01', 1), { type: 'ExecutorUnassigned', data: { measureId: 'm-2.2', executorId: 'exec-old' } }]);
      });
    });

    describe('changeFundingSource', () => {
      it('moves the measure’s only source to another, keeping its amounts', () => {
        const outcome = registered()
          .when(on('2025-03-01', changeFundingSource('1.3', REGIONAL)))
          .then([amendmentHeader('2025-03-01', 1), { type: 'FundingSourceChanged', data: { measureId: 'm-1.3', from: BUDGET, to: REGIONAL } }]);
        expect(measureIn(outcome.view(), '1.3')?.funding).toEqual([fundingLine(REGIONAL, { 2024: '300.00', 2025: '300.00', 2026: '300.00' })]);
      });

      it('`from` in another case is the source the measure has', () => {
        registered()
          .when(on('2025-03-01', changeFundingSource('1.3', REGIONAL, { from: BUDGET.toLocaleLowerCase('uk') })))
          .then([amendmentHeader('2025-03-01', 1), { type: 'FundingSourceChanged', data: { measureId: 'm-1.3', from: BUDGET, to: REGIONAL } }]);
      });

      it('a source the measure has under another case is FundingSourceTaken, while its own name may change case', () => {
        const coFunded = givenHistory(registered().when(on('2025-02-01', setAllocation('1.3', 2025, '10.00', { source: REGIONAL }))).thenAccepted().history);
        coFunded
          .when(on('2025-03-01', changeFundingSource('1.3', BUDGET.toLocaleUpperCase('uk'), { from: REGIONAL })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'FundingSourceTaken', path: ['changes', 0, 'to'] }] });
        coFunded
          .when(on('2025-03-01', changeFundingSource('1.3', REGIONAL.toLocaleUpperCase('uk'), { from: REGIONAL })))
          .then([amendmentHeader('2025-03-01', 1), { type: 'FundingSourceChanged', data: { measureId: 'm-1.3', from: REGIONAL, to: REGIONAL.toLocaleUpperCase('uk') } }]);
      });

      it('a source the measure does not have is FundingSourceNotFound; one it already has FundingSourceTaken', () => {
        registered()
          .when(on('2025-03-01', changeFundingSource('1.3', REGIONAL, { from: 'Державний бюджет' }), changeFundingSource('1.2', BUDGET)))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'FundingSourceNotFound', path: ['changes', 0, 'from'] },
              { code: 'FundingSourceTaken', path: ['changes', 1, 'to'] },
            ],
          });
      });

      it('a measure with two sources needs `from` (FundingSourceRequired)', () => {
        given(programmeRegistered(), on('2025-03-01', setAllocation('1.3', 2025, '100.00', { source: REGIONAL })))
          .when(on('2025-06-01', changeFundingSource('1.3', 'Державний бюджет')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'FundingSourceRequired', path: ['changes', 0, 'from'] }] });
      });
    });

    describe('extendPeriod', () => {
      it('records the new end and the one it replaced; measures can then run into the new years', () => {
        const outcome = registered()
          .when(on('2025-03-01', extendPeriod(2027, { was: 2026 }), changeTerm('1.1', 2024, 2027), setAllocation('1.1', 2027, '80.00')))
          .then([
            amendmentHeader('2025-03-01', 3),
            { type: 'ProgrammePeriodExtended', data: { to: 2027, was: 2026, expectedWas: 2026 } },
            { type: 'MeasureTermChanged', data: { measureId: 'm-1.1', term: { from: 2024, to: 2027 }, was: { from: 2024, to: 2026 } } },
            { type: 'AllocationSet', data: { measureId: 'm-1.1', year: 2027, source: BUDGET, amount: amount('80.00'), was: null, existingSource: true } },
          ]);
        expect(outcome.view()?.period).toEqual({ from: 2024, to: 2027 });
        expect(outcome.view({ asOf: '2025-02-28' })?.period).toEqual({ from: 2024, to: 2026 });
      });

      it('a period can only be extended (PeriodNotExtended)', () => {
        registered()
          .when(on('2025-03-01', extendPeriod(2026)))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'PeriodNotExtended', path: ['changes', 0, 'to'] }] });
      });

      it('a `was` that is not the period’s end is a WasMismatch', () => {
        registered()
          .when(on('2025-03-01', extendPeriod(2027, { was: 2025 })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'], details: { field: 'to', actual: 2026, claimed: 2025 } }] });
      });
    });

    describe('renameProgramme', () => {
      it('records the new title and the one it replaced, in force from its date', () => {
        const before = smallWording().title;
        const outcome = registered()
          .when(on('2025-03-01', renameProgramme('Програма на 2024-2027 роки', { was: before })))
          .then([amendmentHeader('2025-03-01', 1), { type: 'ProgrammeRenamed', data: { title: 'Програма на 2024-2027 роки', was: before, expectedWas: before } }]);
        expect(outcome.view()?.title).toBe('Програма на 2024-2027 роки');
        expect(outcome.view({ asOf: '2025-02-28' })?.title).toBe(before);
      });

      it('a retroactive rename under a later one whose `was` it would falsify is a TimelineConflict; revoking a rename brings the old title back', () => {
        const before = smallWording().title;
        const later = amendment({ id: 'a-june', effectiveFrom: '2025-06-01', changes: [renameProgramme('Програма (червень)', { was: before })] });
        given(programmeRegistered(), later)
          .when(on('2025-03-01', renameProgramme('Програма (березень)')))
          .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-june'], problems: [{ code: 'TimelineConflict', details: expect.objectContaining({ amendmentId: 'a-june', rule: 'WasMismatch' }) }] });
        const revoked = given(programmeRegistered(), later).when(revoke('a-june')).thenAccepted();
        expect(revoked.view()?.title).toBe(before);
      });
    });

    describe('addSection and addDirection', () => {
      it('a new section gets a direction (by the section’s number) and the direction a measure, in one amendment', () => {
        const outcome = registered()
          .when(on('2025-03-01', addSection('III', 'Залучення громади'), addDirection('III', '3', 'Розвиток активності'), addMeasure('3.1', { direction: '3' })))
          .thenAccepted();
        expect(outcome.events.slice(0, 3)).toStrictEqual([
          amendmentHeader('2025-03-01', 3),
          { type: 'SectionAdded', data: { sectionId: 's-III', number: 'III', title: 'Залучення громади' } },
          { type: 'DirectionAdded', data: { directionId: 'd-new-III-3', sectionId: 's-III', number: '3', title: 'Розвиток активності' } },
        ]);
        expect(sectionMeasures(outcome.view()!, 's-III').map((m) => m.number)).toEqual(['3.1']);
      });

      it('a section typed as documents write it — «quoted», its numeral with the Cyrillic І — is kept bare and Latin, and found so', () => {
        const outcome = registered()
          .when(on('2025-03-01', addSection('\u0406\u0406\u0406', '«Залучення громади»', 's-new'), addDirection('\u0406\u0406\u0406', '3', 'Розвиток активності', 'd-new')))
          .thenAccepted();
        expect(outcome.events.slice(1)).toStrictEqual([
          { type: 'SectionAdded', data: { sectionId: 's-new', number: 'III', title: 'Залучення громади' } },
          { type: 'DirectionAdded', data: { directionId: 'd-new', sectionId: 's-new', number: '3', title: 'Розвиток активності' } },
        ]);
      });

      it('a direction can name its section by id', () => {
        registered()
          .when(on('2025-03-01', addDirection('s-II', null, 'Ще один напрям', 'd-4')))
          .then([amendmentHeader('2025-03-01', 1), { type: 'DirectionAdded', data: { directionId: 'd-4', sectionId: 's-II', number: null, title: 'Ще один напрям' } }]);
      });

      it('a section number in use is SectionNumberTaken, a section id in use SectionIdTaken', () => {
        registered()
          .when(on('2025-03-01', addSection('II', 'Інший розділ', 's-other'), addSection('V', 'П’ятий', 's-I')))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'SectionNumberTaken', path: ['changes', 0, 'number'] },
              { code: 'SectionIdTaken', path: ['changes', 1, 'sectionId'] },
            ],
          });
      });

      it('a direction in a section that does not exist is SectionNotFound; an id in use DirectionIdTaken', () => {
        registered()
          .when(on('2025-03-01', addDirection('IV', '4', 'Матеріально-технічна база'), addDirection('I', '3', 'Дубль', 'd-1')))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'SectionNotFound', path: ['changes', 0, 'section'] },
              { code: 'DirectionIdTaken', path: ['changes', 1, 'directionId'] },
            ],
          });
      });
      it('a direction number the section already has is DirectionNumberTaken: a number names one direction within its section', () => {
        registered()
          .when(on('2025-03-01', addDirection('I', '2', 'Ще один другий напрям')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'DirectionNumberTaken', path: ['changes', 0, 'number'] }] });
      });
    });

    describe('a measure is referenced by its id or by its number as it stands at the effective date', () => {
      // 1.3 (id m-1.3) is renumbered 1.5 from 2025-01-01.
      const renumbered = () => given(programmeRegistered(), amendment({ effectiveFrom: '2025-01-01', changes: [renumber('1.3', '1.5')] }));
      const allocationSetOn = (effectiveFrom: string, year: number) => [
        amendmentHeader(effectiveFrom, 1),
        { type: 'AllocationSet' as const, data: { measureId: 'm-1.3', year, source: BUDGET, amount: amount('350.00'), was: amount('300.00'), existingSource: true as const } },
      ];

      it('"1.5" names it from 2025-01-01 on', () => {
        renumbered()
          .when(on('2025-06-01', setAllocation('1.5', 2025, '350.00')))
          .then(allocationSetOn('2025-06-01', 2025));
      });

      it('"1.3" does not name anything from 2025-01-01 on', () => {
        renumbered()
          .when(on('2025-06-01', setAllocation('1.3', 2025, '350.00')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNotFound', path: ['changes', 0, 'measure'] }] });
      });

      it('"1.3" names it before 2025-01-01 (also as documents write it, "1.3.")', () => {
        renumbered()
          .when(on('2024-06-01', setAllocation('1.3', 2024, '350.00')))
          .then(allocationSetOn('2024-06-01', 2024));
        renumbered()
          .when(on('2024-06-01', setAllocation('1.3.', 2024, '350.00')))
          .then(allocationSetOn('2024-06-01', 2024));
      });

      it('"1.5" does not name anything before 2025-01-01', () => {
        renumbered()
          .when(on('2024-06-01', setAllocation('1.5', 2024, '350.00')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNotFound', path: ['changes', 0, 'measure'] }] });
      });

      it('its id names it at every date', () => {
        renumbered()
          .when(on('2024-06-01', setAllocation('m-1.3', 2024, '350.00')))
          .then(allocationSetOn('2024-06-01', 2024));
        renumbered()
          .when(on('2025-06-01', setAllocation('m-1.3', 2025, '350.00')))
          .then(allocationSetOn('2025-06-01', 2025));
      });

      it('"1.3" is free again from 2025-01-01: a new measure may take it then, but not before', () => {
        renumbered()
          .when(on('2025-06-01', addMeasure('1.3', { measureId: 'm-new-1.3' })))
          .thenAccepted();
        renumbered()
          .when(on('2024-06-01', addMeasure('1.3', { measureId: 'm-new-1.3' })))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNumberTaken', path: ['changes', 0, 'number'], details: { measureId: 'm-1.3' } }] });
      });
    });

    describe('the amendment itself', () => {
      it('the same decision’s changes entered again from the same date are AmendmentRepeated, naming the first', () => {
        given(programmeRegistered(), amendment({ id: 'first', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00'), reword('1.3', 'Семінари')] }))
          .when(amendment({ id: 'again', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350'), reword('1.3', 'Семінари')] }))
          .thenFails('AmendmentRepeated', { kind: 'conflict', problems: [{ code: 'AmendmentRepeated', path: ['changes'], details: { amendmentId: 'first' } }] });
      });

      it('a repeat is AmendmentRepeated even where it no longer reads: its `was` moved by the first, its measure renumbered by it', () => {
        const first = amendment({ id: 'first', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00', { was: '300.00' }), reword('1.3', 'Семінари')] });
        given(programmeRegistered(), first)
          .when(amendment({ id: 'again', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00', { was: '300.00' }), reword('1.3', 'Семінари')] }))
          .thenFails('AmendmentRepeated', { kind: 'conflict', problems: [{ code: 'AmendmentRepeated', path: ['changes'], details: { amendmentId: 'first' } }] });
        const renumbering = amendment({ id: 'renumbering', effectiveFrom: '2025-03-01', changes: [renumber('1.3', '1.4'), reword('1.4', 'Семінари')] });
        given(programmeRegistered(), renumbering)
          .when(amendment({ id: 'again', effectiveFrom: '2025-03-01', changes: [renumber('1.3', '1.4'), reword('1.4', 'Семінари')] }))
          .thenFails('AmendmentRepeated', { kind: 'conflict', problems: [{ code: 'AmendmentRepeated', path: ['changes'], details: { amendmentId: 'renumbering' } }] });
      });

      it('a repeat with a value of its own is no repeat: it is checked where it goes (its stale `was` refused)', () => {
        const first = amendment({ id: 'first', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00', { was: '300.00' })] });
        given(programmeRegistered(), first)
          .when(amendment({ id: 'other', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '360.00', { was: '300.00' })] }))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'WasMismatch', path: ['changes', 0, 'was'] }] });
      });

      it('two values for one cell, title, term or the period in one amendment are ChangeRepeated at the second, naming the first; a number may be set twice (a swap)', () => {
        registered()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '310.00'), reword('1.2', 'Нова назва'), setAllocation('m-1.3', 2025, '320.00')))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'ChangeRepeated', path: ['changes', 2], details: { change: 0 } }] });
        registered()
          .when(on('2025-03-01', reword('1.2', 'А'), reword('1.2', 'Б'), extendPeriod(2027), extendPeriod(2028), changeTerm('2.2', 2024, 2025), changeTerm('2.2', 2025, 2025)))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'ChangeRepeated', path: ['changes', 1], details: { change: 0 } },
              { code: 'ChangeRepeated', path: ['changes', 3], details: { change: 2 } },
              { code: 'ChangeRepeated', path: ['changes', 5], details: { change: 4 } },
            ],
          });
        registered()
          .when(on('2025-03-01', { op: 'renameProgramme', title: 'Програма на 2024-2027 роки' }, { op: 'renameProgramme', title: 'Програма на 2024-2028 роки' }))
          .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'ChangeRepeated', path: ['changes', 1], details: { change: 0 } }] });
        registered()
          .when(on('2025-03-01', renumber('1.2', '1.9'), renumber('1.3', '1.2'), renumber('m-1.2', '1.3'), setAllocation('1.3', 2025, '10.00'), setAllocation('1.2', 2025, '20.00')))
          .thenAccepted();
      });

      it('the same changes from another date, by another decision, or after the first was revoked are amendments of their own', () => {
        const first = amendment({ id: 'first', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] });
        const same = { id: 'again', changes: [setAllocation('1.3', 2025, '350.00')] };
        given(programmeRegistered(), first).when(amendment({ ...same, effectiveFrom: '2025-04-01', decision: { id: 'd@2025-03-01', effectiveFrom: '2025-03-01' } })).thenAccepted();
        given(programmeRegistered(), first).when(amendment({ ...same, effectiveFrom: '2025-03-01', decision: { id: 'another', effectiveFrom: '2025-03-01' } })).thenAccepted();
        given(programmeRegistered(), first, revoke('first')).when(amendment({ ...same, effectiveFrom: '2025-03-01' })).thenAccepted();
      });

      it('a change that repeats the value on its date is still recorded: an amendment entered later with an earlier date can make it a change again', () => {
        // B resets 1.3/2025 to the 300.00 it has from June; A, entered after it, sets 400.00 from March
        const outcome = given(programmeRegistered(), amendment({ id: 'b', effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2025, '300.00')] }))
          .when(amendment({ id: 'a', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '400.00')] }))
          .thenAccepted();
        // then June is back at 300.00, as B's decision said, whichever was entered first
        expect(cell(outcome.view({ asOf: '2025-05-31' }), '1.3', 2025)).toEqual(amount('400.00'));
        expect(cell(outcome.view({ asOf: '2025-06-01' }), '1.3', 2025)).toEqual(amount('300.00'));
      });

      it('an unregistered programme is ProgrammeNotFound', () => {
        given()
          .when(on('2025-03-01', setAllocation('1.3', 2025, '350.00')))
          .thenFails('ProgrammeNotFound', { kind: 'not-found' });
      });

      it('nothing takes effect before the programme does (EffectiveBeforeProgramme); on its first day it may', () => {
        registered()
          .when(on('2024-01-14', setAllocation('1.3', 2024, '350.00')))
          .thenFails('EffectiveBeforeProgramme', { kind: 'conflict', problems: [{ code: 'EffectiveBeforeProgramme', path: ['effectiveFrom'] }] });
        registered()
          .when(on(APPROVAL.effectiveFrom, setAllocation('1.3', 2024, '350.00')))
          .thenAccepted();
      });

      it('nothing takes effect before its decision does (EffectiveBeforeDecision, an act of 2026 typed as amending from 2024); from that day, or later, it may', () => {
        const decision = { id: 'd-2025-03-20', effectiveFrom: '2025-03-20' };
        registered()
          .when(amendment({ decision, effectiveFrom: '2024-06-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
          .thenFails('EffectiveBeforeDecision', { kind: 'conflict', problems: [{ code: 'EffectiveBeforeDecision', path: ['effectiveFrom'] }] });
        registered()
          .when(amendment({ decision, effectiveFrom: '2025-03-19', changes: [setAllocation('1.3', 2025, '350.00')] }))
          .thenFails('EffectiveBeforeDecision', { kind: 'conflict' });
        registered()
          .when(amendment({ decision, effectiveFrom: '2025-03-20', changes: [setAllocation('1.3', 2025, '350.00')] }))
          .thenAccepted();
        registered()
          .when(amendment({ decision, effectiveFrom: '2025-07-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
          .thenAccepted();
      });

      it('nothing takes effect after the period’s last year (EffectiveAfterPeriod, a date typed 2205 for 2025), unless the amendment extends the period to it', () => {
        registered()
          .when(on('2027-01-01', setAllocation('1.3', 2026, '350.00')))
          .thenFails('EffectiveAfterPeriod', { kind: 'conflict', problems: [{ code: 'EffectiveAfterPeriod', path: ['effectiveFrom'] }] });
        registered()
          .when(on('2026-12-31', setAllocation('1.3', 2026, '350.00')))
          .thenAccepted();
        registered()
          .when(on('2027-01-01', extendPeriod(2027)))
          .thenAccepted();
      });

      it('revoking the extension of the period that later amendments are dated in is a TimelineConflict naming them (EffectiveAfterPeriod)', () => {
        given(
          programmeRegistered(),
          amendment({ id: 'a-extend', effectiveFrom: '2026-06-01', changes: [extendPeriod(2027)] }),
          amendment({ id: 'a-2027', effectiveFrom: '2027-03-01', changes: [reword('1.1', 'Нова назва')] }),
        )
          .when(revoke('a-extend'))
          .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-2027'], problems: [{ code: 'TimelineConflict', details: expect.objectContaining({ amendmentId: 'a-2027', rule: 'EffectiveAfterPeriod' }) }] });
      });

      it('effectiveFrom defaults to the decision’s; a note is kept', () => {
        registered()
          .when(amendment({ decision: { id: 'd-1990', effectiveFrom: '2025-05-14' }, note: 'зміни до 1.3', changes: [setAllocation('1.3', 2025, '350.00')] }))
          .then([
            amendmentHeader('2025-05-14', 1, { decisionId: 'd-1990', note: 'зміни до 1.3' }),
            { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: BUDGET, amount: amount('350.00'), was: amount('300.00'), existingSource: true } },
          ]);
      });

      it('an explicit effectiveFrom wins over the decision’s', () => {
        const outcome = registered()
          .when(amendment({ id: 'a-x', decision: { id: 'd-1990', effectiveFrom: '2025-05-14' }, effectiveFrom: '2025-07-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
          .thenAccepted();
        expect(outcome.events[0]).toStrictEqual(amendmentHeader('2025-07-01', 1, { id: 'a-x', decisionId: 'd-1990' }));
      });

      it('an amendment id is used once (AmendmentAlreadyRegistered)', () => {
        given(programmeRegistered(), on('2025-03-01', setAllocation('1.3', 2025, '350.00')))
          .when(amendment({ id: 'a@2025-03-01', effectiveFrom: '2025-04-01', changes: [setAllocation('1.3', 2025, '360.00')] }))
          .thenFails('AmendmentAlreadyRegistered', { kind: 'conflict' });
      });

      it('each change sees the ones before it in the same amendment', () => {
        registered()
          .when(on('2025-03-01', renumber('1.3', '1.5'), reword('1.5', 'Нова назва', { was: 'Семінари та конференції' }), addMeasure('1.6'), setAllocation('1.6', 2026, '25.00', { was: '20.00' })))
          .then([
            amendmentHeader('2025-03-01', 4),
            { type: 'MeasureRenumbered', data: { measureId: 'm-1.3', number: '1.5', was: '1.3' } },
            { type: 'MeasureReworded', data: { measureId: 'm-1.3', title: 'Нова назва', was: 'Семінари та конференції', expectedWas: 'Семінари та конференції' } },
            {
              type: 'MeasureAdded',
              data: {
                measureId: 'm-1.6',
                directionId: 'd-2',
                number: '1.6',
                title: 'Новий захід 1.6',
                term: { from: 2025, to: 2026 },
                executorIds: ['exec-committee'],
                funding: [fundingLine(BUDGET, { 2025: '10.00', 2026: '20.00' })],
                expectedResults: ['Досягнуто результату'],
              },
            },
            { type: 'AllocationSet', data: { measureId: 'm-1.6', year: 2026, source: BUDGET, amount: amount('25.00'), was: amount('20.00'), expectedWas: amount('20.00'), existingSource: true } },
          ]);
      });

      it('a change after a removal in the same amendment does not find the measure, and is told so', () => {
        registered()
          .when(on('2025-03-01', removeMeasure('1.3'), setAllocation('1.3', 2025, '350.00')))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [{ code: 'MeasureNotFound', path: ['changes', 1, 'measure'], message: 'no measure "1.3" in the programme on 2025-03-01: change 0 of this amendment removes it' }],
          });
      });

      it('a measure named by a number it no longer has is told what became of it: renumbered (on through a second renumbering), removed, or added only later', () => {
        const renumbered = amendment({ id: 'renumbered', effectiveFrom: '2025-01-01', changes: [renumber('1.3', '1.4')] });
        const again = amendment({ id: 'again', effectiveFrom: '2025-02-01', changes: [renumber('1.4', '1.5')] });
        const message = (outcome: { problems: readonly { message: string }[] }) => outcome.problems.map((p) => p.message);
        expect(message(given(programmeRegistered(), renumbered, again).when(on('2025-03-01', setAllocation('1.3', 2025, '350.00'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure "1.3" in the programme on 2025-03-01: it is numbered 1.5 from 2025-02-01',
        ]);
        expect(message(registered().when(on('2025-03-01', renumber('1.3', '1.4'), reword('1.3', 'Семінари'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure "1.3" in the programme on 2025-03-01: change 0 of this amendment renumbers it 1.4; the changes after it name it so, or by its id',
        ]);
        const removed = amendment({ id: 'removed', effectiveFrom: '2025-01-01', changes: [removeMeasure('1.3')] });
        expect(message(given(programmeRegistered(), removed).when(on('2025-03-01', reword('1.3', 'Семінари'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure "1.3" in the programme on 2025-03-01: measure 1.3 was removed from 2025-01-01',
        ]);
        const added = amendment({ id: 'added', effectiveFrom: '2025-06-01', changes: [addMeasure('1.4')] });
        expect(message(given(programmeRegistered(), added).when(on('2025-03-01', reword('1.4', 'Семінари'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure "1.4" in the programme on 2025-03-01: it is added only from 2025-06-01',
        ]);
        expect(message(registered().when(on('2025-03-01', reword('9.9', 'Семінари'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual(['no measure "9.9" in the programme on 2025-03-01']);
        // a number written as documents write it ("1.3.") is followed as the number it is
        expect(message(given(programmeRegistered(), renumbered).when(on('2025-03-01', setAllocation('1.3.', 2025, '350.00'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure "1.3." in the programme on 2025-03-01: it is numbered 1.4 from 2025-01-01',
        ]);
        expect(message(registered().when(on('2025-03-01', removeMeasure('1.3.'), reword(' 1.3', 'Семінари'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure " 1.3" in the programme on 2025-03-01: change 0 of this amendment removes it',
        ]);
        // an earlier change that was itself refused removed nothing, and is not blamed
        expect(message(registered().when(on('2025-03-01', removeMeasure('9.9'), reword('9.9', 'Семінари'))).thenFails('InvalidChanges', { kind: 'conflict' }))).toEqual([
          'no measure "9.9" in the programme on 2025-03-01',
          'no measure "9.9" in the programme on 2025-03-01',
        ]);
      });

      it('lists every problem, each with the path of its change, and nothing of the valid changes between them', () => {
        registered()
          .when(on('2025-03-01', setAllocation('2.1', 2026, '10.00'), setAllocation('1.1', 2025, '80.00'), renumber('1.3', '1.2')))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'YearOutsideTerm', path: ['changes', 0, 'year'] },
              { code: 'MeasureNumberTaken', path: ['changes', 2, 'number'] },
            ],
          });
      });

      it('one change can have several problems, each listed', () => {
        registered()
          .when(on('2025-03-01', changeTerm('1.1', 2025, 2027, { was: { from: 2025, to: 2026 } })))
          .thenFails('InvalidChanges', {
            kind: 'conflict',
            problems: [
              { code: 'WasMismatch', path: ['changes', 0, 'was'] },
              { code: 'TermOutsidePeriod', path: ['changes', 0, 'term'] },
              { code: 'AllocationOutsideTerm', path: ['changes', 0, 'term'] },
            ],
          });
      });
    });
  });

  // ─── The timeline invariant ───────────────────────────────────────────────────────────────────────────────────

  describe('the timeline invariant: an amendment is accepted only if every later change still holds', () => {
    it('a retroactive amendment that keeps the timeline valid is accepted and lands in effective order', () => {
      const outcome = given(programmeRegistered(), amendment({ effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2026, '400.00')] }))
        .when(amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
        .then([
          amendmentHeader('2025-03-01', 1),
          { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: BUDGET, amount: amount('350.00'), was: amount('300.00'), existingSource: true } },
        ]);
      expect(outcome.history.inForce()).toEqual([INITIAL_AMENDMENT, 'a@2025-03-01', 'a@2025-06-01']);
      const cells = (asOf: string) => [cell(outcome.view({ asOf }), '1.3', 2025), cell(outcome.view({ asOf }), '1.3', 2026)];
      expect(cells('2025-02-28')).toEqual([amount('300.00'), amount('300.00')]);
      expect(cells('2025-03-01')).toEqual([amount('350.00'), amount('300.00')]);
      expect(cells('2025-06-01')).toEqual([amount('350.00'), amount('400.00')]);
    });

    it('a retroactive change decides against the programme as it stood then, not as it stands now', () => {
      // From 2025-06-01 1.3 gets 400.00 for 2025; an amendment effective 2025-03-01 replaces the 300.00 of then.
      given(programmeRegistered(), amendment({ effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2025, '400.00')] }))
        .when(amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2024, '320.00', { was: '300.00' })] }))
        .then([
          amendmentHeader('2025-03-01', 1),
          { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2024, source: BUDGET, amount: amount('320.00'), was: amount('300.00'), expectedWas: amount('300.00'), existingSource: true } },
        ]);
    });

    it('renaming a funding source before a later allocation on it is a TimelineConflict naming that amendment, not a second line', () => {
      // 1.3 gets 301.00 for 2025 from its budget from 2025-06-01; a rename of that budget is then entered as of 2025-01-01
      given(programmeRegistered(), amendment({ id: 'a-june', effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2025, '301.00')] }))
        .when(amendment({ effectiveFrom: '2025-01-01', changes: [changeFundingSource('1.3', 'Інші джерела')] }))
        .thenFails('TimelineConflict', {
          kind: 'conflict',
          conflictingAmendments: ['a-june'],
          problems: [{ code: 'TimelineConflict', details: { amendmentId: 'a-june', rule: 'FundingSourceNotFound' } }],
        });
    });

    it('a source spelt another way by a retroactive amendment is the same line in every order of recording', () => {
      // 1.3 is co-funded from a regional budget from 2025-03-20; an amendment entered later, effective 2025-01-10, spells it in lower case
      const regionalLower = REGIONAL.toLocaleLowerCase('uk');
      const outcome = given(programmeRegistered(), amendment({ effectiveFrom: '2025-03-20', changes: [setAllocation('1.3', 2025, '33.33', { source: REGIONAL })] }))
        .when(amendment({ effectiveFrom: '2025-01-10', changes: [setAllocation('1.3', 2025, '10.00', { source: regionalLower })] }))
        .then([amendmentHeader('2025-01-10', 1), { type: 'AllocationSet', data: { measureId: 'm-1.3', year: 2025, source: regionalLower, amount: amount('10.00'), was: null } }]);
      // then as of the later date the measure has one regional line, with the later amount, as if recorded in effective order
      const lines = measureIn(outcome.view({ asOf: '2025-03-20' }), '1.3')?.funding.map((line) => [line.source, line.allocations['2025']]);
      expect(lines).toEqual([
        [BUDGET, amount('300.00')],
        [regionalLower, amount('33.33')],
      ]);
    });

    it('removing a measure before a later allocation on it is a TimelineConflict naming that amendment', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-1990', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }),
        amendment({ id: 'a-other', effectiveFrom: '2025-06-01', changes: [setAllocation('1.1', 2025, '80.00')] }),
      )
        .when(amendment({ effectiveFrom: '2024-12-01', changes: [removeMeasure('1.3')] }))
        .thenFails('TimelineConflict', {
          kind: 'conflict',
          conflictingAmendments: ['a-1990'],
          problems: [{ code: 'TimelineConflict', details: { amendmentId: 'a-1990', decisionId: 'd@2025-05-14', effectiveFrom: '2025-05-14', rule: 'MeasureNotFound' } }],
        });
    });

    it('points each broken amendment at the change of the request that breaks it', () => {
      // 1.3 gets an amount from 2025-05-14, 1.1 a new title from 2025-06-01; a request entered as of 2024-12-01 rewords 1.2, removes 1.1, then 1.3
      given(
        programmeRegistered(),
        amendment({ id: 'a-may', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }),
        amendment({ id: 'a-june', effectiveFrom: '2025-06-01', changes: [reword('1.1', 'Нова назва')] }),
      )
        .when(amendment({ effectiveFrom: '2024-12-01', changes: [reword('1.2', 'Інша назва'), removeMeasure('1.1'), removeMeasure('1.3')] }))
        .thenFails('TimelineConflict', {
          kind: 'conflict',
          conflictingAmendments: ['a-may', 'a-june'],
          problems: [
            { code: 'TimelineConflict', path: ['changes', 2], details: expect.objectContaining({ amendmentId: 'a-may' }) },
            { code: 'TimelineConflict', path: ['changes', 1], details: expect.objectContaining({ amendmentId: 'a-june' }) },
          ],
        });
    });

    it('names a later amendment once for a problem its changes share: two changes to a measure removed before them are one MeasureNotFound', () => {
      given(programmeRegistered(), amendment({ id: 'a-later', effectiveFrom: '2025-10-01', changes: [changeTerm('1.2', 2024, 2026), reword('1.2', 'Нова назва')] }))
        .when(amendment({ effectiveFrom: '2025-09-02', changes: [removeMeasure('1.2')] }))
        .thenFails('TimelineConflict', {
          kind: 'conflict',
          conflictingAmendments: ['a-later'],
          problems: [{ code: 'TimelineConflict', path: ['changes', 0], details: expect.objectContaining({ amendmentId: 'a-later', rule: 'MeasureNotFound' }) }],
        });
    });

    it('names every later amendment that would break, in effective order', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-late', effectiveFrom: '2025-09-01', changes: [reword('1.3', 'Нова назва')] }),
        amendment({ id: 'a-early', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }),
        amendment({ id: 'a-unrelated', effectiveFrom: '2025-06-01', changes: [setAllocation('1.1', 2025, '80.00')] }),
      )
        .when(amendment({ effectiveFrom: '2024-12-01', changes: [removeMeasure('1.3')] }))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-early', 'a-late'] });
    });

    it('a retroactive change that breaks a later change’s `was` claim is a TimelineConflict', () => {
      given(programmeRegistered(), amendment({ id: 'a-later', effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2025, '400.00', { was: '300.00' })] }))
        .when(amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
        .thenFails('TimelineConflict', {
          kind: 'conflict',
          conflictingAmendments: ['a-later'],
          // with what the later `was` named and what it would now meet
          problems: [{ code: 'TimelineConflict', details: { amendmentId: 'a-later', rule: 'WasMismatch', field: 'amount', actual: '350.00', claimed: '300.00' } }],
        });
    });

    it('…but a later change that claimed nothing still holds', () => {
      given(programmeRegistered(), amendment({ id: 'a-later', effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2025, '400.00')] }))
        .when(amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
        .thenAccepted();
    });

    it('shrinking a term before a later allocation in the cut-off year is a TimelineConflict', () => {
      given(programmeRegistered(), amendment({ id: 'a-2026', effectiveFrom: '2025-06-01', changes: [setAllocation('2.2', 2026, '40.00')] }))
        .when(amendment({ effectiveFrom: '2025-03-01', changes: [changeTerm('2.2', 2024, 2025)] }))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-2026'], problems: [{ code: 'TimelineConflict', details: { rule: 'YearOutsideTerm' } }] });
    });

    it('taking a number before a later renumbering to it is a TimelineConflict', () => {
      const refused = given(programmeRegistered(), amendment({ id: 'a-renumber', effectiveFrom: '2025-01-01', changes: [renumber('1.3', '1.5')] }))
        .when(amendment({ effectiveFrom: '2024-06-01', changes: [addMeasure('1.5', { term: { from: 2024, to: 2026 } })] }))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-renumber'], problems: [{ code: 'TimelineConflict', details: { rule: 'MeasureNumberTaken' } }] });
      // the rule's own details (the new measure's id, which was never stored) are not the conflict's
      expect(refused.problems[0].details).toEqual({ amendmentId: 'a-renumber', decisionId: expect.any(String), effectiveFrom: '2025-01-01', rule: 'MeasureNumberTaken' });
    });

    it('an amendment on the same date as one recorded earlier folds after it: it sees that amendment’s changes', () => {
      given(programmeRegistered(), amendment({ id: 'a-removal', effectiveFrom: '2025-03-01', changes: [removeMeasure('1.3')] }))
        .when(amendment({ id: 'a-same-day', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }))
        .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'MeasureNotFound', path: ['changes', 0, 'measure'] }] });
    });

    it('a revoked amendment no longer holds anything up', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-1990', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }),
        revoke('a-1990'),
      )
        .when(amendment({ effectiveFrom: '2024-12-01', changes: [removeMeasure('1.3')] }))
        .thenAccepted();
    });
  });

  // ─── RevokeAmendment ──────────────────────────────────────────────────────────────────────────────────────────

  describe('RevokeAmendment', () => {
    const withAllocation = () => given(programmeRegistered(), amendment({ id: 'a-1990', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }));

    it('revokes an amendment: its changes leave the views known from then on', () => {
      const outcome = withAllocation()
        .when(revoke('a-1990', 'не та сесія'))
        .then([{ type: 'AmendmentRevoked', data: { amendmentId: 'a-1990', reason: 'не та сесія' } }]);
      expect(cell(outcome.view(), '1.3', 2025)).toBe(amount('300.00'));
    });

    it('an amendment the programme does not have is AmendmentNotFound', () => {
      withAllocation().when(revoke('a-nope')).thenFails('AmendmentNotFound', { kind: 'not-found' });
    });

    it('an amendment is revoked once (AmendmentAlreadyRevoked)', () => {
      given(programmeRegistered(), amendment({ id: 'a-1990', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }), revoke('a-1990'))
        .when(revoke('a-1990'))
        .thenFails('AmendmentAlreadyRevoked', { kind: 'conflict' });
    });

    it('the approving wording cannot be revoked (InitialWordingNotRevocable)', () => {
      withAllocation().when(revoke(INITIAL_AMENDMENT)).thenFails('InitialWordingNotRevocable', { kind: 'conflict' });
    });

    it('an unregistered programme is ProgrammeNotFound', () => {
      given().when(revoke('a-1990')).thenFails('ProgrammeNotFound', { kind: 'not-found' });
    });

    it('revoking an addMeasure a later amendment builds on is a TimelineConflict naming it', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-add', effectiveFrom: '2025-03-01', changes: [addMeasure('1.4')] }),
        amendment({ id: 'a-fund', effectiveFrom: '2025-06-01', changes: [setAllocation('1.4', 2026, '30.00')] }),
        amendment({ id: 'a-unrelated', effectiveFrom: '2025-07-01', changes: [setAllocation('1.1', 2026, '30.00')] }),
      )
        .when(revoke('a-add'))
        .thenFails('TimelineConflict', {
          kind: 'conflict',
          conflictingAmendments: ['a-fund'],
          // the measure named by the number its decision used, as the events know it only by id
          problems: [
            {
              code: 'TimelineConflict',
              message: 'amendment a-fund (decision d@2025-06-01, effective 2025-06-01): measure 1.4 is not in the programme at this date',
              details: { amendmentId: 'a-fund', effectiveFrom: '2025-06-01', rule: 'MeasureNotFound', measureId: 'm-1.4' },
            },
          ],
        });
    });

    it('once the later amendment is revoked, the one it built on can be', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-add', effectiveFrom: '2025-03-01', changes: [addMeasure('1.4')] }),
        amendment({ id: 'a-fund', effectiveFrom: '2025-06-01', changes: [setAllocation('1.4', 2026, '30.00')] }),
        revoke('a-fund'),
      )
        .when(revoke('a-add'))
        .then([{ type: 'AmendmentRevoked', data: { amendmentId: 'a-add', reason: 'entered by mistake' } }]);
    });

    it('revoking a change a later `was` claim relied on is a TimelineConflict', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-350', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }),
        amendment({ id: 'a-400', effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2025, '400.00', { was: '350.00' })] }),
      )
        .when(revoke('a-350'))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-400'], problems: [{ code: 'TimelineConflict', details: { rule: 'WasMismatch' } }] });
    });

    it('revoking a removal whose number a later measure took is a TimelineConflict', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-remove', effectiveFrom: '2025-03-01', changes: [removeMeasure('1.3')] }),
        amendment({ id: 'a-reuse', effectiveFrom: '2025-06-01', changes: [addMeasure('1.3', { measureId: 'm-new-1.3' })] }),
      )
        .when(revoke('a-remove'))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-reuse'], problems: [{ code: 'TimelineConflict', details: { rule: 'MeasureNumberTaken' } }] });
    });

    it('a later amendment on the same date, recorded later, also counts as later', () => {
      given(
        programmeRegistered(),
        amendment({ id: 'a-add', effectiveFrom: '2025-03-01', changes: [addMeasure('1.4')] }),
        amendment({ id: 'a-same-day', effectiveFrom: '2025-03-01', changes: [reword('1.4', 'Уточнена назва')] }),
      )
        .when(revoke('a-add'))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-same-day'] });
    });
  });

  // ─── The real annex ───────────────────────────────────────────────────────────────────────────────────────────

  describe('the Korosten self-government programme 2024–2026, as the annex reads', () => {
    const korosten = korostenAnnex();
    const registered = () => given(korosten.registered());

    it('registers with 4 sections, 4 directions and 21 measures, totals as the annex states them', () => {
      const outcome = given().when(korosten.registered()).thenAccepted();
      expect(outcome.events[0]).toStrictEqual({
        type: 'AmendmentRegistered',
        data: {
          amendmentId: KOROSTEN_INITIAL,
          programmeId: KOROSTEN_ID,
          decisionId: korosten.decision.id,
          effectiveFrom: '2024-02-22',
          note: null,
          initial: true,
          changeCount: 1 + 4 + 4 + 21,
        },
      });
      const view = outcome.view()!;
      expect(view.period).toEqual({ from: 2024, to: 2026 });
      const totals = programmeTotals(view);
      expect(Object.fromEntries(Object.entries(totals.byYear).map(([y, a]) => [y, formatAmount(a)]))).toEqual({ '2024': '3887.30', '2025': '3647.30', '2026': '3647.30' });
      expect(formatAmount(totals.overall)).toBe('11181.90');
      const sectionI = view.sections.find((s) => s.number === 'I')!;
      expect(formatAmount(totalsOf(sectionMeasures(view, sectionI.id), view.period).overall)).toBe('1725.00');
    });

    it('1.3 gets 350.00 for 2025 instead of 300.00', () => {
      registered()
        .when(korosten.amendment({ id: 'a-1990', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00', { was: '300.00' })] }))
        .then([
          amendmentHeader('2025-05-14', 1, { id: 'a-1990', programmeId: KOROSTEN_ID }),
          {
            type: 'AllocationSet',
            data: {
              measureId: korosten.measureId('1.3'),
              year: 2025,
              source: 'Бюджет Коростенської міської територіальної громади',
              amount: amount('350.00'),
              was: amount('300.00'),
              expectedWas: amount('300.00'),
              existingSource: true,
            },
          },
        ]);
    });

    it('removing 1.3 from 2024-12-01 conflicts with the allocation of 14.05.2025', () => {
      given(korosten.registered(), korosten.amendment({ id: 'a-1990', effectiveFrom: '2025-05-14', changes: [setAllocation('1.3', 2025, '350.00')] }))
        .when(korosten.amendment({ effectiveFrom: '2024-12-01', changes: [removeMeasure('1.3')] }))
        .thenFails('TimelineConflict', { kind: 'conflict', conflictingAmendments: ['a-1990'], problems: [{ code: 'TimelineConflict', message: expect.stringMatching(/: measure 1\.3 is not in the programme at this date$/) }] });
    });

    it('2.7 has no money ("---"): `was: null` holds, `was: "0.00"` does not', () => {
      registered()
        .when(korosten.amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('2.7', 2025, '10.00', { was: null })] }))
        .thenAccepted();
      registered()
        .when(korosten.amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('2.7', 2025, '10.00', { was: '0.00' })] }))
        .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'WasMismatch', details: { actual: null, claimed: '0.00' } }] });
    });

    it('a new 2.11 joins section II’s direction, which has no number of its own', () => {
      const outcome = registered()
        .when(korosten.amendment({ effectiveFrom: '2025-03-01', changes: [addMeasure('2.11', { executors: [] })] }))
        .thenAccepted();
      const view = outcome.view()!;
      expect(measureIn(view, '2.11')?.directionId).toBe(measureIn(view, '2.10')?.directionId);
    });

    it('an executor written with other capitals and spacing is the one already assigned to 2.3', () => {
      const sameUnit = executorIdOf('  ВІДДІЛ   інформаційно-консультативного\u00a0забезпечення ');
      expect(korosten.directory[sameUnit]).toBe('active');
      registered()
        .when(korosten.amendment({ effectiveFrom: '2025-03-01', changes: [assignExecutor('2.3', sameUnit)] }))
        .thenFails('InvalidChanges', { kind: 'conflict', problems: [{ code: 'ExecutorAlreadyAssigned', path: ['changes', 0, 'executor'] }] });
      registered()
        .when(korosten.amendment({ effectiveFrom: '2025-03-01', changes: [assignExecutor('2.1', sameUnit)] }))
        .then([
          amendmentHeader('2025-03-01', 1, { programmeId: KOROSTEN_ID }),
          { type: 'ExecutorAssigned', data: { measureId: korosten.measureId('2.1'), executorId: 'executor:відділ інформаційно-консультативного забезпечення' } },
        ]);
    });

    it('an amendment before the approving decision of 22.02.2024 is EffectiveBeforeProgramme', () => {
      registered()
        .when(korosten.amendment({ effectiveFrom: '2024-02-21', changes: [setAllocation('1.1', 2024, '80.00')] }))
        .thenFails('EffectiveBeforeProgramme', { kind: 'conflict' });
    });
  });
});
