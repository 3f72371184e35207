import { createApp } from './app.factory';
import { type Config, loadConfigOrExit } from './config/config.schema';
import { startupFailure } from './config/startup.problems';
import { createLogger } from './observability/logger';

async function main(config: Config): Promise<void> {
  const logger = createLogger(config);
  const app = await createApp(config, logger);
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
