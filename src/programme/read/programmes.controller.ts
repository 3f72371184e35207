import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Roles } from '../../http/auth.guard';
import { etag } from '../../http/command-context';
import { noQuerySchema } from '../../http/schemas';
import { ZodPipe } from '../../http/zod.pipe';
import { auditQuerySchema, diffQuerySchema, knownAtQuerySchema, programmeParams, versionParams, viewQuerySchema } from '../programme.api';
import { GetAudit, GetDiff, GetProgrammeView, GetVersion, ListProgrammes, ListVersions, type SerializedView } from './programme-read.handlers';

@Controller('api/v1/programmes')
export class ProgrammesController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @Get()
  list(@Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>) {
    return this.queries.execute(new ListProgrammes());
  }

  @Get(':id')
  async view(
    @Param(new ZodPipe(programmeParams, 'params')) params: z.output<typeof programmeParams>,
    @Query(new ZodPipe(viewQuerySchema, 'query')) query: z.output<typeof viewQuerySchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view: SerializedView = await this.queries.execute(new GetProgrammeView(params.id, query.asOf, query.knownAt));
    void reply.header('etag', etag(view.revision)).header('content-type', 'application/json; charset=utf-8');
    return view.json;
  }

  @Get(':id/versions')
  versions(
    @Param(new ZodPipe(programmeParams, 'params')) params: z.output<typeof programmeParams>,
    @Query(new ZodPipe(knownAtQuerySchema, 'query')) query: z.output<typeof knownAtQuerySchema>,
  ) {
    return this.queries.execute(new ListVersions(params.id, query.knownAt));
  }

  @Get(':id/versions/:decisionId')
  version(
    @Param(new ZodPipe(versionParams, 'params')) params: z.output<typeof versionParams>,
    @Query(new ZodPipe(knownAtQuerySchema, 'query')) query: z.output<typeof knownAtQuerySchema>,
  ) {
    return this.queries.execute(new GetVersion(params.id, params.decisionId, query.knownAt));
  }

  @Get(':id/diff')
  diff(
    @Param(new ZodPipe(programmeParams, 'params')) params: z.output<typeof programmeParams>,
    @Query(new ZodPipe(diffQuerySchema, 'query')) query: z.output<typeof diffQuerySchema>,
  ) {
    return this.queries.execute(new GetDiff(params.id, query.from, query.to, query.knownAt));
  }

  @Get(':id/audit')
  @Roles('auditor', 'secretariat')
  async audit(
    @Param(new ZodPipe(programmeParams, 'params')) params: z.output<typeof programmeParams>,
    @Query(new ZodPipe(auditQuerySchema, 'query')) query: z.output<typeof auditQuerySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page: { next: string | null } = await this.queries.execute(new GetAudit(params.id, query));
    // The next page also as RFC 8288 says, for clients that follow links: this request with `after` moved on. A
    // reference relative to the request's own path, which holds behind a proxy that serves the API under a prefix.
    if (page.next !== null) {
      const next = new URL(request.url, 'http://host');
      next.searchParams.set('after', page.next);
      void reply.header('link', `<audit${next.search}>; rel="next"`);
    }
    return page;
  }
}
