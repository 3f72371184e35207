import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { todayInKyiv } from '../common/clock';
import { Roles } from '../http/auth.guard';
import { commandContext, replayed, type WriteResponse } from '../http/command-context';
import { noQuerySchema } from '../http/schemas';
import { ZodPipe } from '../http/zod.pipe';
import { executorBodySchema, executorParams, executorsQuerySchema, renameBodySchema, retireBodySchema } from './executor.api';
import { type ExecutorView, GetExecutor, GetExecutorChanges, ListExecutors, RegisterExecutor, RenameExecutor, RetireExecutor } from './executor.handlers';

@Controller('api/v1/executors')
export class ExecutorsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('secretariat')
  async register(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Body(new ZodPipe(executorBodySchema)) body: z.output<typeof executorBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const response: WriteResponse<ExecutorView> = await this.commands.execute(new RegisterExecutor(body.name, commandContext(request, body)));
    void reply.header('location', `/api/v1/executors/${response.body.id}`);
    return replayed(reply, response);
  }

  @Post(':id/renames')
  @Roles('secretariat')
  async rename(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Param(new ZodPipe(executorParams, 'params')) params: z.output<typeof executorParams>,
    @Body(new ZodPipe(renameBodySchema)) body: z.output<typeof renameBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return replayed(reply, await this.commands.execute(new RenameExecutor(params.id, body.name, body.effectiveFrom, commandContext(request, body))));
  }

  @Post(':id/retirement')
  @Roles('secretariat')
  async retire(
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
    @Param(new ZodPipe(executorParams, 'params')) params: z.output<typeof executorParams>,
    @Body(new ZodPipe(retireBodySchema)) body: z.output<typeof retireBodySchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return replayed(reply, await this.commands.execute(new RetireExecutor(params.id, body.effectiveFrom, commandContext(request, body))));
  }

  @Get()
  list(@Query(new ZodPipe(executorsQuerySchema, 'query')) query: z.output<typeof executorsQuerySchema>) {
    return this.queries.execute(new ListExecutors(query.asOf ?? todayInKyiv()));
  }

  @Get(':id')
  get(
    @Param(new ZodPipe(executorParams, 'params')) params: z.output<typeof executorParams>,
    @Query(new ZodPipe(executorsQuerySchema, 'query')) query: z.output<typeof executorsQuerySchema>,
  ) {
    return this.queries.execute(new GetExecutor(params.id, query.asOf ?? todayInKyiv()));
  }

  /** Who changed the executor, when and how: the audit trail's people, so for auditors and the secretariat. */
  @Get(':id/changes')
  @Roles('auditor', 'secretariat')
  changes(
    @Param(new ZodPipe(executorParams, 'params')) params: z.output<typeof executorParams>,
    @Query(new ZodPipe(noQuerySchema, 'query')) _query: z.output<typeof noQuerySchema>,
  ) {
    return this.queries.execute(new GetExecutorChanges(params.id));
  }
}
