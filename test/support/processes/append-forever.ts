// Appends batches until killed, printing each acknowledged batch: the durability test kills it with SIGKILL.
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store';

async function main() {
  const store = new SqliteEventStore({ filename: process.argv[2] });
  for (let batch = 0; ; batch++) {
    const events = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), type: 'Appended', data: { batch, i }, metadata: {} }));
    await store.appendToStream(`durability-${batch % 7}`, events, { expectedRevision: 'any' });
    process.stdout.write(`acked ${batch}\n`);
  }
}
void main();
