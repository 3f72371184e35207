import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config.schema';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  const app = await createApp(config, logger);
  await app.listen({ port: config.PORT, host: config.HOST });
  // The bound address, not the configured one: PORT=0 asks the system for a free port.
  const url = await app.getUrl();
  logger.info({ url, docs: `${url}/docs` }, 'programme amendment tracker listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
