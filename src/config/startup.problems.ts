import { dirname, resolve, sep } from 'node:path';
import { EventStoreUnavailableError } from '../event-store/event-store.errors';
import { type Config, ConfigError } from './config.schema';

/** What Node attaches to a failed system call. */
interface SystemError extends Error {
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
}

/**
 * A start that fails on a value that parsed but does not work here — a host that does not resolve, a port
 * already taken, a data directory that cannot be created, an event store that does not answer — is said like
 * a refused value: the variable to change and why, without a stack. Anything else is a fault, said with its stack.
 */
export function startupProblem(error: unknown, config: Pick<Config, 'HOST' | 'PORT' | 'EVENTSTORE_CONNECTION_STRING' | 'READ_MODEL_FILE' | 'readModelFile'>): ConfigError | undefined {
  if (error instanceof ConfigError) return error;
  if (error instanceof EventStoreUnavailableError) {
    return new ConfigError([`${config.EVENTSTORE_CONNECTION_STRING ? 'EVENTSTORE_CONNECTION_STRING' : 'DATA_DIR'}: ${error.message}`]);
  }
  // Not `instanceof Error`: errors of Node's own calls may come from another realm (a test runner's sandbox).
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, syscall, path } = error as SystemError;
  if (syscall === 'getaddrinfo' || code === 'EADDRNOTAVAIL') return new ConfigError([`HOST: cannot listen on "${config.HOST}" (${code})`]);
  if (syscall === 'listen' && code === 'EADDRINUSE') return new ConfigError([`PORT: ${config.PORT} is already in use on ${config.HOST}`]);
  if (syscall === 'listen' && code === 'EACCES') return new ConfigError([`PORT: listening on ${config.PORT} is not permitted to this user`]);
  if (typeof path === 'string' && code !== undefined) return new ConfigError([`${directoryVariable(path, config)}: cannot use ${path} (${code})`]);
  return undefined;
}

/** A failed path on the way to the read-model file is READ_MODEL_FILE's when that is set; any other is DATA_DIR's. */
function directoryVariable(path: string, config: Pick<Config, 'READ_MODEL_FILE' | 'readModelFile'>): 'DATA_DIR' | 'READ_MODEL_FILE' {
  if (!config.READ_MODEL_FILE) return 'DATA_DIR';
  const failed = resolve(path);
  const wanted = resolve(config.readModelFile);
  return wanted === failed || dirname(wanted) === failed || dirname(wanted).startsWith(`${failed}${sep}`) ? 'READ_MODEL_FILE' : 'DATA_DIR';
}
