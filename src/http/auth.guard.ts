import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { FastifyRequest } from 'fastify';
import { type ApiToken, type Role } from '../config/config.schema';
import { ProblemException } from './problem';

const ROLES_KEY = 'roles';

/** The roles allowed to call a route; a route without it is open to anyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export interface Caller {
  readonly role: Role | null;
  /** Who acted, for the audit trail: the role and a fingerprint of the token, never the token. */
  readonly actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so every comparison takes the same time whatever the token's length or content. */
export class TokenTable {
  private readonly entries: { role: Role; digest: Buffer; fingerprint: string }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map(({ role, token }) => ({ role, digest: digest(token), fingerprint: digest(token).toString('hex').slice(0, 8) }));
  }

  resolve(token: string): Caller | undefined {
    const candidate = digest(token);
    let found: Caller | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate)) found = { role: entry.role, actor: `${entry.role}:${entry.fingerprint}` };
    }
    return found;
  }
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
    private readonly perMinute: number,
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

export const ANONYMOUS: Caller = { role: null, actor: 'anonymous' };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenTable) private readonly tokens: TokenTable,
    @Inject(AuthFailureLimiter) private readonly limiter: AuthFailureLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    const header = request.headers.authorization;
    if (header === undefined) {
      request.caller = ANONYMOUS;
      if (!allowed) return true;
      throw unauthorized('this route needs a bearer token');
    }
    const caller = authenticate(header, request.ip, this.tokens, this.limiter);
    request.caller = caller;
    if (allowed && !allowed.includes(caller.role as Role)) {
      throw new ProblemException(403, 'Forbidden', `this route is for ${allowed.join(' or ')}; the token is for ${caller.role}`);
    }
    return true;
  }
}

/**
 * The caller an Authorization header names, or the problem to answer: 429 while the address is blocked for
 * failed attempts, 401 for a malformed header or an unknown token (counted as a failure).
 */
export function authenticate(header: string, client: string, tokens: TokenTable, limiter: AuthFailureLimiter): Caller {
  const blockedFor = limiter.blockedFor(client);
  if (blockedFor > 0) {
    throw new ProblemException(429, 'TooManyFailedAuthentications', `too many failed authentications from this address; retry in ${blockedFor} s`, [], {
      'retry-after': String(blockedFor),
    });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const caller = match ? tokens.resolve(match[1]) : undefined;
  if (!caller) {
    limiter.record(client);
    throw unauthorized(match ? 'the bearer token is not known' : 'the Authorization header must be "Bearer <token>"');
  }
  return caller;
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(401, 'Unauthorized', detail, [], { 'www-authenticate': 'Bearer realm="programme-tracker"' });
}
