import type { Response } from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port';
import type { TestApp } from './app';

/** Long enough for every request sent at once to reach its read on an idle machine many times over. */
const GIVE_UP_MS = 500;

/**
 * Sends requests so that they meet: each one's first read of a stream `at` names is held until every one is waiting
 * there. Sent over HTTP alone they would not: the embedded store answers without yielding, so each request is done
 * before the next one is even parsed. This is how clients of a store across a network meet. A request that cannot
 * reach its read while another is under way (a lock it waits for) leaves the others waiting: after GIVE_UP_MS they
 * go on without it, and `met` says they did not meet.
 */
export async function meeting(t: TestApp, at: (stream: string) => boolean, requests: readonly (() => PromiseLike<Response>)[]): Promise<{ responses: Response[]; met: boolean }> {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const read = store.readStream.bind(store);
  const waiting: (() => void)[] = [];
  let met = false;
  let released = false;
  const release = () => {
    released = true;
    clearTimeout(givingUp);
    waiting.forEach((go) => go());
  };
  let givingUp: NodeJS.Timeout | undefined;
  const spy = jest.spyOn(store, 'readStream').mockImplementation(async (stream, options) => {
    if (!released && at(stream)) {
      await new Promise<void>((go) => {
        waiting.push(go);
        met = waiting.length === requests.length;
        if (met) release();
        else givingUp ??= setTimeout(release, GIVE_UP_MS);
      });
    }
    return read(stream, options);
  });
  try {
    return { responses: await Promise.all(requests.map((send) => send())), met };
  } finally {
    clearTimeout(givingUp);
    spy.mockRestore();
  }
}
