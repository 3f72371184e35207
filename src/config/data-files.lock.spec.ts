import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.schema';
import { lockDataFiles } from './data-files.lock';

describe('one process per data file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'programme-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const refusal = (take: () => unknown): string => {
    try {
      take();
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected the lock to be refused');
  };

  it('refuses the files a holder keeps, naming the variable, and gives them to the next once released', () => {
    const config = loadConfig({ DATA_DIR: dir });
    const first = lockDataFiles(config, { store: true });
    expect(refusal(() => lockDataFiles(config, { store: true }))).toMatch(/DATA_DIR: .*read-models\.sqlite is in use/);
    // the store's file alone is held too
    expect(refusal(() => lockDataFiles(loadConfig({ DATA_DIR: dir, READ_MODEL_FILE: join(dir, 'other.sqlite') }), { store: true }))).toMatch(/DATA_DIR: .*events\.sqlite is in use/);
    first.release();
    lockDataFiles(config, { store: true }).release();
  });

  it('names READ_MODEL_FILE for a read-model file of its own, and leaves a store it does not open (EventStoreDB, or a test’s own) alone', () => {
    const readModels = join(dir, 'views', 'read-models.sqlite');
    const onEsdb = loadConfig({ DATA_DIR: dir, READ_MODEL_FILE: readModels, EVENTSTORE_CONNECTION_STRING: 'esdb://db:2113?tls=false' });
    const held = lockDataFiles(onEsdb, { store: true });
    expect(refusal(() => lockDataFiles(onEsdb, { store: true }))).toMatch(/^Invalid configuration:\n {2}- READ_MODEL_FILE: /);
    // the embedded store in DATA_DIR is not held by a server on EventStoreDB
    lockDataFiles(loadConfig({ DATA_DIR: dir, READ_MODEL_FILE: join(dir, 'mine.sqlite') }), { store: true }).release();
    held.release();
  });
});
