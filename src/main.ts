import { createApp } from './app.factory';
import { loadConfigOrExit } from './config/config.schema';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
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
