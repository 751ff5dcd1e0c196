import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createKeyRing, KeyRingError, type AeadAlgorithm, type EventIdentity, type KeyRing, type MasterKeyCustody } from "../../src/index.js";
import { openSqliteDataKeyStore } from "../../src/sqlite/index.js";

export interface CustodyUnderTest {
  readonly custody: MasterKeyCustody;
  /** A second custody over the same key file or token (after `custody.close()`): what a restarted service gets. */
  readonly reopen: () => Promise<MasterKeyCustody>;
  /** Strings that must never appear in an error message or serialised object (PINs, paths to secrets are fine). */
  readonly secrets: readonly string[];
  readonly cleanup: () => Promise<void>;
}

const event = (overrides: Partial<EventIdentity> = {}): EventIdentity => ({
  stream: "patient-0190f1c2-0000-7000-8000-000000000001",
  eventId: "0190f1c2-0000-7000-8000-0000000000aa",
  type: "PatientRegistered",
  schemaVersion: 1,
  ...overrides,
});
const alice = { subject: "patient-a", retentionClass: "clinical-30y" };
const bob = { subject: "patient-b", retentionClass: "clinical-30y" };

async function rejection(promise: Promise<unknown>): Promise<KeyRingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeyRingError);
    return error as KeyRingError;
  }
  throw new Error("expected a rejection");
}

/**
 * The behaviour every MasterKeyCustody adapter must have, and the key ring's guarantees on top of it (issue 10;
 * XC-05 encrypted at rest, no leak; XC-01 the chain hashes ciphertext). Run against the key file and SoftHSM2.
 */
export function custodyContract(name: string, make: () => Promise<CustodyUnderTest>): void {
  describe(`MasterKeyCustody contract: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setUp(algorithm?: AeadAlgorithm): Promise<{ under: CustodyUnderTest; ring: KeyRing; custody: () => MasterKeyCustody; reopenRing: () => Promise<KeyRing> }> {
      const under = await make();
      const folder = await mkdtemp(join(tmpdir(), "ihp-keyring-store-"));
      const store = openSqliteDataKeyStore(join(folder, "keys.sqlite"));
      let custody = under.custody;
      cleanups.push(async () => {
        await store.close();
        await custody.close();
        await under.cleanup();
        await rm(folder, { recursive: true, force: true });
      });
      return {
        under,
        ring: createKeyRing({ custody, store, algorithm }),
        custody: () => custody,
        async reopenRing() {
          await custody.close();
          custody = await under.reopen();
          return createKeyRing({ custody, store, algorithm });
        },
      };
    }

    it("wraps and unwraps a data key; the wrapped bytes name the master key and do not contain the data key", async () => {
      const { under } = await setUp();
      const dataKey = randomBytes(32);
      const wrapped = await under.custody.wrap(dataKey, "context-1");
      expect(wrapped.masterKeyId).toBe(await under.custody.currentKeyId());
      expect(Buffer.from(wrapped.bytes).includes(dataKey)).toBe(false);
      expect(Buffer.from(await under.custody.unwrap(wrapped, "context-1"))).toEqual(dataKey);
    });

    it("refuses to unwrap under another context, altered bytes or an unknown master key id", async () => {
      const { under } = await setUp();
      const wrapped = await under.custody.wrap(randomBytes(32), "context-1");
      expect((await rejection(under.custody.unwrap(wrapped, "context-2"))).code).toBe("UNWRAP_FAILED");
      const altered = Buffer.from(wrapped.bytes);
      altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
      expect((await rejection(under.custody.unwrap({ ...wrapped, bytes: altered }, "context-1"))).code).toBe("UNWRAP_FAILED");
      expect((await rejection(under.custody.unwrap({ ...wrapped, masterKeyId: "master-v99" }, "context-1"))).code).toBe("MASTER_KEY_UNKNOWN");
    });

    for (const algorithm of ["AES-256-GCM", "SM4-CTR-HMAC-SM3"] as const) {
      it(`XC-05: seals and opens a value with ${algorithm}; the sealed value does not contain the plaintext`, async () => {
        const { ring } = await setUp(algorithm);
        const sealed = await ring.seal(alice, event(), "张三 110101199003071234");
        expect(Buffer.from(sealed, "base64").includes(Buffer.from("110101199003071234"))).toBe(false);
        const opened = await ring.open(alice, event(), sealed);
        expect(opened.status === "opened" && opened.plaintext.toString("utf8")).toBe("张三 110101199003071234");
      });

      it(`XC-05: ${algorithm} refuses other associated data: stream, event id, type, schema version, subject, class`, async () => {
        const { ring } = await setUp(algorithm);
        const sealed = await ring.seal(alice, event(), "secret value");
        await ring.seal({ ...alice, retentionClass: "billing-10y" }, event(), "makes the other class's key");
        for (const other of [
          event({ stream: "patient-other" }),
          event({ eventId: "0190f1c2-0000-7000-8000-0000000000bb" }),
          event({ type: "PatientRenamed" }),
          event({ schemaVersion: 2 }),
        ]) {
          expect((await rejection(ring.open(alice, other, sealed))).code).toBe("SEALED_VALUE_REJECTED");
        }
        expect((await rejection(ring.open({ ...alice, retentionClass: "billing-10y" }, event(), sealed))).code).toBe("SEALED_VALUE_REJECTED");
      });
    }

    it("XC-05: a ciphertext moved to another event or another subject's event does not open", async () => {
      const { ring } = await setUp();
      const first = event();
      const second = event({ eventId: "0190f1c2-0000-7000-8000-0000000000cc" });
      const sealedForFirst = await ring.seal(alice, first, "alice's number");
      await ring.seal(alice, second, "something else");
      await ring.seal(bob, first, "bob's number");
      expect((await rejection(ring.open(alice, second, sealedForFirst))).code).toBe("SEALED_VALUE_REJECTED");
      expect((await rejection(ring.open(bob, first, sealedForFirst))).code).toBe("SEALED_VALUE_REJECTED");
    });

    it("rotation: old data stays readable, new keys use the new master key, rewrap moves old keys without touching data", async () => {
      const { ring, custody, reopenRing } = await setUp();
      const before = await custody().currentKeyId();
      const sealed = await ring.seal(alice, event(), "sealed before rotation");
      const rotated = await custody().rotate();
      expect(rotated).not.toBe(before);
      expect(await custody().currentKeyId()).toBe(rotated);
      const opened = await ring.open(alice, event(), sealed);
      expect(opened.status === "opened" && opened.plaintext.toString()).toBe("sealed before rotation");
      const sealedAfter = await ring.seal(bob, event(), "sealed after rotation");

      expect(await ring.rewrap()).toBe(1);
      expect(await ring.rewrap()).toBe(0);
      const restarted = await reopenRing();
      expect(await custody().currentKeyId()).toBe(rotated);
      for (const [ref, value, text] of [
        [alice, sealed, "sealed before rotation"],
        [bob, sealedAfter, "sealed after rotation"],
      ] as const) {
        const reopened = await restarted.open(ref, event(), value);
        expect(reopened.status === "opened" && reopened.plaintext.toString()).toBe(text);
      }
    });

    it("destroying a data key erases what it sealed (typed result, no crash), refuses new seals, leaves other keys", async () => {
      const { ring } = await setUp();
      const sealed = await ring.seal(alice, event(), "to be erased");
      const billing = { ...alice, retentionClass: "billing-10y" };
      const kept = await ring.seal(billing, event(), "kept");
      await ring.destroy(alice);
      expect(await ring.open(alice, event(), sealed)).toEqual({ status: "erased" });
      expect((await rejection(ring.seal(alice, event(), "again"))).code).toBe("DATA_KEY_DESTROYED");
      const stillThere = await ring.open(billing, event(), kept);
      expect(stillThere.status === "opened" && stillThere.plaintext.toString()).toBe("kept");
      expect((await rejection(ring.open(bob, event(), sealed))).code).toBe("DATA_KEY_MISSING");
    });

    it("XC-05: no key material, PIN or plaintext in error messages or JSON.stringify of the objects", async () => {
      const { under, ring, custody } = await setUp();
      const dataKey = randomBytes(32);
      const wrapped = await custody().wrap(dataKey, "context-1");
      const sealed = await ring.seal(alice, event(), "plaintext-marker");
      const errors = [
        await rejection(custody().unwrap(wrapped, "context-2")),
        await rejection(custody().unwrap({ ...wrapped, masterKeyId: "master-v42" }, "context-1")),
        await rejection(ring.open(alice, event({ type: "Other" }), sealed)),
        await rejection(ring.open(bob, event(), sealed)),
      ];
      const visible = [
        ...errors.map((error) => `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}`),
        JSON.stringify(custody()),
        JSON.stringify(ring),
      ].join("\n");
      for (const secret of [...under.secrets, dataKey.toString("hex"), dataKey.toString("base64"), "plaintext-marker"]) {
        expect(visible).not.toContain(secret);
      }
      expect(JSON.stringify(custody())).toBe(JSON.stringify({ kind: custody().kind }));
    });
  });
}
