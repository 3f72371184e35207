import type { Options, Result } from 'autocannon';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config.schema';
import { median, type Progress, startProgress } from '../measure';
import type { Figure, Section } from '../section';

const PROGRAMME = 'korosten-self-government-2024-2026';
const PATH = `/api/v1/programmes/${PROGRAMME}`;
const CONNECTIONS = 32;
const WARM_UP_SECONDS = 2;
/** Short runs and more turns: bursts of other work on a shared machine then fall on both servers more evenly. */
const RUN_SECONDS = 6;
const TURNS = 5;
const TARGET = 0.5;
/** The highest limit the configuration accepts: the plugin's hook runs on every request, yet no run comes near it. */
const RATE_LIMIT_PER_MINUTE = '10000000';

/**
 * autocannon in its own process: in the servers' process its parsing and bookkeeping would take turns with the
 * request handling on the same event loop, and the limit would mostly measure the load generator.
 */
const LOAD_GENERATOR = `require(process.argv[1])(JSON.parse(process.argv[2]), (error, result) => {
  if (error) throw error;
  process.stdout.write(JSON.stringify(result));
});`;
const execFileAsync = promisify(execFile);

interface Load {
  readonly perSecond: number;
  readonly p99: number;
}

interface Contender {
  readonly name: string;
  readonly url: string;
  readonly loads: Load[];
}

export const httpSection: Section = {
  name: 'http',
  description: [
    `GET ${PATH} (the current view, served from the view cache: JSON serialised once per revision) through createApp, the app \`npm start\` runs,`,
    `on 127.0.0.1 with its read models in a fresh data directory under ${tmpdir()} seeded with the bundled Korosten annex and logging silent.`,
    `The app path: Fastify routing, the request-id hook (a UUID per request), helmet's headers, @fastify/rate-limit at ${Number(RATE_LIMIT_PER_MINUTE).toLocaleString('en-US')}/min`,
    `(its hook runs, its limit is never reached), Nest's router, the auth guard with an auditor bearer token (SHA-256 + timingSafeEqual),`,
    `the zod pipes on params and query, the QueryBus and the view-cache lookup, and the metrics histogram on response.`,
    `limit: a bare node:http server in the same process answering the app's body, byte for byte, with the app's content-type and nothing else.`,
    `Load: autocannon in a child process, ${CONNECTIONS} connections, pipelining 1, ${RUN_SECONDS} s per run after ${WARM_UP_SECONDS} s of warm-up each;`,
    `${TURNS} runs each, taking turns and swapping which goes first; medians. On a 2-core machine the load generator takes one core from`,
    `the server either way, so both figures are below what a separate client machine would see, alike.`,
  ].join('\n'),
  async run(): Promise<Figure[]> {
    const directory = mkdtempSync(join(tmpdir(), 'bench-http-'));
    const progress = startProgress(2 * (WARM_UP_SECONDS + TURNS * RUN_SECONDS), 's');
    let app: NestFastifyApplication | undefined;
    let bare: Server | undefined;
    try {
      const token = randomBytes(24).toString('base64url');
      progress.phase('starting the app');
      app = await startApp(directory, token);
      const appUrl = `${urlOf(app.getHttpServer())}${PATH}`;
      const answer = await fetch(appUrl, { headers: { authorization: `Bearer ${token}` } });
      if (answer.status !== 200) throw new Error(`GET ${PATH} answered ${answer.status}: ${await answer.text()}`);
      const body = Buffer.from(await answer.arrayBuffer());
      bare = await startBare(body, answer.headers.get('content-type') ?? 'application/json');

      const contenders: [Contender, Contender] = [
        { name: 'app', url: appUrl, loads: [] },
        { name: 'bare', url: `${urlOf(bare)}${PATH}`, loads: [] },
      ];
      for (const { name, url } of contenders) {
        progress.phase(`warm-up ${name}`);
        await load(url, WARM_UP_SECONDS, token, progress);
      }
      for (let turn = 0; turn < TURNS; turn++) {
        for (const contender of turn % 2 === 0 ? contenders : [contenders[1], contenders[0]]) {
          progress.phase(`${contender.name} ${turn + 1}/${TURNS}`);
          contender.loads.push(await load(contender.url, RUN_SECONDS, token, progress));
        }
      }

      const [appLoads, bareLoads] = contenders.map(({ loads }) => loads);
      const medianOf = (loads: readonly Load[], figure: keyof Load) => median(loads.map((one) => one[figure]));
      return [
        { name: 'view body', value: body.length / 1024, unit: 'KiB' },
        { name: `GET view, ${CONNECTIONS} connections`, value: medianOf(appLoads, 'perSecond'), limit: medianOf(bareLoads, 'perSecond'), unit: 'req/s', target: TARGET },
        { name: 'GET view p99 latency', value: medianOf(appLoads, 'p99'), limit: medianOf(bareLoads, 'p99'), lowerIsBetter: true, unit: 'ms' },
      ];
    } finally {
      progress.stop();
      if (bare) await once(bare.close(), 'close');
      await app?.close();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

async function startApp(directory: string, auditorToken: string): Promise<NestFastifyApplication> {
  const config = loadConfig({
    DATA_DIR: directory,
    API_TOKENS: `secretariat:${randomBytes(24).toString('base64url')},auditor:${auditorToken}`,
    RATE_LIMIT_PER_MINUTE,
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

async function startBare(body: Buffer, contentType: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address}:${port}`;
}

async function load(url: string, seconds: number, token: string, progress: Progress): Promise<Load> {
  const options: Options = { url, connections: CONNECTIONS, pipelining: 1, duration: seconds, headers: { authorization: `Bearer ${token}` } };
  const { stdout } = await execFileAsync(process.execPath, ['-e', LOAD_GENERATOR, require.resolve('autocannon'), JSON.stringify(options)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as Result;
  // A server answering errors fast would look fast.
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts in ${result.requests.total} requests`);
  }
  progress.advance(seconds);
  return { perSecond: result.requests.total / result.duration, p99: result.latency.p99 };
}
