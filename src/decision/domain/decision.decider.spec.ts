import { deciderSpec } from '../../../test/support/decider-spec';
import fc from 'fast-check';
import { citation, type Decision, type DecisionCommand, type DecisionEvent, decide, decisionNumber, decisionStream, evolve, initialDecision } from './decision.decider';

const given = deciderSpec({ decide, evolve, initial: initialDecision });

const details = {
  council: 'Коростенська міська рада',
  convocation: 'VIII',
  session: 31,
  number: null,
  adoptedOn: '2024-02-22',
  title: 'Про затвердження Програми розвитку місцевого самоврядування',
} as const;

/** The date the commands are decided on: a day after the session of the example. */
const TODAY = '2024-02-23';

const register = (overrides: Partial<Extract<DecisionCommand, { type: 'RegisterDecision' }>['data']> = {}, today = TODAY): DecisionCommand => ({
  type: 'RegisterDecision',
  today,
  data: { decisionId: 'd-31', ...details, ...overrides },
});

const registered: DecisionEvent = { type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, effectiveFrom: '2024-02-22' } };

const correct = (corrections: Extract<DecisionCommand, { type: 'CorrectDecisionDetails' }>['data']['corrections'], today = TODAY): DecisionCommand => ({
  type: 'CorrectDecisionDetails',
  today,
  data: { decisionId: 'd-31', corrections },
});

describe('decision decider', () => {
  describe('RegisterDecision', () => {
    it('registers the decision, effective from its adoption when no date is given', () => {
      const state = given().when(register()).then([registered]);
      expect(state).toEqual({ status: 'registered', id: 'd-31', ...details, effectiveFrom: '2024-02-22' });
    });

    it('keeps an effective date of its own', () => {
      given()
        .when(register({ effectiveFrom: '2024-03-01' }))
        .then([{ type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, effectiveFrom: '2024-03-01' } }]);
    });

    it('keeps the number as the council writes it', () => {
      given()
        .when(register({ number: '4157-55/2025' }))
        .then([{ type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, number: '4157-55/2025', effectiveFrom: '2024-02-22' } }]);
    });

    it('a decision adopted on the day it is registered is accepted; one adopted after that is AdoptedInFuture, whatever its effective date', () => {
      given().when(register({}, '2024-02-22')).then([registered]);
      const refused = given().when(register({ adoptedOn: '2024-02-24' })).thenFails('AdoptedInFuture', 'invalid');
      expect(refused.problems).toEqual([expect.objectContaining({ path: ['adoptedOn'] })]);
      given()
        .when(register({ effectiveFrom: '2025-01-01' }))
        .then([{ type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, effectiveFrom: '2025-01-01' } }]);
    });

    it('a decision adopted before 1991 is AdoptedTooEarly, registered or corrected; 1 January 1991 is accepted', () => {
      given().when(register({ adoptedOn: '0025-02-22' })).thenFails('AdoptedTooEarly', 'invalid');
      given(registered).when(correct({ adoptedOn: '1990-12-31' })).thenFails('AdoptedTooEarly', 'invalid');
      given()
        .when(register({ adoptedOn: '1991-01-01' }))
        .then([{ type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, adoptedOn: '1991-01-01', effectiveFrom: '1991-01-01' } }]);
    });

    it('an effective date before 1991 is EffectiveTooEarly, registered or corrected; one years ahead is the council’s to set', () => {
      given().when(register({ effectiveFrom: '1980-01-01' })).thenFails('EffectiveTooEarly', 'invalid');
      given(registered).when(correct({ effectiveFrom: '1990-12-31' })).thenFails('EffectiveTooEarly', 'invalid');
      given()
        .when(register({ effectiveFrom: '2030-01-01' }))
        .then([{ type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, effectiveFrom: '2030-01-01' } }]);
    });

    it('a convocation that is no Roman numeral as written is InvalidConvocation, registered or corrected', () => {
      given().when(register({ convocation: 'IIII' })).thenFails('InvalidConvocation', 'invalid');
      given(registered).when(correct({ convocation: 'VX' })).thenFails('InvalidConvocation', 'invalid');
      given()
        .when(register({ convocation: 'IX' }))
        .then([{ type: 'DecisionRegistered', data: { decisionId: 'd-31', ...details, convocation: 'IX', effectiveFrom: '2024-02-22' } }]);
    });

    it('details wrong in several fields are told all at once, each at its field, registered or corrected', () => {
      const wrong = { adoptedOn: '2030-01-01', effectiveFrom: '1980-01-01', convocation: 'IIII' };
      for (const refused of [given().when(register(wrong)).thenFails('InvalidRequest', 'invalid'), given(registered).when(correct(wrong)).thenFails('InvalidRequest', 'invalid')]) {
        expect(refused.problems.map((p) => [p.code, p.path])).toEqual([
          ['AdoptedInFuture', ['adoptedOn']],
          ['EffectiveTooEarly', ['effectiveFrom']],
          ['InvalidConvocation', ['convocation']],
        ]);
      }
    });

    it('a decision is registered once (DecisionAlreadyRegistered)', () => {
      given(registered).when(register({ number: '123' })).thenFails('DecisionAlreadyRegistered', 'conflict');
    });
  });

  describe('CorrectDecisionDetails', () => {
    it('records only what changes, with the value it replaces', () => {
      const state = given(registered)
        .when(correct({ number: '123', session: 31, title: details.title }))
        .then([{ type: 'DecisionDetailsCorrected', data: { decisionId: 'd-31', corrected: { number: '123' }, was: { number: null } } }]);
      expect(state.status === 'registered' && state.number).toBe('123');
    });

    it('corrects several details at once', () => {
      const state = given(registered)
        .when(correct({ session: 32, adoptedOn: '2024-02-23', effectiveFrom: '2024-02-23' }))
        .then([
          {
            type: 'DecisionDetailsCorrected',
            data: { decisionId: 'd-31', corrected: { session: 32, adoptedOn: '2024-02-23', effectiveFrom: '2024-02-23' }, was: { session: 31, adoptedOn: '2024-02-22', effectiveFrom: '2024-02-22' } },
          },
        ]);
      expect(state).toMatchObject({ session: 32, adoptedOn: '2024-02-23', effectiveFrom: '2024-02-23' });
    });

    it('a corrected adoption date carries the effective date with it when that was the adoption date', () => {
      const state = given(registered)
        .when(correct({ adoptedOn: '2024-02-23' }))
        .then([
          {
            type: 'DecisionDetailsCorrected',
            data: { decisionId: 'd-31', corrected: { adoptedOn: '2024-02-23', effectiveFrom: '2024-02-23' }, was: { adoptedOn: '2024-02-22', effectiveFrom: '2024-02-22' } },
          },
        ]);
      expect(state).toMatchObject({ adoptedOn: '2024-02-23', effectiveFrom: '2024-02-23' });
    });

    it('an effective date of its own stays when the adoption date is corrected, and one named in the correction wins', () => {
      const ownDate: DecisionEvent = { type: 'DecisionRegistered', data: { ...registered.data, effectiveFrom: '2024-03-01' } as Extract<DecisionEvent, { type: 'DecisionRegistered' }>['data'] };
      given(ownDate)
        .when(correct({ adoptedOn: '2024-02-23' }))
        .then([{ type: 'DecisionDetailsCorrected', data: { decisionId: 'd-31', corrected: { adoptedOn: '2024-02-23' }, was: { adoptedOn: '2024-02-22' } } }]);
      given(registered)
        .when(correct({ adoptedOn: '2024-02-23', effectiveFrom: '2024-04-01' }))
        .then([
          {
            type: 'DecisionDetailsCorrected',
            data: { decisionId: 'd-31', corrected: { adoptedOn: '2024-02-23', effectiveFrom: '2024-04-01' }, was: { adoptedOn: '2024-02-22', effectiveFrom: '2024-02-22' } },
          },
        ]);
    });

    it('a number can be cleared back to none', () => {
      const numbered: DecisionEvent = { type: 'DecisionRegistered', data: { ...registered.data, number: '123' } as Extract<DecisionEvent, { type: 'DecisionRegistered' }>['data'] };
      given(numbered)
        .when(correct({ number: null }))
        .then([{ type: 'DecisionDetailsCorrected', data: { decisionId: 'd-31', corrected: { number: null }, was: { number: '123' } } }]);
    });

    it('corrections that repeat what is registered are NothingToCorrect', () => {
      given(registered).when(correct({ session: 31, number: null })).thenFails('NothingToCorrect', 'conflict');
      given(registered).when(correct({})).thenFails('NothingToCorrect', 'conflict');
      given(registered).when(correct({ title: undefined })).thenFails('NothingToCorrect', 'conflict');
    });

    it('an adoption date corrected to after today is AdoptedInFuture; other corrections do not look at the date', () => {
      given(registered).when(correct({ adoptedOn: '2024-03-01' })).thenFails('AdoptedInFuture', 'invalid');
      given(registered)
        .when(correct({ number: '123' }, '2024-02-22'))
        .then([{ type: 'DecisionDetailsCorrected', data: { decisionId: 'd-31', corrected: { number: '123' }, was: { number: null } } }]);
    });

    it('an unregistered decision is DecisionNotFound', () => {
      given().when(correct({ number: '123' })).thenFails('DecisionNotFound', 'not-found');
    });
  });

  describe('evolve', () => {
    it('a correction before registration changes nothing', () => {
      const state: Decision = evolve(initialDecision, { type: 'DecisionDetailsCorrected', data: { decisionId: 'd-31', corrected: { number: '1' }, was: {} } });
      expect(state).toEqual({ status: 'unknown' });
    });
  });

  describe('citation', () => {
    it('cites a decision as documents do: session, convocation, the date as DD.MM.YYYY and the number', () => {
      expect(citation({ ...details, number: '123' })).toBe('рішення 31 сесії VIII скликання від 22.02.2024 № 123');
    });

    it('leaves the number out while the decision has none', () => {
      expect(citation(details)).toBe('рішення 31 сесії VIII скликання від 22.02.2024');
    });

    it('keeps numbers like "1222-31-VIII" as written', () => {
      expect(citation({ session: 31, convocation: 'VIII', adoptedOn: '2023-11-09', number: '1222-31-VIII' })).toBe('рішення 31 сесії VIII скликання від 09.11.2023 № 1222-31-VIII');
    });
  });

  it('lives in the stream decision-<id>', () => {
    expect(decisionStream('d-31')).toBe('decision-d-31');
  });
});

describe('decisionNumber', () => {
  it.each([
    ['№ 1222–31–VIII', '1222-31-VIII'],
    ['N 1222 - 31 - VIII', '1222-31-VIII'],
    ['№N°No.1222-31-VIII', '1222-31-VIII'],
    ['№ __1222-31-VIII', '1222-31-VIII'],
    ['N ___', null],
    ['Novo-1', 'Novo-1'],
    ['N-VIII', 'N-VIII'],
    ['N - VIII', 'N-VIII'],
    ['N.V', 'N.V'],
    ['N б/н', null],
    ['No. VIII/5', 'VIII/5'],
    ['N XII-34', 'XII-34'],
    ['№. 12', '12'],
    ['12/3-VIII', '12/3-VIII'],
  ])('given "%s", then the number is %j', (written, number) => {
    expect(decisionNumber(written)).toBe(number);
  });

  it('given a number as anyone may type it, then reading it again reads the same: a stored number compares as registered', () => {
    const typed = fc.string({ unit: fc.constantFrom('N', 'o', 'º', '№', ' ', '-', '–', '.', '_', '1', '2', 'V', 'I', 'б', '/', 'н'), maxLength: 8 });
    fc.assert(
      fc.property(typed, (written) => {
        const read = decisionNumber(written);
        expect(read === null ? null : decisionNumber(read)).toBe(read);
      }),
      { numRuns: 5_000 },
    );
  });
});
