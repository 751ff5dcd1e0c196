import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { WrongExpectedRevisionError, type ExpectedRevision, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { newEvent } from "@ihp/testing";

const STREAMS = ["s0", "s1", "s2"];

/** One attempted append: which stream, how many events, and whether the writer's expected revision is stale. */
const appendArb = fc.record({
  stream: fc.constantFrom(...STREAMS),
  size: fc.integer({ min: 1, max: 4 }),
  stale: fc.boolean(),
});

function byPosition(a: StoredEvent, b: StoredEvent): number {
  return a.position < b.position ? -1 : a.position > b.position ? 1 : 0;
}

describe("XC-01 event store ordering properties (fast-check, SQLite)", () => {
  it("XC-01: sequential appends match a model: stream contents, log order, contiguous positions, valid chain", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(appendArb, { maxLength: 40 }), async (appends) => {
        const store = SqliteEventStore.open({ path: ":memory:" });
        const model = new Map<string, string[]>();
        const logModel: string[] = [];
        for (const { stream, size, stale } of appends) {
          const events = Array.from({ length: size }, () => newEvent("E"));
          const length = model.get(stream)?.length ?? 0;
          const truth: ExpectedRevision = length === 0 ? "no_stream" : length - 1;
          const expected: ExpectedRevision = stale ? (length === 0 ? 0 : "no_stream") : truth;
          try {
            await store.append(stream, events, expected);
            expect(stale).toBe(false);
            model.set(stream, [...(model.get(stream) ?? []), ...events.map((e) => e.id)]);
            logModel.push(...events.map((e) => e.id));
          } catch (error) {
            expect(stale).toBe(true);
            expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          }
        }
        for (const stream of STREAMS) {
          const stored = await store.readStream(stream);
          expect(stored.map((e) => e.id)).toEqual(model.get(stream) ?? []);
          expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => i));
        }
        const all = await store.readAll({ limit: 10_000 });
        expect(all.map((e) => e.id)).toEqual(logModel);
        expect(all.map((e) => e.position)).toEqual(all.map((_, i) => BigInt(i + 1)));
        expect(await store.verify()).toMatchObject({ ok: true, checked: logModel.length });
        await store.close();
      }),
      { numRuns: 60 },
    );
  });

  it("XC-01: concurrent appends are atomic and serialised: winners' events are contiguous, losers leave nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(appendArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (rounds) => {
        const store = SqliteEventStore.open({ path: ":memory:" });
        const committed: string[][] = [];
        for (const round of rounds) {
          // Every writer in a round reads the revision first, then all append at once: group commit serialises them.
          const expectations = await Promise.all(
            round.map(async ({ stream }) => (await store.readStream(stream)).at(-1)?.revision ?? ("no_stream" as const)),
          );
          const outcomes = await Promise.allSettled(
            round.map(({ stream, size }, i) =>
              store.append(stream, Array.from({ length: size }, () => newEvent("E")), expectations[i]!),
            ),
          );
          const winnersPerStream = new Map<string, number>();
          outcomes.forEach((outcome, i) => {
            const stream = round[i]!.stream;
            if (outcome.status === "fulfilled") {
              committed.push(outcome.value.events.map((e) => e.id));
              winnersPerStream.set(stream, (winnersPerStream.get(stream) ?? 0) + 1);
            } else {
              expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
            }
          });
          // Same expected revision on one stream: exactly one writer wins.
          for (const stream of new Set(round.map((a) => a.stream))) expect(winnersPerStream.get(stream)).toBe(1);
        }
        const all = [...(await store.readAll({ limit: 10_000 }))].sort(byPosition);
        expect(all.length).toBe(committed.flat().length);
        const index = new Map(all.map((e, i) => [e.id, i]));
        for (const ids of committed) {
          const at = ids.map((id) => index.get(id)!);
          expect(at).toEqual(at.map((_, k) => at[0]! + k));
        }
        expect(await store.verify()).toMatchObject({ ok: true });
        await store.close();
      }),
      { numRuns: 40 },
    );
  });
});
