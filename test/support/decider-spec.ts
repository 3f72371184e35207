import { type DomainError, isDomainError } from '../../src/common/domain-error';

/**
 * given(events…).when(command).then(events) / .thenFails(code, kind) for a decider: the state is what `evolve`
 * folds from the given events, as the repository folds a stream before it decides.
 */
export function deciderSpec<Command extends { type: string }, Event, State>(decider: {
  decide: (command: Command, state: State) => Event[] | DomainError;
  evolve: (state: State, event: Event) => State;
  initial: State;
}) {
  return function given(...events: Event[]) {
    const state = events.reduce(decider.evolve, decider.initial);
    return {
      state,
      when(command: Command) {
        const result = decider.decide(command, state);
        return {
          then(expected: Event[]): State {
            if (isDomainError(result)) throw new Error(`expected ${command.type} to be accepted, got ${result.code}: ${result.message}`);
            expect(result).toStrictEqual(expected);
            return expected.reduce(decider.evolve, state);
          },
          thenFails(code: string, kind: DomainError['kind']): DomainError {
            if (!isDomainError(result)) throw new Error(`expected ${code}, got ${JSON.stringify(result)}`);
            expect({ code: result.code, kind: result.kind }).toEqual({ code, kind });
            return result;
          },
        };
      },
    };
  };
}
