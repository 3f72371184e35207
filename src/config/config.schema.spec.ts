import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EsdbEventStore } from '../event-store/esdb/esdb-event-store';
import { ConfigError, loadConfig } from './config.schema';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration from the environment', () => {
  it('defaults to the embedded store in ./data on 127.0.0.1:3000 with the bundled Korosten annex as seed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', BODY_LIMIT: 1048576, LOG_LEVEL: 'info' });
    expect(config.EVENTSTORE_CONNECTION_STRING).toBeUndefined();
    expect(config.eventStoreFile).toMatch(/data\/events\.sqlite$/);
    expect(config.SEED_DOCUMENT).toMatch(/examples\/korosten-self-government-2024-2026\.txt$/);
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(1200);
    expect(config.readModelFile).toBe(config.eventStoreFile.replace(/events\.sqlite$/, 'read-models.sqlite'));
  });

  it('keeps the read models at READ_MODEL_FILE when given (any path: they are rebuildable), but never in the event store’s file', () => {
    expect(loadConfig({ READ_MODEL_FILE: '/var/cache/tracker/views.sqlite' }).readModelFile).toBe('/var/cache/tracker/views.sqlite');
    expect(problemsOf({ DATA_DIR: '/srv/tracker', READ_MODEL_FILE: '/srv/tracker/events.sqlite' })).toEqual([expect.stringMatching(/^READ_MODEL_FILE: must not be the event store's file/)]);
  });

  it('reads tokens, sizes and the EventStoreDB connection string', () => {
    const config = loadConfig({
      API_TOKENS: 'secretariat:0123456789abcdef0123,auditor:fedcba9876543210fedc',
      BODY_LIMIT: '512kb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      SEED_DOCUMENT: '',
    });
    expect(config.API_TOKENS).toEqual([
      { role: 'secretariat', token: '0123456789abcdef0123' },
      { role: 'auditor', token: 'fedcba9876543210fedc' },
    ]);
    expect(config.BODY_LIMIT).toBe(512 * 1024);
    expect(config.EVENTSTORE_CONNECTION_STRING).toBe('esdb://localhost:2113?tls=false');
    expect(config.SEED_DOCUMENT).toBe('');
  });

  it('names every bad variable and what it accepts', () => {
    const problems = problemsOf({ PORT: 'eighty', BODY_LIMIT: 'huge', LOG_LEVEL: 'loud', RATE_LIMIT_PER_MINUTE: '-1' });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: must be a whole number \(got "eighty"\)$/),
      expect.stringMatching(/^RATE_LIMIT_PER_MINUTE: .*whole number/),
      expect.stringMatching(/^BODY_LIMIT: .*1048576, 512kb or 1MiB/),
      expect.stringMatching(/^LOG_LEVEL: must be one of fatal, error/),
    ]);
  });

  it('names an unusable store address, and an empty host or data directory', () => {
    const problems = problemsOf({ EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113', HOST: ' ', DATA_DIR: '' });
    expect(problems).toEqual([
      expect.stringMatching(/^HOST: must not be empty/),
      expect.stringMatching(/^DATA_DIR: must not be empty/),
      expect.stringMatching(/^EVENTSTORE_CONNECTION_STRING: .*esdb:\/\/host:2113\?tls=false \(got "http:\/\/localhost:2113"\)$/),
    ]);
  });

  it('takes a kurrentdb:// address as the esdb:// one the client reads, and a client can be built from every scheme it takes', async () => {
    const schemes = ['esdb://db:2113?tls=false', 'esdb+discover://a:2113,b:2113?tls=false', 'kurrentdb://db:2113?tls=false', 'kurrentdb+discover://a:2113,b:2113'];
    const accepted = schemes.map((connection) => loadConfig({ EVENTSTORE_CONNECTION_STRING: connection }).EVENTSTORE_CONNECTION_STRING as string);
    expect(accepted).toEqual(['esdb://db:2113?tls=false', 'esdb+discover://a:2113,b:2113?tls=false', 'esdb://db:2113?tls=false', 'esdb+discover://a:2113,b:2113']);
    for (const connection of accepted) await new EsdbEventStore(connection).close();
  });

  it('reads every store address docker-compose.yml gives the app', () => {
    const compose = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
    const addresses = [...compose.matchAll(/^\s*EVENTSTORE_CONNECTION_STRING: (\S+)$/gm)].map((m) => m[1]);
    expect(addresses).toHaveLength(2);
    for (const address of addresses) expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: address }).EVENTSTORE_CONNECTION_STRING).toBe(address);
  });

  it('runs the container in production, so that without tokens it stops naming them instead of printing development tokens into docker logs', () => {
    const root = join(__dirname, '..', '..');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/^ENV NODE_ENV=production\b/m);
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    expect([...compose.matchAll(/^\s*API_TOKENS:(.*)$/gm)].map((m) => m[1].trim())).toEqual(['${API_TOKENS:-}']);
    expect(problemsOf({ NODE_ENV: 'production', HOST: '0.0.0.0', API_TOKENS: '' })).toEqual([expect.stringMatching(/^API_TOKENS: required when NODE_ENV=production/)]);
  });

  it('names a store address the client cannot read, and one that would have refused appends reported instead of thrown', () => {
    expect(problemsOf({ EVENTSTORE_CONNECTION_STRING: 'esdb://db:twenty?tls=false' })).toEqual([expect.stringMatching(/^EVENTSTORE_CONNECTION_STRING: .*expected port number/)]);
    expect(problemsOf({ EVENTSTORE_CONNECTION_STRING: 'esdb://db:2113?throwOnAppendFailure=false' })).toEqual([
      expect.stringMatching(/^EVENTSTORE_CONNECTION_STRING: .*throwOnAppendFailure=false is not supported/),
    ]);
  });

  it('names a bad store address without echoing its password', () => {
    for (const password of ['S3cr3t-p@ss', 'Ab/c+d==', 'a?b#c']) {
      const [problem] = problemsOf({ EVENTSTORE_CONNECTION_STRING: `esdb://admin:${password}@db:2113?tls=maybe` });
      expect(problem).toMatch(/^EVENTSTORE_CONNECTION_STRING: .*\(got "esdb:\/\/admin:\*\*\*@db:2113\?tls=maybe"\)$/);
      expect(problem).not.toContain(password);
    }
  });

  it('names an option the store client does not know, which it would ignore, without printing the string', () => {
    const warn = jest.spyOn(console, 'warn');
    try {
      expect(problemsOf({ EVENTSTORE_CONNECTION_STRING: 'esdb://admin:S3cr3t@a:2113,b:2113?tls=false&maxDiscoverAttemps=60' })).toEqual([
        'EVENTSTORE_CONNECTION_STRING: the client knows no option "maxDiscoverAttemps" and would ignore it (got "esdb://admin:***@a:2113,b:2113?tls=false&maxDiscoverAttemps=60")',
      ]);
      expect(warn).not.toHaveBeenCalled();
      expect(console.warn).toBe(warn);
    } finally {
      warn.mockRestore();
    }
  });

  it('reads TRUST_PROXY as a count of proxies or their addresses and ranges, and names anything else, "true" included', () => {
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.5, 10.0.0.0/8,fd00::/8 ,loopback,uniquelocal, 10.0.0.0/255.0.0.0' }).TRUST_PROXY).toEqual([
      '10.0.0.5',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
      'uniquelocal',
      '10.0.0.0/255.0.0.0',
    ]);
    for (const wrong of ['true', '0', '11', '10.0.0.0/33', '::1/129', '0.0.0.0/0', '::/0', '10.0.0.0/0.0.0.0', 'proxy.rada.example', '10.0.0.5,', '10.0.0.0/8/1']) {
      expect(problemsOf({ TRUST_PROXY: wrong })).toEqual([expect.stringMatching(/^TRUST_PROXY: takes the proxies' addresses or ranges/)]);
    }
  });

  it('takes PUBLIC_URL without its trailing slash, and names one that is not an http(s) address', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://rada.example/tracker/' }).PUBLIC_URL).toBe('https://rada.example/tracker');
    expect(loadConfig({ PUBLIC_URL: '' }).PUBLIC_URL).toBeUndefined();
    expect(problemsOf({ PUBLIC_URL: 'rada.example' })).toEqual([expect.stringMatching(/^PUBLIC_URL: must be the address clients reach/)]);
  });

  it('names a host that is neither an IP address nor a host name, and takes those that are', () => {
    expect(problemsOf({ HOST: 'not a host!!' })).toEqual([expect.stringMatching(/^HOST: must be an IP address or a host name.*\(got "not a host!!"\)$/)]);
    for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'tracker.rada.example']) expect(loadConfig({ HOST: host }).HOST).toBe(host);
  });

  it('rejects malformed tokens without echoing them', () => {
    const [problem] = problemsOf({ API_TOKENS: 'admin:supersecretsupersecret' });
    expect(problem).toMatch(/^API_TOKENS: .*role:token/);
    expect(problem).not.toContain('supersecret');
  });

  it('refuses one token given for both roles, whichever comes first, without echoing it; a role may have several', () => {
    for (const tokens of ['secretariat:sharedsharedshared1,auditor:sharedsharedshared1', 'auditor:sharedsharedshared1,secretariat:sharedsharedshared1']) {
      const [problem] = problemsOf({ API_TOKENS: tokens });
      expect(problem).toMatch(/^API_TOKENS: one token is given for both (secretariat and auditor|auditor and secretariat); each role needs tokens of its own$/);
    }
    expect(loadConfig({ API_TOKENS: 'secretariat:0123456789abcdef0123,secretariat:fedcba9876543210fedc' }).API_TOKENS).toHaveLength(2);
  });

  it('refuses to start in production without tokens', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^API_TOKENS: required when NODE_ENV=production/)]);
  });
});
