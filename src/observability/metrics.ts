import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests can run several apps in one process. */
export class Metrics {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request durations by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly appends = new Counter({
    name: 'event_store_appends_total',
    help: 'Appends to the event store by stream category and outcome',
    labelNames: ['category', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly appendedEvents = new Counter({
    name: 'event_store_appended_events_total',
    help: 'Events appended to the event store',
    registers: [this.registry],
  });
  readonly projectionLagEvents = new Gauge({
    name: 'projection_lag_events',
    help: 'Events in the store that the read models have not processed yet (sampled at scrape)',
    registers: [this.registry],
  });
  readonly projectionLagSeconds = new Gauge({
    name: 'projection_lag_seconds',
    help: 'Age of the oldest event the read models have not processed yet (0 when caught up)',
    registers: [this.registry],
  });
  readonly projectedEvents = new Counter({
    name: 'projection_events_total',
    help: 'Events processed by the read-model projections',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
