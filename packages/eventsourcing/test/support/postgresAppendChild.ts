// Child process of the PostgreSQL crash test: appends with 8 concurrent writers until the parent SIGKILLs it, and prints
// "ack <id>" after each append resolves (the transaction committed; stdout to a pipe is synchronous on Linux). `limit`
// only bounds an orphan: the parent kills it long before, so a child that reaches it ends with "done" and fails the round.
import { PostgresEventStore } from "@ihp/eventsourcing/postgres";
import { newEvent } from "@ihp/testing";

const [url, schema, limitText, roundText] = process.argv.slice(2);
if (url === undefined || schema === undefined || limitText === undefined || roundText === undefined) {
  throw new Error("usage: url schema limit round");
}
const store = await PostgresEventStore.open({ connectionString: url, schema });
const writers = 8;
const perWriter = Math.ceil(Number(limitText) / writers);

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
