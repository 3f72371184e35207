import { SingleBar } from 'cli-progress';
import pino from 'pino';
import { type Config, loadConfigOrExit } from '../config/config.schema';
import { startupFailure } from '../config/startup.problems';
import { rebuildReadModels } from './rebuild';

/**
 * `npm run rebuild`: refolds every read model from the event log, with a progress bar on stderr and the
 * rate on stdout. Configured like the server (DATA_DIR, EVENTSTORE_CONNECTION_STRING, LOG_LEVEL).
 */
async function main(config: Config): Promise<void> {
  // Logs go to stderr beside the bar: stdout carries only the result.
  const logger = pino({ level: config.LOG_LEVEL }, pino.destination(2));
  // A running server holds the data directory's lock: rebuildReadModels refuses to start beside it.
  process.stderr.write(`Rebuilding the read models in ${config.readModelFile} from the event log.\n`);

  const bar = new SingleBar({
    format: 'rebuild [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left',
    stream: process.stderr,
    hideCursor: true,
    // Piped into a log, the bar is a line every few seconds instead of nothing until the end.
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  let result;
  try {
    result = await rebuildReadModels(config, { logger, onStart: (total) => bar.start(total, 0), onProgress: (processed) => bar.update(processed) });
  } finally {
    bar.stop();
  }
  const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
  process.stdout.write(`Rebuilt the read models from ${result.events.toLocaleString('en-US')} events in ${result.seconds.toFixed(2)} s: ${rate.toLocaleString('en-US')} events/s.\n`);
}

const config = loadConfigOrExit(process.env);
main(config).catch((error: unknown) => {
  // Configured like the server, so a value that does not work here is said the same way.
  process.stderr.write(`rebuild failed: ${startupFailure(error, config)}\n`);
  process.exit(1);
});
