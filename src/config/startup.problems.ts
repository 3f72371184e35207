import { isAbsolute, relative, resolve, sep } from 'node:path';
import { EventStoreUnavailableError } from '../event-store/event-store.errors';
import { type Config, ConfigError } from './config.schema';

/** What Node attaches to a failed system call, and better-sqlite3 to a file it cannot open. */
interface SystemError {
  readonly name?: string;
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
}

type StartConfig = Pick<Config, 'HOST' | 'PORT' | 'DATA_DIR' | 'EVENTSTORE_CONNECTION_STRING' | 'READ_MODEL_FILE' | 'SEED_DOCUMENT' | 'readModelFile'>;

/** SQLite's answers to a file it may not open, create or write. */
const UNOPENABLE = /^SQLITE_(CANTOPEN|READONLY|PERM|NOTADB)/;

/**
 * A start that fails on a value that parsed but does not work here — a host that does not resolve, a port
 * already taken, a data directory that cannot be created or opened, an event store that does not answer — is
 * said like a refused value: the variable to change and why, without a stack. Anything else is a fault, said
 * with its stack.
 */
export function startupProblem(error: unknown, config: StartConfig): ConfigError | undefined {
  if (error instanceof ConfigError) return error;
  if (error instanceof EventStoreUnavailableError) {
    return new ConfigError([`${config.EVENTSTORE_CONNECTION_STRING ? 'EVENTSTORE_CONNECTION_STRING' : 'DATA_DIR'}: ${error.message}`]);
  }
  // Not `instanceof Error`: errors of Node's own calls may come from another realm (a test runner's sandbox).
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, syscall, path } = error as SystemError;
  if (syscall === 'getaddrinfo' || code === 'EADDRNOTAVAIL') return new ConfigError([`HOST: cannot listen on "${config.HOST}" (${code})`]);
  if (syscall === 'listen' && code === 'EADDRINUSE') return new ConfigError([`PORT: ${config.PORT} is already in use on ${config.HOST}`]);
  if (syscall === 'listen' && code === 'EACCES') return new ConfigError([`PORT: listening on ${config.PORT} is not permitted to this user`]);
  if (typeof path === 'string' && code !== undefined) {
    const variable = variableOfPath(path, config);
    return variable && new ConfigError([`${variable}: cannot use ${path} (${code})`]);
  }
  // better-sqlite3 does not say which file it could not open: both database files are named.
  if (name === 'SqliteError' && code !== undefined && UNOPENABLE.test(code)) {
    // On EventStoreDB the read models are the only SQLite file.
    const files = config.EVENTSTORE_CONNECTION_STRING ? (config.READ_MODEL_FILE ? 'READ_MODEL_FILE' : 'DATA_DIR') : config.READ_MODEL_FILE ? 'DATA_DIR or READ_MODEL_FILE' : 'DATA_DIR';
    return new ConfigError([`${files}: cannot open a database file (${code}); the directory must be writable and the files, where they exist, SQLite databases`]);
  }
  return undefined;
}

/** What a failed start (the server's, or a rebuild's) prints: the variable to change, or else the fault with its stack. */
export function startupFailure(error: unknown, config: StartConfig): string {
  const problem = startupProblem(error, config);
  return problem ? problem.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * The variable whose path failed. The path is best that file or directory itself, next a directory on the way
 * to it (mkdir of its parents), last a file inside it (the store's file inside DATA_DIR).
 */
function variableOfPath(path: string, config: StartConfig): 'DATA_DIR' | 'READ_MODEL_FILE' | 'SEED_DOCUMENT' | undefined {
  const failed = resolve(path);
  const candidates: ['DATA_DIR' | 'READ_MODEL_FILE' | 'SEED_DOCUMENT', string | undefined][] = [
    ['READ_MODEL_FILE', config.READ_MODEL_FILE ? config.readModelFile : undefined],
    ['SEED_DOCUMENT', config.SEED_DOCUMENT || undefined],
    ['DATA_DIR', config.DATA_DIR],
  ];
  let best: { variable: 'DATA_DIR' | 'READ_MODEL_FILE' | 'SEED_DOCUMENT'; rank: number } | undefined;
  for (const [variable, target] of candidates) {
    if (target === undefined) continue;
    const wanted = resolve(target);
    const rank = failed === wanted ? 0 : isInside(wanted, failed) ? 1 : isInside(failed, wanted) ? 2 : undefined;
    if (rank !== undefined && (best === undefined || rank < best.rank)) best = { variable, rank };
  }
  return best?.variable;
}

function isInside(inner: string, outer: string): boolean {
  const rest = relative(outer, inner);
  return rest !== '' && rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}
