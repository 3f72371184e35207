/** Ends a `switch` over a discriminated union: a new case that is not handled fails to compile. */
export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
