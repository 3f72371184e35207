import { lookup } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError } from '../event-store/event-store.errors';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { ConfigError, loadConfig } from './config.schema';
import { startupProblem } from './startup.problems';

/** The errors a start really meets, made here the way it meets them: by listening, creating directories, resolving. */
const failureOf = async (act: () => unknown): Promise<unknown> => {
  try {
    await act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
};

const listening = (port: number, host: string) =>
  new Promise<Server>((done, failed) => {
    const server = createServer();
    server.once('error', failed).listen(port, host, () => done(server));
  });

describe('a start that fails on a value that parsed but does not work here', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'startup-problems-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('a port already taken names PORT', async () => {
    const taken = await listening(0, '127.0.0.1');
    const port = (taken.address() as { port: number }).port;
    try {
      const error = await failureOf(() => listening(port, '127.0.0.1'));
      expect(startupProblem(error, loadConfig({ PORT: String(port) }))?.problems).toEqual([`PORT: ${port} is already in use on 127.0.0.1`]);
    } finally {
      taken.close();
    }
  });

  it('a host name that does not resolve names HOST', async () => {
    const error = await failureOf(() => lookup('no-such-host.invalid'));
    expect(startupProblem(error, loadConfig({ HOST: 'no-such-host.invalid' }))?.problems).toEqual([expect.stringMatching(/^HOST: cannot listen on "no-such-host\.invalid" \(E[A-Z_]+\)$/)]);
  });

  it('a data directory under a file names DATA_DIR, or READ_MODEL_FILE when the failing path is on the way to it', async () => {
    const file = join(directory, 'a-file');
    writeFileSync(file, '');
    const error = await failureOf(() => mkdirSync(join(file, 'data'), { recursive: true }));

    expect(startupProblem(error, loadConfig({ DATA_DIR: join(file, 'data') }))?.problems).toEqual([expect.stringMatching(/^DATA_DIR: cannot use .*a-file\/data \(ENOTDIR\)$/)]);
    expect(startupProblem(error, loadConfig({ DATA_DIR: directory, READ_MODEL_FILE: join(file, 'data', 'views.sqlite') }))?.problems).toEqual([
      expect.stringMatching(/^READ_MODEL_FILE: cannot use .*a-file\/data \(ENOTDIR\)$/),
    ]);
  });

  it('a path that is none of the configured ones is not blamed on any of them', async () => {
    const error = await failureOf(() => mkdirSync(join(directory, 'a-file', 'elsewhere'), { recursive: true }));
    expect(startupProblem(error, loadConfig({ DATA_DIR: join(directory, 'data') }))).toBeUndefined();
  });

  it('a database file that cannot be opened names DATA_DIR, and READ_MODEL_FILE when that is set', async () => {
    // A directory where the store's file should be: SQLite cannot open it, and does not say which file it was.
    const data = join(directory, 'data-with-a-directory');
    mkdirSync(join(data, 'events.sqlite'), { recursive: true });
    const error = await failureOf(() => new SqliteEventStore({ filename: join(data, 'events.sqlite') }));

    expect(startupProblem(error, loadConfig({ DATA_DIR: data }))?.problems).toEqual([expect.stringMatching(/^DATA_DIR: cannot open a database file \(SQLITE_CANTOPEN\)/)]);
    expect(startupProblem(error, loadConfig({ DATA_DIR: data, READ_MODEL_FILE: join(directory, 'views.sqlite') }))?.problems).toEqual([
      expect.stringMatching(/^DATA_DIR or READ_MODEL_FILE: cannot open a database file/),
    ]);
  });

  it('an event store that does not answer names the variable that chose it', () => {
    const unavailable = new EventStoreUnavailableError('the event store cannot be reached: connect ECONNREFUSED 127.0.0.1:1');
    expect(startupProblem(unavailable, loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' }))?.problems).toEqual([
      `EVENTSTORE_CONNECTION_STRING: ${unavailable.message}`,
    ]);
    expect(startupProblem(unavailable, loadConfig({}))?.problems).toEqual([`DATA_DIR: ${unavailable.message}`]);
  });

  it('a configuration problem stays itself, and a fault of the code is not dressed up as one', () => {
    const refused = new ConfigError(['SEED_DOCUMENT: missing']);
    expect(startupProblem(refused, loadConfig({}))).toBe(refused);
    expect(startupProblem(new TypeError('undefined is not a function'), loadConfig({}))).toBeUndefined();
  });
});
