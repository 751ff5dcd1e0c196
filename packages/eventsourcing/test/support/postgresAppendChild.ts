// Child process of the PostgreSQL crash test: appends `count` events with 8 concurrent writers and prints
// "ack <id>" after each append resolves (the transaction committed; stdout to a pipe is synchronous on Linux).
import { PostgresEventStore } from "@ihp/eventsourcing/postgres";
import { newEvent } from "@ihp/testing";

const [url, schema, countText, roundText] = process.argv.slice(2);
if (url === undefined || schema === undefined || countText === undefined || roundText === undefined) {
  throw new Error("usage: url schema count round");
}
const store = await PostgresEventStore.open({ connectionString: url, schema });
const writers = 8;
const perWriter = Math.ceil(Number(countText) / writers);

await Promise.all(
  Array.from({ length: writers }, async (_, w) => {
    const stream = `crash-${w}`;
    const existing = await store.readStream(stream);
    let revision: number | "no_stream" = existing.at(-1)?.revision ?? "no_stream";
    for (let i = 0; i < perWriter; i++) {
      const event = newEvent("Appended", { round: Number(roundText), writer: w, i });
      revision = (await store.append(stream, [event], revision)).nextExpectedRevision;
      process.stdout.write(`ack ${event.id}\n`);
    }
  }),
);
await store.close();
process.stdout.write("done\n");
