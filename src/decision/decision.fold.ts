import { eventByEvent } from '../event-store/aggregate.repository';
import { decisionEventOf, evolve, initialDecision } from './domain/decision.decider';

/** A decision's state, folded event by event: what its commands are decided on, here and in an import. */
export const decisionFold = eventByEvent(initialDecision, evolve, decisionEventOf);
