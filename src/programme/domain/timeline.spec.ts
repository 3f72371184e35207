import {
  amendment,
  amendmentIdFor,
  amount,
  cell,
  given,
  INITIAL_AMENDMENT,
  justAfter,
  programmeRegistered,
  recordedAt,
  removeMeasure,
  revoke,
  setAllocation,
} from '../../../test/support/programme-spec';
import { isDomainError } from '../../common/domain-error';
import { decide } from './programme.decider';
import { EMPTY_TIMELINE, evolveTimeline, fold, foldFromStart, inForce, viewAt } from './timeline';

/**
 * A view (asOf, knownAt) folds the amendments recorded ≤ knownAt, minus those revoked ≤ knownAt, effective ≤ asOf,
 * in order (effectiveFrom, then record order). The harness records append n at recordedAt(n), one minute apart.
 */
describe('timeline', () => {
  describe('evolveTimeline', () => {
    const { timeline } = given(
      programmeRegistered(),
      amendment({ effectiveFrom: '2025-03-01', note: 'рішення про зміни', changes: [setAllocation('1.3', 2025, '350.00')] }),
      revoke(amendmentIdFor('2025-03-01'), 'не та сесія'),
    );

    it('keeps one record per amendment in record order, with its revision, record time and changes', () => {
      expect(timeline.amendments.map((a) => [a.amendmentId, a.initial, a.effectiveFrom, a.revision, a.recordedAt, a.changes.length])).toEqual([
        [INITIAL_AMENDMENT, true, '2024-01-15', 0, recordedAt(0), 1 + 2 + 3 + 5],
        [amendmentIdFor('2025-03-01'), false, '2025-03-01', 12, recordedAt(1), 1],
      ]);
      expect(timeline.amendments[1].note).toBe('рішення про зміни');
      expect(timeline.amendments[1].decisionId).toBe('d@2025-03-01');
      expect(timeline.amendments[1].changes[0].type).toBe('AllocationSet');
    });

    it('marks a revoked amendment with when, why and at which revision, and keeps it', () => {
      expect(timeline.amendments[1].revoked).toEqual({ at: recordedAt(2), reason: 'не та сесія', revision: 14 });
      expect(timeline.amendments[0].revoked).toBeNull();
      expect(timeline.revision).toBe(14);
    });

    it('leaves the earlier timeline as it was', () => {
      const before = given(programmeRegistered(), amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] })).timeline;
      const snapshot = JSON.stringify(before);
      const after = evolveTimeline(before, [{ type: 'AmendmentRevoked', data: { amendmentId: amendmentIdFor('2025-03-01'), reason: 'x' }, revision: 13, created: recordedAt(2) }]);
      expect(JSON.stringify(before)).toBe(snapshot);
      expect(after.amendments[1].revoked).not.toBeNull();
      expect(after.revision).toBe(13);
    });

    it('folds an append read in pieces (a page ending inside it) as it folds the whole append', () => {
      // given the stored events of the approving wording and of a two-change amendment, as one stream
      const amended = given(programmeRegistered(), amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00'), setAllocation('1.1', 2025, '80.00')] }));
      const initial = decide(programmeRegistered(), EMPTY_TIMELINE);
      if (isDomainError(initial)) throw new Error(initial.message);
      const second = amended.timeline.amendments[1];
      const header = { type: 'AmendmentRegistered', data: { amendmentId: second.amendmentId, programmeId: 'p', decisionId: second.decisionId, effectiveFrom: second.effectiveFrom, note: null, initial: false, changeCount: 2 } };
      const stream = [
        ...initial.map((e, i) => ({ ...e, revision: i, created: recordedAt(0) })),
        ...[header, ...second.changes].map((e, i) => ({ ...e, revision: second.revision + i, created: second.recordedAt })),
      ];

      // when they are folded one event per call
      const pieceByPiece = stream.reduce((t, e) => evolveTimeline(t, [e]), EMPTY_TIMELINE);

      // then nothing is lost: the same amendments and views as one call
      expect(pieceByPiece.amendments.map((a) => a.changes)).toEqual(evolveTimeline(EMPTY_TIMELINE, stream).amendments.map((a) => a.changes));
      expect(pieceByPiece.amendments[1].changes).toEqual(second.changes);
      expect(viewAt(pieceByPiece)).toEqual(viewAt(amended.timeline));
    });

    it('starts empty, at revision -1', () => {
      expect(evolveTimeline(EMPTY_TIMELINE, [])).toEqual({ revision: -1, amendments: [] });
      expect(viewAt(EMPTY_TIMELINE)).toBeNull();
    });
  });

  describe('asOf: the effective axis', () => {
    const { history } = given(
      programmeRegistered(),
      amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }),
      amendment({ effectiveFrom: '2025-06-01', changes: [removeMeasure('1.1')] }),
    );

    it('before the programme takes effect there is no programme', () => {
      expect(history.view({ asOf: '2024-01-14' })).toBeNull();
      expect(history.view({ asOf: '2024-01-15' })).not.toBeNull();
    });

    it('an amendment applies from its effective date on, not the day before', () => {
      expect(cell(history.view({ asOf: '2025-02-28' }), '1.3', 2025)).toBe(amount('300.00'));
      expect(cell(history.view({ asOf: '2025-03-01' }), '1.3', 2025)).toBe(amount('350.00'));
    });

    it('each view folds only the amendments effective by its date', () => {
      expect(history.inForce({ asOf: '2025-02-28' })).toEqual([INITIAL_AMENDMENT]);
      expect(history.inForce({ asOf: '2025-05-31' })).toEqual([INITIAL_AMENDMENT, 'a@2025-03-01']);
      expect(history.inForce({ asOf: '2025-06-01' })).toEqual([INITIAL_AMENDMENT, 'a@2025-03-01', 'a@2025-06-01']);
      expect(cell(history.view({ asOf: '2025-05-31' }), '1.1', 2025)).toBe(amount('75.00'));
      expect(cell(history.view({ asOf: '2025-06-01' }), '1.1', 2025)).toBeUndefined();
    });

    it('without asOf every effective date is folded', () => {
      expect(history.view()).toEqual(history.view({ asOf: '9999-12-31' }));
    });
  });

  describe('knownAt: the record axis', () => {
    // append 0: the programme; 1: the 2025-03-01 amendment; 2: its revocation
    const { history } = given(
      programmeRegistered(),
      amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }),
      revoke('a@2025-03-01'),
    );

    it('a view known before an amendment was recorded does not see it', () => {
      expect(history.inForce({ knownAt: justAfter(0) })).toEqual([INITIAL_AMENDMENT]);
      expect(cell(history.view({ knownAt: justAfter(0) }), '1.3', 2025)).toBe(amount('300.00'));
    });

    it('a view known from the moment it was recorded sees it', () => {
      expect(cell(history.view({ knownAt: recordedAt(1) }), '1.3', 2025)).toBe(amount('350.00'));
    });

    it('a revoked amendment stays visible at a knownAt before its revocation', () => {
      expect(history.inForce({ knownAt: justAfter(1) })).toEqual([INITIAL_AMENDMENT, 'a@2025-03-01']);
      expect(cell(history.view({ knownAt: justAfter(1) }), '1.3', 2025)).toBe(amount('350.00'));
    });

    it('it vanishes from every view known at or after its revocation, and from the default view', () => {
      expect(history.inForce({ knownAt: recordedAt(2) })).toEqual([INITIAL_AMENDMENT]);
      expect(cell(history.view({ knownAt: recordedAt(2) }), '1.3', 2025)).toBe(amount('300.00'));
      expect(cell(history.view(), '1.3', 2025)).toBe(amount('300.00'));
    });

    it('before anything was recorded there is no programme', () => {
      expect(history.view({ knownAt: '2025-08-31T00:00:00.000Z' })).toBeNull();
    });
  });

  describe('both axes at once', () => {
    // A retroactive amendment: recorded second (append 2) but effective first.
    const { history } = given(
      programmeRegistered(),
      amendment({ effectiveFrom: '2025-06-01', changes: [setAllocation('1.3', 2026, '400.00')] }),
      amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }),
    );

    it('asOf picks the effective dates, knownAt what was recorded by then', () => {
      const view = (asOf: string, knownAt: string) => [cell(history.view({ asOf, knownAt }), '1.3', 2025), cell(history.view({ asOf, knownAt }), '1.3', 2026)];
      expect(view('2025-12-31', justAfter(1))).toEqual([amount('300.00'), amount('400.00')]);
      expect(view('2025-12-31', justAfter(2))).toEqual([amount('350.00'), amount('400.00')]);
      expect(view('2025-04-01', justAfter(2))).toEqual([amount('350.00'), amount('300.00')]);
      expect(view('2025-04-01', justAfter(1))).toEqual([amount('300.00'), amount('300.00')]);
    });

    it('a late amendment lands in effective order, not record order', () => {
      expect(history.inForce()).toEqual([INITIAL_AMENDMENT, 'a@2025-03-01', 'a@2025-06-01']);
    });
  });

  describe('amendments effective on the same date', () => {
    const { history } = given(
      programmeRegistered(),
      amendment({ id: 'first', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '320.00')] }),
      amendment({ id: 'second', effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '340.00')] }),
      amendment({ id: 'earlier-date', effectiveFrom: '2025-02-01', changes: [setAllocation('1.3', 2025, '310.00')] }),
    );

    it('fold in record order: the later-recorded one wins', () => {
      expect(history.inForce()).toEqual([INITIAL_AMENDMENT, 'earlier-date', 'first', 'second']);
      expect(cell(history.view(), '1.3', 2025)).toBe(amount('340.00'));
      expect(cell(history.view({ knownAt: justAfter(1) }), '1.3', 2025)).toBe(amount('320.00'));
    });

    it('inForce is the same function the view folds', () => {
      expect(inForce(history.timeline, { asOf: '2025-02-15' }).map((a) => a.amendmentId)).toEqual([INITIAL_AMENDMENT, 'earlier-date']);
      expect(cell(viewAt(history.timeline, { asOf: '2025-02-15' }), '1.3', 2025)).toBe(amount('310.00'));
    });
  });

  describe('foldFromStart', () => {
    it('folds what fold folds as amendments join at the end and in the middle and are revoked, and folds again only what moved', () => {
      // given a programme whose amendments arrive in turn, each decided on the timeline so far
      let { history } = given(programmeRegistered());
      const steps = [
        amendment({ effectiveFrom: '2025-03-01', changes: [setAllocation('1.3', 2025, '350.00')] }),
        amendment({ effectiveFrom: '2025-06-01', changes: [setAllocation('1.1', 2025, '80.00')] }),
        amendment({ effectiveFrom: '2025-01-01', changes: [setAllocation('1.3', 2025, '300.00')] }),
        revoke(amendmentIdFor('2025-03-01')),
        amendment({ effectiveFrom: '2025-09-01', changes: [setAllocation('1.1', 2026, '90.00')] }),
      ];
      /** The steps that add an amendment at the end: 2025-03-01, 2025-06-01 and 2025-09-01. */
      let atEnd = 0;
      for (const step of steps) {
        const decided = decide(step, history.timeline);
        if (isDomainError(decided)) throw new Error(decided.message);
        const before = inForce(history.timeline);
        const folded = foldFromStart(before);
        history = history.append(decided);

        // then the fold of the whole timeline is fold's
        const ordered = inForce(history.timeline);
        const content = foldFromStart(ordered);
        expect(content).toEqual(fold(ordered));
        // and asked again, or for what stood before an amendment added at the end, it is what was folded, not folded anew
        expect(foldFromStart(ordered)).toBe(content);
        if (ordered.slice(0, -1).every((a, i) => a === before[i]) && ordered.length === before.length + 1) {
          atEnd += 1;
          expect(foldFromStart(ordered.slice(0, -1))).toBe(folded);
        }
      }
      expect(atEnd).toBe(3);
    });
  });
});
