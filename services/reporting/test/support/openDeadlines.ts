import type { EventStore } from "@ihp/eventsourcing";
import { openSqliteReadModels } from "@ihp/projections";
import type { DeadlinesReadModels } from "../../src/adapters/deadlinesProjection.js";
import { OpenDeadlines } from "../../src/application/openDeadlines.js";

/** The open deadlines read model over a test's log, in memory and not following it live: each read catches up. */
export function openDeadlinesOver(log: EventStore): { readonly deadlines: OpenDeadlines; close(): Promise<void> } {
  const db = openSqliteReadModels<DeadlinesReadModels>(":memory:");
  return { deadlines: new OpenDeadlines({ db, log }), close: () => db.destroy() };
}

/** Counts a check's reads: whole-log pages, and stream reads (one per command run) by stream id. */
export function countingReads(store: EventStore): { readonly store: EventStore; readonly readAllCalls: () => number; readonly streamsRead: string[] } {
  let readAllCalls = 0;
  const streamsRead: string[] = [];
  const counted = new Proxy(store, {
    get(target, property) {
      if (property === "readAll") {
        return (options: Parameters<EventStore["readAll"]>[0]) => {
          readAllCalls += 1;
          return target.readAll(options);
        };
      }
      if (property === "readStream") {
        return (streamId: string, options?: Parameters<EventStore["readStream"]>[1]) => {
          streamsRead.push(streamId);
          return target.readStream(streamId, options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, readAllCalls: () => readAllCalls, streamsRead };
}
