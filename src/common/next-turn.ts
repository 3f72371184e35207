/**
 * Resolves after the event loop has taken a turn — timers, sockets and requests included. Awaiting a promise
 * alone only runs other promise callbacks: a loop over synchronous SQLite reads would starve everything else.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
