import { AuthFailureLimiter, authenticate, TokenTable } from './auth.guard';
import { ProblemException } from './problem';

const CLIENT = '192.0.2.1';

describe('AuthFailureLimiter', () => {
  let now: number;
  let limiter: AuthFailureLimiter;
  beforeEach(() => {
    now = 1_000_000;
    limiter = new AuthFailureLimiter(10, () => now);
  });

  const failTimes = (count: number) => {
    for (let i = 0; i < count; i++) limiter.record(CLIENT);
  };

  it('given fewer failures than the limit in a minute, then the address may try again', () => {
    failTimes(9);
    expect(limiter.blockedFor(CLIENT)).toBe(0);
  });

  it('given the limit reached, then it is blocked for what is left of the minute its failures began, not a whole minute more', () => {
    failTimes(10);
    expect(limiter.blockedFor(CLIENT)).toBe(60);
    now += 15_000;
    expect(limiter.blockedFor(CLIENT)).toBe(45);
    now += 44_500;
    expect(limiter.blockedFor(CLIENT)).toBe(1);
    now += 501;
    expect(limiter.blockedFor(CLIENT)).toBe(0);
    expect(limiter.blockedFor('192.0.2.2')).toBe(0);
  });

  it('given a blocked address, then authenticating answers 429 with the seconds left in Retry-After', () => {
    failTimes(10);
    now += 20_000;
    const tokens = new TokenTable([]);
    const answer = (() => {
      try {
        authenticate('Bearer whatever-token-value', CLIENT, tokens, limiter);
      } catch (problem) {
        return problem;
      }
    })() as ProblemException;
    expect(answer).toBeInstanceOf(ProblemException);
    expect([answer.status, answer.headers]).toEqual([429, { 'retry-after': '40' }]);
  });
});
