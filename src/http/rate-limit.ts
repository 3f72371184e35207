import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import type { Config } from '../config/config.schema';
import { ProblemException } from './problem';

// Both limits the server keeps: the general one per client and minute (RATE_LIMIT_PER_MINUTE, by
// @fastify/rate-limit), and the tighter one on failed authentications, which the plugin cannot count alone.

/**
 * Cheap checks a load balancer or process manager makes often, which must never be refused. /metrics is limited:
 * a scrape renders every series.
 */
const UNLIMITED_ROUTES = new Set(['/health', '/ready']);

/** RATE_LIMIT_PER_MINUTE requests a minute per client (clientKey); 0 turns it off. */
export async function registerRateLimit(app: NestFastifyApplication, config: Pick<Config, 'RATE_LIMIT_PER_MINUTE'>): Promise<void> {
  if (config.RATE_LIMIT_PER_MINUTE === 0) return;
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => clientKey(request.ip),
    allowList: (request) => UNLIMITED_ROUTES.has(request.url.split('?')[0]),
    errorResponseBuilder: (_request, context) =>
      new ProblemException(429, 'RateLimited', `more than ${context.max} requests a minute from this address; retry in ${Math.ceil(context.ttl / 1000)} s`, [], {
        'retry-after': String(Math.ceil(context.ttl / 1000)),
      }),
  });
}

const WINDOW_MS = 60_000;
/** Addresses whose failures are counted at once; past it, those whose minute is over go first, then the oldest. */
const ADDRESSES_KEPT = 10_000;

/**
 * Who a limit counts: an IPv4 address (however IPv6 wraps it: mapped, NAT64, or written with a dotted tail), or an
 * IPv6 address's /64 network, which one subscriber is commonly given whole, so that its 2^64 addresses are one client,
 * not a way to try tokens and fill the limiter's table. A port a proxy appended is no part of it; what is no address
 * at all (none, for a connection already gone) counts as itself.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const version = isIP(address);
  if (version === 4) return address;
  if (version === 6) return ipv6Key(address);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address) ?? /^\[([^\]]+)\]:\d+$/.exec(address);
  return withPort && isIP(withPort[1]) !== 0 ? clientKey(withPort[1]) : address;
}

function ipv6Key(address: string): string {
  const parsed = ipaddr.IPv6.parse(address);
  const { parts } = parsed;
  // IPv4 carried in IPv6: mapped (::ffff:0:0/96, ipaddr.js reads "::a.b.c.d" so too) and NAT64 (64:ff9b::/96).
  if (parsed.isIPv4MappedAddress() || parsed.range() === 'rfc6052') return [parts[6] >> 8, parts[6] & 255, parts[7] >> 8, parts[7] & 255].join('.');
  return `${parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/** A client that keeps sending bad tokens is slowed down long before the general rate limit. */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until the address may try again (its minute of failures ends), 0 if it may now. */
  blockedFor(address: string): number {
    if (this.perMinute === 0) return 0;
    const entry = this.failures.get(clientKey(address));
    const left = entry ? entry.since + WINDOW_MS - this.now() : 0;
    return entry && left >= 0 && entry.count >= this.perMinute ? Math.max(1, Math.ceil(left / 1000)) : 0;
  }

  record(address: string): void {
    if (this.perMinute === 0) return;
    const now = this.now();
    const client = clientKey(address);
    const entry = this.failures.get(client);
    if (entry && now - entry.since <= WINDOW_MS) {
      entry.count += 1;
      return;
    }
    // Set anew at the end, so that the map stays in the order the minutes began.
    this.failures.delete(client);
    this.failures.set(client, { count: 1, since: now });
    if (this.failures.size > ADDRESSES_KEPT) this.forget(now);
  }

  /**
   * Makes room: every address whose minute is over; then, if as many failed within the minute, the oldest of
   * those not blocked; blocked ones last. Wiping the table instead, a guesser who failed from enough addresses
   * would free its own blocked one.
   */
  private forget(now: number): void {
    for (const [client, entry] of this.failures) {
      if (now - entry.since <= WINDOW_MS) break;
      this.failures.delete(client);
    }
    for (const [client, entry] of this.failures) {
      if (this.failures.size <= ADDRESSES_KEPT) return;
      if (entry.count < this.perMinute) this.failures.delete(client);
    }
    for (const client of this.failures.keys()) {
      if (this.failures.size <= ADDRESSES_KEPT) return;
      this.failures.delete(client);
    }
  }
}
