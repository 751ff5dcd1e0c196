import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  idempotentHandler,
  SqliteCheckpointStore,
  SqliteProcessedLog,
  type DeliveredMessage,
  type MessageHandler,
} from "../src/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ihp-idem-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const delivered = (id: string, deliveryCount = 1): DeliveredMessage => ({
  subject: "ihp.test.v1.Happened",
  id,
  data: new Uint8Array(),
  headers: {},
  deliveryCount,
});

describe("idempotentHandler with SqliteProcessedLog", () => {
  it("applies each message id once per consumer, across reopening the log", async () => {
    const path = join(dir, "processed.db");
    const applied: string[] = [];
    const effect: MessageHandler = (m) => {
      applied.push(m.id);
      return Promise.resolve();
    };
    const log = SqliteProcessedLog.open({ path });
    const handle = idempotentHandler("projector", log, effect);
    await handle(delivered("a"));
    await handle(delivered("b"));
    await handle(delivered("a", 2));
    // Another consumer keeps its own record of the same ids.
    await idempotentHandler("notifier", log, effect)(delivered("a"));
    await log.close();

    const reopened = SqliteProcessedLog.open({ path });
    await idempotentHandler("projector", reopened, effect)(delivered("b", 3));
    expect(await reopened.has("projector", "a")).toBe(true);
    expect(await reopened.has("projector", "c")).toBe(false);
    await reopened.close();
    expect(applied).toEqual(["a", "b", "a"]);
  });

  it("records nothing when the handler rejects, so the redelivery runs it again", async () => {
    const log = SqliteProcessedLog.open({ path: ":memory:" });
    let calls = 0;
    const handle = idempotentHandler("flaky", log, () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error("transient")) : Promise.resolve();
    });
    await expect(handle(delivered("x"))).rejects.toThrow("transient");
    expect(await log.has("flaky", "x")).toBe(false);
    await handle(delivered("x", 2));
    await handle(delivered("x", 3));
    expect(calls).toBe(2);
    await log.close();
  });

  it("rejects, never throws synchronously, when the database is unusable", async () => {
    const log = SqliteProcessedLog.open({ path: ":memory:" });
    await log.close();
    let promise: Promise<boolean> | undefined;
    expect(() => {
      promise = log.has("c", "x");
    }).not.toThrow();
    await expect(promise).rejects.toThrow();
  });
});

describe("SqliteCheckpointStore", () => {
  it("starts at 0n, keeps the latest position across reopening, including positions beyond 64 bits", async () => {
    const path = join(dir, "checkpoints.db");
    const store = SqliteCheckpointStore.open({ path });
    expect(await store.load("relay")).toBe(0n);
    await store.save("relay", 41n);
    await store.save("relay", 42n);
    const huge = 2n ** 80n + 7n;
    await store.save("kurrent-relay", huge);
    await store.close();
    const reopened = SqliteCheckpointStore.open({ path });
    expect(await reopened.load("relay")).toBe(42n);
    expect(await reopened.load("kurrent-relay")).toBe(huge);
    await reopened.close();
  });
});
