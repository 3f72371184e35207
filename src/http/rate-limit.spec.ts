import { AuthFailureLimiter, clientKey } from './rate-limit';

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

  it('given the limit reached from one IPv6 address, then its whole /64 (one subscriber’s) is blocked, and the next network is not', () => {
    for (let i = 0; i < 10; i++) limiter.record(`2001:db8:1:2::${i.toString(16)}`);
    expect(limiter.blockedFor('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(60);
    expect(limiter.blockedFor('2001:db8:1:3::1')).toBe(0);
  });

  it('given more addresses failing within a minute than it keeps, then it forgets the oldest not blocked, and a blocked one stays blocked', () => {
    failTimes(10);
    for (let i = 0; i < 9; i++) limiter.record('203.0.113.1');
    now += 1000;
    for (let i = 0; i < 9_999; i++) limiter.record(`198.51.${i >> 8}.${i & 255}`);
    expect(limiter.blockedFor(CLIENT)).toBe(59);
    // (203.0.113.1 made room: its count starts again)
    limiter.record('203.0.113.1');
    expect(limiter.blockedFor('203.0.113.1')).toBe(0);
  });

  it('given addresses whose minute is over, then they make room first, blocked as they were', () => {
    for (let i = 0; i < 10; i++) limiter.record('203.0.113.1');
    now += 61_000;
    failTimes(10);
    for (let i = 0; i < 9_999; i++) limiter.record(`198.51.${i >> 8}.${i & 255}`);
    expect(limiter.blockedFor(CLIENT)).toBe(60);
    for (let i = 0; i < 9; i++) limiter.record('198.51.0.0');
    expect(limiter.blockedFor('198.51.0.0')).toBe(60);
  });
});

describe('clientKey', () => {
  it('counts an IPv4 address on its own however IPv6 wraps it, and an IPv6 address by its /64 however it is written', () => {
    const wrapped = ['192.0.2.1', '::ffff:192.0.2.1', '::FFFF:192.0.2.1', '0:0:0:0:0:ffff:192.0.2.1', '::ffff:c000:201', '64:ff9b::192.0.2.1', '64:ff9b::c000:201', '::192.0.2.1'];
    expect(wrapped.map(clientKey)).toEqual(Array(wrapped.length).fill('192.0.2.1'));
    expect(['2001:db8:1:2:3:4:5:6', '2001:0DB8:0001:0002::1', '2001:db8:1:2::'].map(clientKey)).toEqual(Array(3).fill('2001:db8:1:2::/64'));
    expect(['2001:db8::1', '2001:db8::1:2:3:4:5', '::1', '::', 'fe80::1%eth0'].map(clientKey)).toEqual(['2001:db8:0:0::/64', '2001:db8:0:1::/64', '0:0:0:0::/64', '0:0:0:0::/64', 'fe80:0:0:0::/64']);
  });

  it('leaves out a port a proxy appended, and counts what is no address as itself', () => {
    expect(['203.0.113.9:51234', '203.0.113.9:443', '[2001:db8:1:2::9]:443'].map(clientKey)).toEqual(['203.0.113.9', '203.0.113.9', '2001:db8:1:2::/64']);
    expect([undefined, 'unknown', 'not:an:address', '999.1.1.1:80'].map(clientKey)).toEqual(['unknown', 'unknown', 'not:an:address', '999.1.1.1:80']);
  });
});
