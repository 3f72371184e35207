import { authenticate, TokenTable } from './auth.guard';
import { ProblemException } from './problem';
import { AuthFailureLimiter } from './rate-limit';

const CLIENT = '192.0.2.1';

describe('authenticate', () => {
  it('given an address blocked for its failed tokens, then it answers 429 with the seconds left in Retry-After, before looking at the token', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter(10, () => now);
    for (let i = 0; i < 10; i++) limiter.record(CLIENT);
    now += 20_000;
    const answer = (() => {
      try {
        authenticate('Bearer whatever-token-value', CLIENT, new TokenTable([]), limiter);
      } catch (problem) {
        return problem;
      }
    })() as ProblemException;
    expect(answer).toBeInstanceOf(ProblemException);
    expect([answer.status, answer.headers]).toEqual([429, { 'retry-after': '40', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '40' }]);
  });
});
