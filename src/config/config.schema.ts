import { existsSync } from 'node:fs';
import { compile as compileProxies } from '@fastify/proxy-addr';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { connectionStringProblem } from '../event-store/esdb/esdb-mapping';

const ROLES = ['secretariat', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The repository root, whether this runs from `src/` (tests) or `dist/src/` (the built server). */
export function packageRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return process.cwd();
}

export const BUNDLED_SEED = join(packageRoot(__dirname), 'examples', 'korosten-self-government-2024-2026.txt');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2 };

/** "1048576", "512kb", "1MiB" → bytes. */
const byteSize = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const m = /^(\d+)\s*([a-z]*)$/i.exec(text);
    const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
    if (!m || unit === undefined) {
      ctx.addIssue({ code: 'custom', message: 'BODY_LIMIT must be a size such as 1048576, 512kb or 1MiB' });
      return z.NEVER;
    }
    return Number(m[1]) * unit;
  })
  .refine((n) => n >= 1024 && n <= 64 * 1024 ** 2, 'BODY_LIMIT must be between 1 KiB and 64 MiB');

export interface ApiToken {
  readonly role: Role;
  readonly token: string;
}

/** "secretariat:<token>,auditor:<token>" (a role may appear more than once, for rotation). */
const apiTokens = z
  .string()
  .trim()
  .transform((text, ctx): ApiToken[] => {
    if (text === '') return [];
    const tokens: ApiToken[] = [];
    for (const entry of text.split(',')) {
      const [role, token, ...rest] = entry.trim().split(':');
      if (!(ROLES as readonly string[]).includes(role) || !token || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: `API_TOKENS entries are role:token with role one of ${ROLES.join(', ')}` });
        return z.NEVER;
      }
      if (token.length < 16) {
        ctx.addIssue({ code: 'custom', message: `the ${role} token must be at least 16 characters` });
        return z.NEVER;
      }
      // One token under two roles would get whichever came last: a slip that must not decide who may write.
      const other = tokens.find((known) => known.token === token && known.role !== role);
      if (other) {
        ctx.addIssue({ code: 'custom', message: `one token is given for both ${other.role} and ${role}; each role needs tokens of its own` });
        return z.NEVER;
      }
      tokens.push({ role: role as Role, token });
    }
    return tokens;
  });

/**
 * Which proxies' X-Forwarded-For the server believes: "" none (the connection's address is the client's), a number
 * of proxies in front, or their addresses and ranges ("10.0.0.5", "10.0.0.0/8", "loopback"). Never "any" (nor a
 * range of every address): any client could then name whatever address it liked. A number believes whoever
 * connects, so it is safe only where nothing reaches the server but through the proxies.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((text, ctx): number | string[] | undefined => {
    if (text === '') return undefined;
    if (/^\d+$/.test(text)) {
      const hops = Number(text);
      if (hops >= 1 && hops <= 10) return hops;
    } else {
      const entries = text.split(',').map((entry) => entry.trim());
      // Read by the function Fastify reads them with, which refuses a range of every address (/0: "any" again).
      const wrong = entries.filter((entry) => !compilesAsProxies(entry));
      if (wrong.length === 0) return entries;
    }
    ctx.addIssue({
      code: 'custom',
      message: "TRUST_PROXY takes the proxies' addresses or ranges (10.0.0.5,10.0.0.0/8, loopback, linklocal, uniquelocal), or how many stand in front (1 to 10)",
    });
    return z.NEVER;
  });

function compilesAsProxies(entry: string): boolean {
  try {
    compileProxies([entry]);
    return true;
  } catch {
    return false;
  }
}

/** The validated configuration, for whatever in the application needs a value of it. */
export const CONFIG = Symbol('CONFIG');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer('PORT', 0, 65535).default(3000),
  HOST: z
    .string()
    .trim()
    .min(1, { message: 'HOST must not be empty', abort: true })
    .regex(
      // An IP address (an IPv6 one with its zone, fe80::1%eth0), or a host name (an FQDN's trailing dot included).
      /^([0-9a-fA-F:.]+(%[A-Za-z0-9_.-]+)?|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?)$/,
      'HOST must be an IP address or a host name, e.g. 127.0.0.1, 0.0.0.0 or localhost',
    )
    .default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1, 'DATA_DIR must not be empty').default('./data'),
  EVENTSTORE_CONNECTION_STRING: z
    .string()
    .trim()
    .transform((connection, ctx) => {
      if (connection === '') return undefined;
      if (!/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\/\S+$/.test(connection)) {
        ctx.addIssue({ code: 'custom', message: 'EVENTSTORE_CONNECTION_STRING must look like esdb://host:2113?tls=false' });
        return z.NEVER;
      }
      // The same string to this client, which reads only esdb:// (KurrentDB's documents write kurrentdb://).
      const forClient = connection.replace(/^kurrentdb/, 'esdb');
      const problem = connectionStringProblem(forClient);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      return forClient;
    })
    .optional(),
  API_TOKENS: apiTokens.default([]),
  SEED_DOCUMENT: z.string().trim().default(BUNDLED_SEED),
  READ_MODEL_FILE: z.string().trim().optional(),
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((url, ctx) => {
      if (!url) return undefined;
      if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) {
        ctx.addIssue({ code: 'custom', message: 'PUBLIC_URL must be the address clients reach the server at, e.g. https://rada.example/tracker' });
        return z.NEVER;
      }
      return url.replace(/\/+$/, '');
    }),
  TRUST_PROXY: trustProxy.optional(),
  RATE_LIMIT_PER_MINUTE: integer('RATE_LIMIT_PER_MINUTE', 0, 10_000_000).default(1200),
  BODY_LIMIT: byteSize.default(1024 ** 2),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

export type Config = z.infer<typeof configSchema> & {
  readonly eventStoreFile: string;
  readonly readModelFile: string;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A connection string's password (`esdb://admin:<password>@host`) replaced by "***", for messages: they reach the logs. */
function withoutPassword(connection: string | undefined): string | undefined {
  // To the last "@": a password may hold "/", "?" or "#" (the client reads "Ab/c+d==" whole).
  return connection?.replace(/^([^:/?#]+:\/\/[^:@/?#]*:).*@/, '$1***@');
}

/** Reads the environment; a bad value throws a ConfigError naming the variable and what it accepts. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '');
        // Never echo tokens or passwords back, not even in an error.
        const given = variable === 'API_TOKENS' ? undefined : variable === 'EVENTSTORE_CONNECTION_STRING' ? withoutPassword(env[variable]) : env[variable];
        // Every line opens with its variable, once: a message written to read alone ("HOST must be …") loses its own.
        const message = issue.message.startsWith(`${variable} `) ? issue.message.slice(variable.length + 1) : issue.message;
        return `${variable}: ${message}${given === undefined ? '' : ` (got "${given}")`}`;
      }),
    );
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && config.API_TOKENS.length === 0) {
    throw new ConfigError(['API_TOKENS: required when NODE_ENV=production (secretariat:<token>,auditor:<token>)']);
  }
  const dataDir = resolve(config.DATA_DIR);
  const eventStoreFile = join(dataDir, 'events.sqlite');
  const readModelFile = config.READ_MODEL_FILE ? resolve(config.READ_MODEL_FILE) : join(dataDir, 'read-models.sqlite');
  // A rebuild deletes the read-model file and renames a new one over it: it must never be the event log.
  if (readModelFile === eventStoreFile) throw new ConfigError([`READ_MODEL_FILE: must not be the event store's file (${eventStoreFile})`]);
  return { ...config, DATA_DIR: dataDir, eventStoreFile, readModelFile };
}

/** For entry points: the configuration, or the problems on stderr and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
