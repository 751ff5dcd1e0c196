import { createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createKeyRing, memoryDataKeyStore, openKeyFileCustody, openSealedValue, sealedAlgorithm, sealValue, type AeadAlgorithm } from "../src/index.js";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";

const ad = Buffer.from("event identity");

describe("sealed values (XC-05)", () => {
  for (const algorithm of ["AES-256-GCM", "SM4-CTR-HMAC-SM3"] as const satisfies readonly AeadAlgorithm[]) {
    it(`${algorithm}: names its algorithm; any flipped bit, a swapped algorithm byte or a truncation does not open`, () => {
      const key = randomBytes(32);
      const sealed = Buffer.from(sealValue(algorithm, key, Buffer.from("住院号 123"), ad));
      expect(sealedAlgorithm(sealed)).toBe(algorithm);
      expect(Buffer.from(openSealedValue(key, sealed, ad) ?? []).toString()).toBe("住院号 123");
      for (let index = 0; index < sealed.length; index += 1) {
        const altered = Buffer.from(sealed);
        altered[index] = (altered[index] ?? 0) ^ 0x01;
        expect(openSealedValue(key, altered, ad), `bit flipped at byte ${index}`).toBeUndefined();
      }
      const swapped = Buffer.from(sealed);
      swapped[1] = algorithm === "AES-256-GCM" ? 2 : 1;
      expect(openSealedValue(key, swapped, ad)).toBeUndefined();
      expect(openSealedValue(key, sealed.subarray(0, sealed.length - 1), ad)).toBeUndefined();
      expect(openSealedValue(randomBytes(32), sealed, ad)).toBeUndefined();
    });
  }

  it("keeps the documented layout (issue 15: IVs from a pool, no copies): format ‖ algorithm ‖ IV ‖ tag ‖ body, header in the AD", () => {
    const key = randomBytes(32);
    const plaintext = Buffer.from("住院号 123");
    const ivs = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const sealed = Buffer.from(sealValue("AES-256-GCM", key, plaintext, ad));
      expect([sealed[0], sealed[1], sealed.length]).toEqual([2, 1, 2 + 12 + 16 + plaintext.length]);
      ivs.add(sealed.subarray(2, 14).toString("hex"));
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(2, 14), { authTagLength: 16 });
      decipher.setAAD(Buffer.concat([sealed.subarray(0, 2), ad]));
      decipher.setAuthTag(sealed.subarray(14, 30));
      expect(Buffer.concat([decipher.update(sealed.subarray(30)), decipher.final()])).toEqual(plaintext);
    }
    // Every IV fresh, across refills of the pool.
    expect(ivs.size).toBe(1_000);
    const sm4 = Buffer.from(sealValue("SM4-CTR-HMAC-SM3", key, plaintext, ad));
    expect([sm4[0], sm4[1], sm4.length]).toEqual([2, 2, 2 + 16 + plaintext.length + 32]);
    const derived = Buffer.from(hkdfSync("sm3", key, Buffer.alloc(0), "ihp keyring sm4-ctr-hmac-sm3", 48));
    const iv = sm4.subarray(2, 18);
    const body = sm4.subarray(18, sm4.length - 32);
    const adLength = Buffer.alloc(8);
    adLength.writeBigUInt64BE(BigInt(2 + ad.length));
    const mac = createHmac("sm3", derived.subarray(16)).update(adLength).update(sm4.subarray(0, 2)).update(ad).update(iv).update(body).digest();
    expect(mac).toEqual(sm4.subarray(sm4.length - 32));
    const decipher = createDecipheriv("sm4-ctr", derived.subarray(0, 16), iv);
    expect(Buffer.concat([decipher.update(body), decipher.final()])).toEqual(plaintext);
  });

  it("a ring sealing with SM4 opens AES values sealed earlier (the value names its algorithm)", async () => {
    const custody = await openKeyFileCustody({ path: join(await mkdtemp(join(tmpdir(), "ihp-keyring-alg-")), "master.json") });
    const store = memoryDataKeyStore();
    const ref = { subject: "s", retentionClass: "c" };
    const event = { stream: "s", eventId: "e", type: "T", schemaVersion: 1 };
    const aes = await createKeyRing({ custody, store }).seal(ref, event, "old");
    const sm4Ring = createKeyRing({ custody, store, algorithm: "SM4-CTR-HMAC-SM3" });
    expect(sealedAlgorithm(Buffer.from(await sm4Ring.seal(ref, event, "new"), "base64"))).toBe("SM4-CTR-HMAC-SM3");
    const opened = await sm4Ring.open(ref, event, aes);
    expect(opened.status === "opened" && opened.plaintext.toString()).toBe("old");
  });
});

describe("SQLite data key store", () => {
  it("XC-05: destroy overwrites the wrapped key in the database file (secure_delete), leaving a tombstone", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ihp-keyring-sqlite-"));
    try {
      const path = join(folder, "keys.sqlite");
      const store = openSqliteDataKeyStore(path);
      const ref = { subject: "patient-1", retentionClass: "identity" };
      const wrapped = { masterKeyId: "master-v1", bytes: randomBytes(60) };
      // The database file and its write-ahead log, as they are on disk while the store is open.
      const onDisk = async () => Buffer.concat([await readFile(path), await readFile(`${path}-wal`).catch(() => Buffer.alloc(0))]);
      await store.createIfAbsent(ref, wrapped);
      expect((await onDisk()).includes(Buffer.from(wrapped.bytes))).toBe(true);
      await store.destroy(ref);
      expect(await store.get(ref)).toEqual({ state: "destroyed" });
      expect(await store.createIfAbsent(ref, wrapped)).toEqual({ state: "destroyed" });
      // Without secure_delete SQLite leaves most of the old cell in free space (partly overwritten), and without the
      // checkpoint the WAL keeps the page as it was: look for any piece, before and after closing.
      const open = await onDisk();
      expect([0, 8, 16, 24, 32, 40, 48].filter((at) => open.includes(Buffer.from(wrapped.bytes).subarray(at, at + 8)))).toEqual([]);
      await store.close();
      const file = await readFile(path);
      const left = [0, 8, 16, 24, 32, 40, 48].filter((at) => file.includes(Buffer.from(wrapped.bytes).subarray(at, at + 8)));
      expect(left).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
