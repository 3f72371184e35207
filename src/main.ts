import { createApp } from './app.factory';
import { ConfigError, loadConfigOrExit } from './config/config.schema';
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
  // A configuration problem found while starting is said as such; anything else with its stack.
  const said = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`failed to start: ${said}\n`);
  process.exit(1);
});
