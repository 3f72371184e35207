import { DecisionsProjection } from '../decision/decisions.projection';
import { ExecutorsProjection } from '../executor/executors.projection';
import { ProgrammesProjection } from '../programme/read/programmes.projection';
import type { Projection } from './projection';

/** The read models the server keeps, each by name for the queries that read it, and all of them for the runner. */
export interface ReadModelProjections {
  readonly decisions: DecisionsProjection;
  readonly executors: ExecutorsProjection;
  readonly programmes: ProgrammesProjection;
  /** In the order the runner feeds them. */
  readonly all: readonly Projection[];
}

/** One list for the server and for `npm run rebuild`, so that a rebuild refolds exactly what the server serves. */
export function createProjections(): ReadModelProjections {
  const decisions = new DecisionsProjection();
  const executors = new ExecutorsProjection();
  const programmes = new ProgrammesProjection();
  return { decisions, executors, programmes, all: [decisions, executors, programmes] };
}
