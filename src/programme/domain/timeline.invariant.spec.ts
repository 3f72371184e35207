import * as fc from 'fast-check';
import {
  addMeasure,
  amendment,
  assignExecutor,
  changeTerm,
  extendPeriod,
  History,
  programmeRegistered,
  recordedAt,
  removeMeasure,
  renumber,
  revoke,
  setAllocation,
  unassignExecutor,
} from '../../../test/support/programme-spec';
import { isDomainError } from '../../common/domain-error';
import { checkChange } from './change.rules';
import type { Change, ProgrammeCommand } from './programme.commands';
import { decide } from './programme.decider';
import { evolve } from './programme.evolve';
import type { ProgrammeContent } from './programme.types';
import { inForce, type ProgrammeTimeline } from './timeline';

/**
 * The timeline invariant (DESIGN §5) as a property: whatever amendments and revocations the decider accepts, in
 * whatever order of effective dates, the timeline as known after every append folds with every change valid at
 * its effective date.
 */

const DATES = ['2024-01-15', '2024-06-01', '2024-12-01', '2025-03-01', '2025-06-01', '2026-01-01'];
const MEASURES = ['1.1', '1.3', '1.5', '2.1', '2.2', 'm-1.3', 'm-x'];
const AMOUNTS = [null, '0.00', '10.00', '300.00'];

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ m: fc.constantFrom(...MEASURES), y: fc.integer({ min: 2024, max: 2027 }), a: fc.constantFrom(...AMOUNTS), was: fc.option(fc.constantFrom(...AMOUNTS), { nil: undefined }) }).map(
    ({ m, y, a, was }) => setAllocation(m, y, a, was === undefined ? {} : { was }),
  ),
  fc.constantFrom(...MEASURES).map(removeMeasure),
  fc.constantFrom('1.5', '1.3', '2.3').map((n) => addMeasure(n, { measureId: 'm-x', term: { from: 2024, to: 2026 } })),
  fc.tuple(fc.constantFrom(...MEASURES), fc.constantFrom('1.3', '1.5', '1.7')).map(([m, n]) => renumber(m, n)),
  fc.tuple(fc.constantFrom(...MEASURES), fc.integer({ min: 2024, max: 2026 }), fc.integer({ min: 2024, max: 2027 })).map(([m, from, to]) => changeTerm(m, from, to)),
  fc.constantFrom(...MEASURES).map((m) => assignExecutor(m, 'exec-press')),
  fc.constantFrom(...MEASURES).map((m) => unassignExecutor(m, 'exec-press')),
  fc.constant(extendPeriod(2027)),
);

type Step = { kind: 'amend'; date: string; changes: Change[] } | { kind: 'revoke'; which: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('amend' as const), date: fc.constantFrom(...DATES), changes: fc.array(change, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), which: fc.nat(20) }) },
);

/** Every problem a fold of the amendments in force would meet, as "amendment: rule". */
function problemsOf(timeline: ProgrammeTimeline, knownAt: string): string[] {
  let content: ProgrammeContent | null = null;
  const problems: string[] = [];
  for (const a of inForce(timeline, { knownAt })) {
    for (const c of a.changes) {
      problems.push(...checkChange(content, c).map((p) => `${a.amendmentId}: ${p.code} ${p.message}`));
      content = evolve(content, c);
    }
  }
  return problems;
}

describe('the timeline invariant, for any history the decider accepts', () => {
  it('every view known after any append folds with every change valid at its effective date', () => {
    // Over all runs: a generator whose commands the decider always refused would check nothing.
    const counted = { amendments: 0, revocations: 0 };
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let history = new History();
        const first = decide(programmeRegistered(), history.timeline);
        if (isDomainError(first)) throw new Error(first.message);
        history = history.append(first);
        const accepted: string[] = [];
        steps.forEach((s, i) => {
          let command: ProgrammeCommand;
          if (s.kind === 'amend') command = amendment({ id: `a${i}`, effectiveFrom: s.date, changes: s.changes });
          else if (accepted.length > 0) command = revoke(accepted[s.which % accepted.length]);
          else return;
          const decided = decide(command, history.timeline);
          if (isDomainError(decided)) return;
          if (s.kind === 'amend') {
            accepted.push(`a${i}`);
            counted.amendments += 1;
          } else {
            counted.revocations += 1;
          }
          history = history.append(decided);
        });
        for (let n = 0; n < history.appends; n++) {
          expect(problemsOf(history.timeline, recordedAt(n))).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
    expect(counted.amendments).toBeGreaterThan(200);
    expect(counted.revocations).toBeGreaterThan(50);
  });
});
