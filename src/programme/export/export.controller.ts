import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CONFIG, type Config } from '../../config/config.schema';
import { Roles } from '../../http/auth.guard';
import { ProblemException } from '../../http/problem';
import { noQuerySchema } from '../../http/schemas';
import { ZodPipe } from '../../http/zod.pipe';
import { auditExportQuerySchema } from '../programme.api';
import { diffExportQuerySchema, exportParams, exportQuerySchema } from './export.api';
import { ExportAudit, ExportDiff, type ExportedFile, ExportProgramme, OpenDataAmendments, OpenDataProgrammes } from './export.handlers';

/** RFC 3986's authority without userinfo: a bracketed IP literal or a reg-name (IPv4 included), then a port of digits. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::(\d{0,5}))?$/;

function send(reply: FastifyReply, file: ExportedFile): string | Buffer {
  void reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`);
  return file.body;
}

/** Documents and open data, for anyone: the annex in a new wording, the comparative table, the 835 sets. */
@Controller('api/v1')
export class ExportController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Where the published datasets link to: PUBLIC_URL when set, as behind a proxy the request's own host and
   * scheme are the proxy's view (and a client's Host header would otherwise be printed into the dataset).
   */
  private baseUrl(request: FastifyRequest): string {
    if (this.config.PUBLIC_URL) return this.config.PUBLIC_URL;
    // The datasets print the host into every link: one no URL can hold would publish broken links.
    const host = HOST.exec(request.host);
    // A port is a number below 65536: a URL parser refuses a link with any other.
    if (!host || Number(host[2] ?? 0) > 65535) {
      const message = 'a host name or address, with a port if any (or set PUBLIC_URL on the server)';
      throw new ProblemException(400, 'InvalidHost', `the Host header ${JSON.stringify(request.host)} cannot be part of a link`, [{ path: 'header:Host', code: 'InvalidHost', message }]);
    }
    // Behind a trusted proxy the scheme is its X-Forwarded-Proto, which a client may have sent through it.
    if (request.protocol !== 'http' && request.protocol !== 'https') {
      const message = 'http or https (or set PUBLIC_URL on the server)';
      throw new ProblemException(400, 'InvalidScheme', `the scheme ${JSON.stringify(request.protocol)} cannot open a link`, [{ path: 'header:X-Forwarded-Proto', code: 'InvalidScheme', message }]);
    }
    return `${request.protocol}://${request.host}`;
  }

  @Get('programmes/:id/export')
  async programme(
    @Param(new ZodPipe(exportParams, 'params')) params: z.output<typeof exportParams>,
    @Query(new ZodPipe(exportQuerySchema, 'query')) query: z.output<typeof exportQuerySchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.queries.execute(new ExportProgramme(params.id, query.format, query.asOf, query.knownAt)));
  }

  @Get('programmes/:id/diff/export')
  async diff(
    @Param(new ZodPipe(exportParams, 'params')) params: z.output<typeof exportParams>,
    @Query(new ZodPipe(diffExportQuerySchema, 'query')) query: z.output<typeof diffExportQuerySchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.queries.execute(new ExportDiff(params.id, query.from, query.to, query.format, query.knownAt)));
  }

  /** The audit trail is for those who may read it through the API: auditors and the secretariat. */
  @Get('programmes/:id/audit/export')
  @Roles('auditor', 'secretariat')
  async audit(
    @Param(new ZodPipe(exportParams, 'params')) params: z.output<typeof exportParams>,
    @Query(new ZodPipe(auditExportQuerySchema, 'query')) query: z.output<typeof auditExportQuerySchema>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { format: _csv, ...filter } = query;
    return send(reply, await this.queries.execute(new ExportAudit(params.id, filter)));
  }

  @Get('opendata/programmes.csv')
  async programmes(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.queries.execute(new OpenDataProgrammes(this.baseUrl(request))));
  }

  @Get('opendata/amendments.csv')
  async amendments(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.queries.execute(new OpenDataAmendments(this.baseUrl(request))));
  }
}
