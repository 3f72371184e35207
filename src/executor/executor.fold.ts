import { eventByEvent } from '../event-store/aggregate.repository';
import { evolve, executorEventOf, initialExecutor } from './domain/executor.decider';

/** An executor's state, folded event by event: what its commands are decided on, here and in an import. */
export const executorFold = eventByEvent(initialExecutor, evolve, executorEventOf);
