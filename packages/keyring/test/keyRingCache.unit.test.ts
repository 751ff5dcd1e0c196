import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createKeyRing, memoryDataKeyStore, type MasterKeyCustody } from "../src/index.js";

/** A custody that wraps nothing (the key ring's cache is under test) and keeps a weak reference to each key it unwraps. */
function watchingCustody(): { custody: MasterKeyCustody; unwrapped: WeakRef<Uint8Array>[] } {
  const unwrapped: WeakRef<Uint8Array>[] = [];
  const custody: MasterKeyCustody = {
    kind: "test",
    currentKeyId: () => Promise.resolve("master-v1"),
    wrap: (dataKey) => Promise.resolve({ masterKeyId: "master-v1", bytes: new Uint8Array(dataKey) }),
    unwrap: (wrapped) => {
      const key = new Uint8Array(wrapped.bytes);
      unwrapped.push(new WeakRef(key));
      return Promise.resolve(key);
    },
    rotate: () => Promise.resolve("master-v1"),
    close: () => Promise.resolve(),
  };
  return { custody, unwrapped };
}

async function collectGarbage(): Promise<void> {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  // A WeakRef read in this job keeps its target until the job ends.
  await new Promise((resolve) => setTimeout(resolve, 0));
  (runInNewContext("gc") as () => void)();
}

const event = { stream: "record-1", eventId: "0190a0a0-0000-7000-8000-000000000000", type: "RecordFiled", schemaVersion: 1 };

describe("the key ring's cache of unwrapped data keys", () => {
  it("lets an expired key go once another key is unwrapped, not only when 10,000 have piled up", async () => {
    let time = 0;
    const { custody, unwrapped } = watchingCustody();
    const ring = createKeyRing({ custody, store: memoryDataKeyStore(), cacheTtlMs: 1_000, now: () => time });
    // A key made by a seal is not cached; the next use unwraps it and caches it.
    const first = await ring.seal({ subject: "patient-1", retentionClass: "clinical" }, event, "a");
    await ring.seal({ subject: "patient-1", retentionClass: "clinical" }, event, "a");
    const held = unwrapped.length;

    time = 2_000;
    await ring.seal({ subject: "patient-2", retentionClass: "clinical" }, event, "b");
    await ring.seal({ subject: "patient-2", retentionClass: "clinical" }, event, "b");
    await collectGarbage();
    expect(unwrapped.slice(0, held).every((ref) => ref.deref() === undefined)).toBe(true);

    // Still opens: the expired key is unwrapped again from the store.
    const opened = await ring.open({ subject: "patient-1", retentionClass: "clinical" }, event, first);
    expect(opened.status === "opened" && Buffer.from(opened.plaintext).toString()).toBe("a");
  });

  it("keeps a key that has not expired", async () => {
    let time = 0;
    const { custody, unwrapped } = watchingCustody();
    const ring = createKeyRing({ custody, store: memoryDataKeyStore(), cacheTtlMs: 1_000, now: () => time });
    await ring.seal({ subject: "patient-1", retentionClass: "clinical" }, event, "a");
    await ring.seal({ subject: "patient-1", retentionClass: "clinical" }, event, "a");
    const count = unwrapped.length;
    time = 500;
    await ring.seal({ subject: "patient-2", retentionClass: "clinical" }, event, "b");
    await ring.seal({ subject: "patient-2", retentionClass: "clinical" }, event, "b");
    await ring.seal({ subject: "patient-1", retentionClass: "clinical" }, event, "c");
    // patient-1's key came from the cache: patient-2's two unwraps (made, then cached), none for patient-1.
    expect(unwrapped.length).toBe(count + 2);
  });
});
