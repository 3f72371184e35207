import { createApp } from './app.factory';
import { type Config, loadConfigOrExit } from './config/config.schema';
import { startupProblem } from './config/startup.problems';
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
  // A value that does not work here is said as such; anything else with its stack.
  const problem = startupProblem(error, config);
  const said = problem ? problem.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`failed to start: ${said}\n`);
  process.exit(1);
});
