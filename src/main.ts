import { createServer } from 'node:net';
import { createApp } from './app.factory';
import { type Config, loadConfigOrExit } from './config/config.schema';
import { startupFailure } from './config/startup.problems';
import { createLogger } from './observability/logger';

/**
 * A port another process holds is found before anything is written (the data directory, the seed) or printed
 * (development tokens); the listen below can still lose a race for it, and then says the same.
 */
function portFree(config: Config): Promise<void> {
  if (config.PORT === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: config.PORT, host: config.HOST, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function main(config: Config): Promise<void> {
  await portFree(config);
  const logger = createLogger(config);
  const creating = createApp(config, logger, {
    // Found while the app starts or after it listens: it stops the way SIGTERM stops it (once its handler is
    // set, when the app is made), exiting 1.
    onStartFailed: (error) => {
      process.stderr.write(`failed to start: ${startupFailure(error, config)}\n`);
      process.exitCode = 1;
      // A start that fails outright is reported by the catch below instead.
      creating.then(
        () => process.kill(process.pid, 'SIGTERM'),
        () => undefined,
      );
    },
  });
  const app = await creating;
  await app.listen({ port: config.PORT, host: config.HOST });
  // The bound address, not the configured one: PORT=0 asks the system for a free port.
  const url = await app.getUrl();
  logger.info({ url, docs: `${url}/docs` }, 'programme amendment tracker listening');
}

const config = loadConfigOrExit(process.env);
main(config).catch((error: unknown) => {
  process.stderr.write(`failed to start: ${startupFailure(error, config)}\n`);
  process.exit(1);
});
