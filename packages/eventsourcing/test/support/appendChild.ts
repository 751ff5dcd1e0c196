// Child process of the crash test: appends with 8 concurrent writers until the parent SIGKILLs it, and prints "ack <id>"
// to stdout after each append resolves (stdout to a pipe is synchronous on Linux, so a printed ack was durable first).
// `limit` only bounds an orphan: the parent kills it long before, so a child that reaches it ends with "done".
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";

const [path, limitText, roundText] = process.argv.slice(2);
if (path === undefined || limitText === undefined || roundText === undefined) throw new Error("usage: path limit round");
const store = SqliteEventStore.open({ path });
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
