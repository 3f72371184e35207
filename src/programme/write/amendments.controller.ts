import { Body, Controller, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Roles } from '../../http/auth.guard';
import { commandContext, etag, replayed, type WriteResponse } from '../../http/command-context';
import { noQuerySchema } from '../../http/schemas';
import { ZodPipe } from '../../http/zod.pipe';
import { ImportProgramme, type Imported } from '../import/import.handler';
import { amendmentBodySchema, amendmentParams, importBodySchema, programmeParams, revocationBodySchema } from '../programme.api';
import { type AmendmentWritten, RegisterAmendment, RevokeAmendment } from './amendment.handlers';

/** The secretariat's writes to programmes: the annex import, amendments and their revocation. */
@Controller('api/v1/programmes')
export class AmendmentsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('import')
  @Roles('secretariat')
  async import(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Body(new ZodPipe(importBodySchema)) body: z.output<typeof importBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response: WriteResponse<Imported> = await this.commands.execute(new ImportProgramme(body, commandContext(request, body)));
    void reply.header('etag', etag(response.body.revision)).header('location', `/api/v1/programmes/${body.programmeId}`);
    return replayed(reply, response);
  }

  @Post(':id/amendments')
  @Roles('secretariat')
  async amend(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Param(new ZodPipe(programmeParams, 'params')) params: z.output<typeof programmeParams>,
    @Body(new ZodPipe(amendmentBodySchema)) body: z.output<typeof amendmentBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response: WriteResponse<AmendmentWritten> = await this.commands.execute(new RegisterAmendment(params.id, body, commandContext(request, body, { ifMatch: true })));
    void reply.header('etag', etag(response.body.revision));
    return replayed(reply, response);
  }

  @Post(':id/amendments/:amendmentId/revocation')
  @Roles('secretariat')
  async revoke(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Param(new ZodPipe(amendmentParams, 'params')) params: z.output<typeof amendmentParams>,
    @Body(new ZodPipe(revocationBodySchema)) body: z.output<typeof revocationBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response: WriteResponse<AmendmentWritten> = await this.commands.execute(
      new RevokeAmendment(params.id, params.amendmentId, body.reason, commandContext(request, body, { ifMatch: true })),
    );
    void reply.header('etag', etag(response.body.revision));
    return replayed(reply, response);
  }
}
