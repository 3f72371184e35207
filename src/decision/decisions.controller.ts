import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Roles } from '../http/auth.guard';
import { commandContext, replayed, type WriteResponse } from '../http/command-context';
import { noQuerySchema } from '../http/schemas';
import { ZodPipe } from '../http/zod.pipe';
import { decisionBodySchema, decisionCorrectionSchema, decisionParams } from './decision.api';
import { CorrectDecision, GetDecision, GetDecisionChanges, ListDecisions, RegisterDecision } from './decision.handlers';
import type { RegisteredDecision } from './decisions.projection';

@Controller('api/v1/decisions')
export class DecisionsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('secretariat')
  async register(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Body(new ZodPipe(decisionBodySchema)) body: z.output<typeof decisionBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response: WriteResponse<RegisteredDecision> = await this.commands.execute(new RegisterDecision(body, commandContext(request, body)));
    void reply.header('location', `/api/v1/decisions/${response.body.id}`);
    return replayed(reply, response);
  }

  @Post(':id/corrections')
  @Roles('secretariat')
  async correct(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Param(new ZodPipe(decisionParams, 'params')) params: z.output<typeof decisionParams>,
    @Body(new ZodPipe(decisionCorrectionSchema)) body: z.output<typeof decisionCorrectionSchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return replayed(reply, await this.commands.execute(new CorrectDecision(params.id, body, commandContext(request, body))));
  }

  @Get()
  list(@Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>) {
    return this.queries.execute(new ListDecisions());
  }

  @Get(':id')
  get(
    @Param(new ZodPipe(decisionParams, 'params')) params: z.output<typeof decisionParams>,
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
  ) {
    return this.queries.execute(new GetDecision(params.id));
  }

  /** Who changed the decision, when and how: the audit trail's people, so for auditors and the secretariat. */
  @Get(':id/changes')
  @Roles('auditor', 'secretariat')
  changes(
    @Param(new ZodPipe(decisionParams, 'params')) params: z.output<typeof decisionParams>,
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
  ) {
    return this.queries.execute(new GetDecisionChanges(params.id));
  }
}
