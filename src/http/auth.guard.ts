import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type ApiToken, type Role } from '../config/config.schema';
import { ProblemException } from './problem';
import { AuthFailureLimiter } from './rate-limit';

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

const ANONYMOUS: Caller = { role: null, actor: 'anonymous' };

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
    // The general limit's headers, set for every request, would say there are requests to spare: these are this limit's.
    throw new ProblemException(429, 'TooManyFailedAuthentications', `too many failed authentications from this address; retry in ${blockedFor} s`, [], {
      'retry-after': String(blockedFor),
      'x-ratelimit-limit': String(limiter.perMinute),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(blockedFor),
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
