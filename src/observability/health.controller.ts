import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { OPENAPI_DOCUMENT, type OpenApiDocument } from '../http/openapi';
import { ProblemException } from '../http/problem';
import { ProjectionRunner } from '../projections/projection.runner';
import { Metrics } from './metrics';

/** Public, outside /api/v1: liveness, readiness, Prometheus and the OpenAPI document. */
@Controller()
export class HealthController {
  constructor(
    @Inject(OPENAPI_DOCUMENT) private readonly document: OpenApiDocument,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    try {
      await this.store.ping();
    } catch {
      throw new ProblemException(503, 'StoreUnavailable', `the ${this.store.kind} event store does not answer`);
    }
    const projections = await this.runner.readiness();
    if (projections.failure !== undefined) {
      // The failure's own text (a file path, a store's address) is for the log, where the runner wrote it: anyone may ask here.
      throw new ProblemException(503, 'NotReady', 'the read models stopped on a failure and are retrying; the server log says why', [
        { code: 'ProjectionFailed', message: 'a batch of events could not be written to the read models' },
      ]);
    }
    if (projections.withheld) {
      throw new ProblemException(503, 'NotReady', 'the read models are being prepared: folded afresh from the event log, or the seed document imported into an empty store', [
        { code: 'ReadModelsRebuilding', message: 'the API answers once the whole log is folded and the seed is in' },
      ]);
    }
    if (!projections.ready) {
      throw new ProblemException(503, 'NotReady', 'the read models are still catching up', [
        { code: 'ProjectionLag', message: `${projections.lagEvents} event(s) behind`, lagEvents: projections.lagEvents },
      ]);
    }
    return { status: 'ready', store: this.store.kind, lagEvents: 0 };
  }

  @Get('metrics')
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply) {
    await this.runner.readiness().catch(() => undefined);
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }

  @Get('docs-json')
  @Header('content-type', 'application/json; charset=utf-8')
  docs() {
    return this.document;
  }
}
