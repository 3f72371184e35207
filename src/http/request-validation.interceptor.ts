import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ProblemException } from './problem';
import { PART_CODE, PART_NAME, type RequestPart, ZodPipe } from './zod.pipe';

const ORDER: readonly RequestPart[] = ['params', 'query', 'body'];

/**
 * Nest runs the pipes of a handler's parameters one by one and answers with the first that fails, so a bad id in
 * the path would hide every problem of the body. Before the pipes run (interceptors come first), this checks every
 * part the route's ZodPipes validate, read from the route's own parameter metadata, and answers with all their
 * problems at once. A request that passes goes on to the pipes, which parse it for the handler.
 */
@Injectable()
export class RequestValidationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const failed = zodPipesOf(context)
      .sort((a, b) => ORDER.indexOf(a.part) - ORDER.indexOf(b.part))
      .flatMap((pipe) => {
        const checked = pipe.check(request[pipe.part]);
        return checked.ok ? [] : [{ part: pipe.part, problems: checked.problems }];
      });
    if (failed.length === 0) return next.handle();
    const problems = failed.flatMap((f) => f.problems);
    // One part keeps the answer it always had; several are named together.
    if (failed.length === 1) throw new ProblemException(400, PART_CODE[failed[0].part], `the request ${PART_NAME[failed[0].part]} is not valid: ${problems.length} problem(s)`, problems);
    const parts = failed.map((f) => PART_NAME[f.part]);
    throw new ProblemException(400, 'InvalidRequest', `the request is not valid: ${problems.length} problem(s), in its ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`, problems);
  }
}

function zodPipesOf(context: ExecutionContext): ZodPipe<never>[] {
  const args: Record<string, { pipes?: unknown[] }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {};
  return Object.values(args).flatMap((arg) => (arg.pipes ?? []).filter((pipe): pipe is ZodPipe<never> => pipe instanceof ZodPipe));
}
