import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { KOROSTEN } from '../support/app';

/**
 * The real entry point (`src/main.ts`) as a child process, as `npm start` runs it, but from the TypeScript sources.
 * Its environment is built from scratch: the test runner's own variables (NODE_ENV=test, …) must not leak in.
 */
const ROOT = resolve(__dirname, '..', '..');
const STARTUP_TIMEOUT = 60_000;

interface Server {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Server {
  const child = spawn(process.execPath, ['-r', './test/support/register-ts.js', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the first stdout line that matches; rejects (with the output so far) if the process exits first. */
function lineMatching(server: Server, pattern: RegExp): Promise<string> {
  return new Promise((found, failed) => {
    const look = () => {
      const line = server.stdout().split('\n').find((l) => pattern.test(l));
      if (line === undefined) return false;
      server.child.stdout?.off('data', look);
      found(line);
      return true;
    };
    if (look()) return;
    server.child.stdout?.on('data', look);
    void server.exited.then((code) => failed(new Error(`exited with ${code} before printing ${pattern}:\n${server.stdout()}\n${server.stderr()}`)));
  });
}

const jsonLines = (text: string) => text.split('\n').filter((line) => line.startsWith('{'));
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('starting the server from its entry point', () => {
  const dataDirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'programme-tracker-start-'));
    dataDirs.push(dir);
    return dir;
  };
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it(
    'stops with a message naming PORT when PORT is not a number',
    async () => {
      const server = launch({ PORT: 'eighty', DATA_DIR: dataDir() });

      expect(await server.exited).not.toBe(0);
      expect(server.stderr()).toMatch(/PORT/);
      // A configuration message, not a crash with a stack trace.
      expect(server.stderr()).not.toMatch(/^\s+at /m);
    },
    STARTUP_TIMEOUT,
  );

  it(
    'stops with a message naming SEED_DOCUMENT when the store is empty and the seed document does not exist',
    async () => {
      const server = launch({ SEED_DOCUMENT: '/no/such/annex.txt', DATA_DIR: dataDir() });

      expect(await server.exited).not.toBe(0);
      expect(server.stderr()).toMatch(/SEED_DOCUMENT: \/no\/such\/annex\.txt does not exist, and the store is empty/);
      expect(server.stderr()).not.toMatch(/^\s+at /m);
    },
    STARTUP_TIMEOUT,
  );

  it(
    'stops with a message naming SEED_DOCUMENT and the lines the importer could not place, or the read that failed, without a stack',
    async () => {
      // given a seed with two amounts run together ("75 75") and a seed that is a directory
      const dir = dataDir();
      const bad = join(dir, 'bad-annex.txt');
      writeFileSync(bad, readFileSync(join(__dirname, '../../examples/korosten-self-government-2024-2026.txt'), 'utf8').replace('75,00\t75,00', '75 75\t75,00'));
      const unreadable = launch({ SEED_DOCUMENT: bad, DATA_DIR: dataDir() });
      const directory = launch({ SEED_DOCUMENT: dir, DATA_DIR: dataDir() });

      // then each stops, saying why
      expect(await unreadable.exited).toBe(1);
      expect(unreadable.stderr()).toMatch(/SEED_DOCUMENT: .*bad-annex\.txt cannot be imported: the document could not be read/);
      expect(unreadable.stderr()).toMatch(/SEED_DOCUMENT: line 18: .*"75 75" is not an amount/);
      expect(unreadable.stderr()).not.toMatch(/^\s+at /m);
      expect(await directory.exited).toBe(1);
      expect(directory.stderr()).toMatch(/SEED_DOCUMENT: .* cannot be read \(EISDIR\)/);
      expect(directory.stderr()).not.toMatch(/^\s+at /m);
    },
    STARTUP_TIMEOUT,
  );

  it(
    'stops the same way, exiting 1, when the store is found empty only after it listens (wiped beside kept read models) and the seed document does not exist',
    async () => {
      // given the read models of a seeded server beside an empty store
      const kept = dataDir();
      const first = launch({ PORT: '0', DATA_DIR: kept });
      await lineMatching(first, /"msg":"programme amendment tracker listening"/);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      const wiped = dataDir();
      writeFileSync(join(wiped, 'read-models.sqlite'), readFileSync(join(kept, 'read-models.sqlite')));

      // when a server starts on them with a seed document that is not there
      const server = launch({ PORT: '0', DATA_DIR: wiped, SEED_DOCUMENT: '/no/such/annex.txt' });

      // then it stops with the message a start on an empty data directory gives, and exit code 1
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toMatch(/failed to start: Invalid configuration:\n  - SEED_DOCUMENT: \/no\/such\/annex\.txt does not exist, and the store is empty/);
    },
    STARTUP_TIMEOUT,
  );

  it(
    'stops with a message naming PORT when the port is taken, and DATA_DIR when it cannot be created',
    async () => {
      const taken = createServer();
      await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
      try {
        const port = String((taken.address() as AddressInfo).port);
        const busyDir = join(dataDir(), 'not-yet');
        const busy = launch({ PORT: port, DATA_DIR: busyDir });
        const file = join(dataDir(), 'a-file');
        writeFileSync(file, '');
        const underFile = launch({ PORT: '0', DATA_DIR: join(file, 'data') });

        expect(await busy.exited).not.toBe(0);
        expect(busy.stderr()).toMatch(new RegExp(`failed to start: Invalid configuration:\\n  - PORT: ${port} is already in use on 127\\.0\\.0\\.1`));
        // found before the data directory is made, the seed imported or development tokens printed
        expect(existsSync(busyDir)).toBe(false);
        expect(busy.stdout()).not.toMatch(/DEVELOPMENT MODE/);
        expect(await underFile.exited).not.toBe(0);
        expect(underFile.stderr()).toMatch(/failed to start: Invalid configuration:\n  - DATA_DIR: cannot use .*a-file\/data \(ENOTDIR\)/);
        // Values to change, not crashes with a stack trace.
        for (const server of [busy, underFile]) expect(server.stderr()).not.toMatch(/^\s+at /m);
      } finally {
        taken.close();
      }
    },
    STARTUP_TIMEOUT,
  );

  it(
    'refuses to start in production without API_TOKENS, and prints no development tokens',
    async () => {
      const server = launch({ NODE_ENV: 'production', DATA_DIR: dataDir() });

      expect(await server.exited).not.toBe(0);
      expect(server.stderr()).toMatch(/API_TOKENS/);
      expect(server.stdout()).not.toMatch(/DEVELOPMENT MODE/);
    },
    STARTUP_TIMEOUT,
  );

  it(
    'does not echo a rejected token in its message',
    async () => {
      const server = launch({ NODE_ENV: 'production', API_TOKENS: 'secretariat:tooShortSecret1', DATA_DIR: dataDir() });

      expect(await server.exited).not.toBe(0);
      expect(server.stderr()).toMatch(/API_TOKENS/);
      expect(server.stderr() + server.stdout()).not.toContain('tooShortSecret1');
    },
    STARTUP_TIMEOUT,
  );

  it(
    'on SIGTERM answers what still arrives with 503 ServerStopping and Retry-After, instead of resetting it, then exits cleanly',
    async () => {
      const server = launch({ PORT: '0', DATA_DIR: dataDir(), SEED_DOCUMENT: '' });
      const { url } = JSON.parse(await lineMatching(server, /"msg":"programme amendment tracker listening"/));
      await request(url).get('/api/v1/programmes').expect(200);

      // when it is told to stop, and requests go on arriving until one is refused
      server.child.kill('SIGTERM');
      let late = await request(url).get('/api/v1/programmes');
      while (late.status === 200) late = await request(url).get('/api/v1/programmes');

      // then the refusal is an answer, not a reset connection
      expect(late.status).toBe(503);
      expect(late.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(late.headers['retry-after']).toBe('5');
      expect(late.body).toMatchObject({ status: 503, code: 'ServerStopping' });
      expect(await server.exited).toBe(0);
      // and a stop it was asked for is logged as that, not as failed requests
      const logged = server
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; code?: string; err?: unknown });
      expect(logged.filter((entry) => entry.level >= 50)).toEqual([]);
      const refusals = logged.filter((entry) => entry.code === 'ServerStopping');
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals.map((entry) => ({ level: entry.level, stack: 'err' in entry }))).toEqual(refusals.map(() => ({ level: 40, stack: false })));
      expect(logged.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    },
    STARTUP_TIMEOUT,
  );

  /**
   * A seedless server and a request on it that announced 100 bytes of body and sent six, returned once the server
   * has begun that request (logged it as incoming); `answer` and `closed` tell what the connection received and
   * when it closed.
   */
  async function stalledRequest() {
    const server = launch({ PORT: '0', DATA_DIR: dataDir(), SEED_DOCUMENT: '' });
    const { url } = JSON.parse(await lineMatching(server, /"msg":"programme amendment tracker listening"/));
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    const closed = new Promise((done) => socket.once('close', done));
    await new Promise((connected) => socket.once('connect', connected));
    socket.write(`POST /api/v1/decisions HTTP/1.1\r\nHost: ${hostname}\r\nX-Request-Id: stalled-request\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a": `);
    // Sent is not yet read: a SIGTERM the server handled before reading these bytes would answer the request
    // 503 ServerStopping as one arriving during the stop, and there would be no request under way to wait for.
    await lineMatching(server, /"reqId":"stalled-request".*"msg":"incoming request"/);
    return {
      server,
      answer: () => answer,
      closed,
      // A server that did not stop must not outlive the test run.
      end: () => {
        socket.destroy();
        server.child.kill('SIGKILL');
      },
    };
  }

  it(
    'answers 408 RequestTimeout, as a problem, to a request whose body has not arrived 30 s after it began, and closes its connection',
    async () => {
      // given
      const stalled = await stalledRequest();
      try {
        // when the server gives up on it
        await stalled.closed;
        // then
        const [head, body] = stalled.answer().split('\r\n\r\n');
        expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
        expect(head).toMatch(/\r\nContent-Type: application\/problem\+json/);
        expect(JSON.parse(body)).toMatchObject({ status: 408, code: 'RequestTimeout' });
      } finally {
        stalled.end();
      }
    },
    STARTUP_TIMEOUT,
  );

  it(
    'on SIGTERM closes, after its deadline, a request whose body never arrives whole, and exits cleanly instead of waiting for it',
    async () => {
      // given
      const stalled = await stalledRequest();
      try {
        // when it is told to stop
        stalled.server.child.kill('SIGTERM');
        // then it closes that connection and exits
        await stalled.closed;
        expect(await stalled.server.exited).toBe(0);
        const logged = jsonLines(stalled.server.stdout()).map((line) => JSON.parse(line) as { msg: string });
        expect(logged.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['requests still under way: closing their connections', 'stopped']));
      } finally {
        stalled.end();
      }
    },
    STARTUP_TIMEOUT,
  );

  describe('in development mode, without API_TOKENS', () => {
    let server: Server;
    let url: string;
    let tokens: { secretariat: string; auditor: string };

    beforeAll(async () => {
      // PORT=0: the system picks a free port and the server logs where it listens.
      server = launch({ NODE_ENV: 'development', PORT: '0', DATA_DIR: dataDir(), LOG_LEVEL: 'trace' });
      const listening = JSON.parse(await lineMatching(server, /"msg":"programme amendment tracker listening"/));
      url = listening.url;
      const token = (role: string) => new RegExp(`^\\s+${role}: (\\S+)$`, 'm').exec(server.stdout())?.[1] ?? '';
      tokens = { secretariat: token('secretariat'), auditor: token('auditor') };
    }, STARTUP_TIMEOUT);

    afterAll(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    });

    it('logs the address it really listens on', () => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    });

    it('prints DEVELOPMENT MODE and one token per role, once, and logs the mode (without the tokens)', () => {
      expect(occurrences(server.stdout(), 'DEVELOPMENT MODE')).toBe(1);
      const logged = server
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; mode?: string });
      expect(logged.filter((entry) => entry.mode === 'development')).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/^development mode: no API_TOKENS/) })]);
      expect(tokens.secretariat).toMatch(/^\S{16,}$/);
      expect(tokens.auditor).toMatch(/^\S{16,}$/);
      expect(tokens.auditor).not.toBe(tokens.secretariat);
      for (const token of Object.values(tokens)) expect(occurrences(server.stdout() + server.stderr(), token)).toBe(1);
    });

    it('accepts the printed tokens with their roles', async () => {
      const http = request(url);
      await http
        .post('/api/v1/decisions')
        .set('Authorization', `Bearer ${tokens.secretariat}`)
        .send({ council: 'Коростенська міська рада', convocation: 'VIII', session: 40, number: '1501', adoptedOn: '2024-12-20', title: 'Про внесення змін' })
        .expect(201);
      await http.get(`/api/v1/programmes/${KOROSTEN}/audit?limit=1`).set('Authorization', `Bearer ${tokens.auditor}`).expect(200);
      // The auditor's token is known (403, not 401), but it may not write.
      await http.post('/api/v1/decisions').set('Authorization', `Bearer ${tokens.auditor}`).send({}).expect(403);
    });

    it('never writes a token or the Authorization header into its JSON log', async () => {
      // given a request with a token, whose log lines we can find by its request id
      await request(url).get('/api/v1/programmes').set('Authorization', `Bearer ${tokens.secretariat}`).set('X-Request-Id', 'startup-log-check').expect(200);
      await lineMatching(server, /"reqId":"startup-log-check".*"msg":"request completed"/);
      // (and one from a client that put its token in the URL, which the API does not read there)
      await request(url).get(`/api/v1/programmes?access_token=${tokens.auditor}`).set('X-Request-Id', 'startup-log-check-query').expect(400);
      const incoming = await lineMatching(server, /"reqId":"startup-log-check-query".*"msg":"incoming request"/);
      expect(JSON.parse(incoming).req.url).toBe('/api/v1/programmes?access_token=[redacted]');

      // then the request was logged, and no log line holds a token or the header
      const log = jsonLines(server.stdout()).concat(jsonLines(server.stderr()));
      expect(log.filter((line) => line.includes('"reqId":"startup-log-check"')).length).toBeGreaterThan(0);
      for (const line of log) {
        expect(line).not.toContain(tokens.secretariat);
        expect(line).not.toContain(tokens.auditor);
        expect(line).not.toMatch(/authorization|bearer/i);
      }
    });
  });
});

describe('the npm scripts that run a long process', () => {
  let bin: string;
  beforeAll(() => {
    // Stand-ins on PATH: `npm run build` succeeds at once, and `node` is a process that reports a SIGTERM it gets.
    bin = mkdtempSync(join(tmpdir(), 'programme-tracker-bin-'));
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(bin, 'node'), "#!/bin/sh\ntrap 'echo got SIGTERM; exit 0' TERM\necho running\nwhile :; do sleep 0.05; done\n", { mode: 0o755 });
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const stopGroup = (pid: number | undefined) => {
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: nothing of the group is left
    }
  };
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it.each(['start', 'rebuild', 'bench'])(
    '%s: a SIGTERM sent to the shell npm runs it in reaches the process, as one from a process manager does through npm',
    async (name) => {
      // given the script's line run as npm runs it, under `sh -c`
      // (in a process group of its own, so that whatever a failing run leaves behind is stopped with it)
      const child = spawn('sh', ['-c', scripts[name]], { cwd: ROOT, env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      await new Promise<void>((running) => {
        const look = () => output.includes('running') && (child.stdout.off('data', look), running());
        child.stdout.on('data', look);
      });

      // when it is asked to stop
      child.kill('SIGTERM');

      // then the process itself got the signal: a shell that kept it as a child would die and leave it running
      try {
        expect(await exited).toBe(0);
        expect(output).toContain('got SIGTERM');
      } finally {
        stopGroup(child.pid);
      }
    },
  );
});
