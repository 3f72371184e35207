import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.schema';
import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** EventStoreDB when a connection string is configured; otherwise the embedded SQLite file under DATA_DIR. */
export function createEventStore(config: Pick<Config, 'EVENTSTORE_CONNECTION_STRING' | 'DATA_DIR' | 'eventStoreFile'>, logger?: Logger): EventStore {
  if (config.EVENTSTORE_CONNECTION_STRING) {
    logger?.info({ store: 'eventstoredb' }, 'event store: EventStoreDB');
    return new EsdbEventStore(config.EVENTSTORE_CONNECTION_STRING, { logger });
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  logger?.info({ store: 'sqlite', file: config.eventStoreFile }, 'event store: embedded SQLite');
  return new SqliteEventStore({ filename: config.eventStoreFile });
}
