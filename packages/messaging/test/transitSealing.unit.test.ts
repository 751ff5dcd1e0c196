import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TransitSealError, transitKeysFromJson, type BusMessage } from "../src/index.js";

const keyFile = (...ids: string[]) => JSON.stringify({ keys: ids.map((id) => ({ id, key: randomBytes(32).toString("base64") })) });
const message = (data: string, subject = "ihp.prescription.v1.PrescriptionSigned", id = "0193a9f2-0000-7000-8000-000000000001"): BusMessage => ({
  subject,
  id,
  data: Buffer.from(data, "utf8"),
  headers: { traceparent: "00-abc-def-01" },
});
const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    return error instanceof TransitSealError ? error.code : `other: ${String(error)}`;
  }
  return undefined;
};

describe("bus transit sealing (issue 10, XC-01: payloads at rest in the broker)", () => {
  it("seals the data so the clear bytes are not in it, keeps subject, id and headers, and opens back", () => {
    const keys = transitKeysFromJson(keyFile("2026-12"));
    const clear = message("患者 陈示例 110105197003120017");
    const sealed = keys.seal(clear);
    expect(Buffer.from(sealed.data).includes(Buffer.from("陈示例", "utf8"))).toBe(false);
    expect(Buffer.from(sealed.data).subarray(0, 4).toString("latin1")).toBe("ihpT");
    expect({ subject: sealed.subject, id: sealed.id, headers: sealed.headers }).toEqual({ subject: clear.subject, id: clear.id, headers: clear.headers });
    expect(Buffer.from(keys.open(sealed).data).toString("utf8")).toBe("患者 陈示例 110105197003120017");
  });

  it("refuses a payload moved to another subject or message id, altered, unsealed or sealed under a key it does not hold", () => {
    const keys = transitKeysFromJson(keyFile("a"));
    const sealed = keys.seal(message("x"));
    expect(codeOf(() => keys.open({ ...sealed, subject: "ihp.consult.v1.ConsultCompleted" }))).toBe("TRANSIT_SEAL_REJECTED");
    expect(codeOf(() => keys.open({ ...sealed, id: "another" }))).toBe("TRANSIT_SEAL_REJECTED");
    const altered = Buffer.from(sealed.data);
    altered[altered.length - 1]! ^= 1;
    expect(codeOf(() => keys.open({ ...sealed, data: altered }))).toBe("TRANSIT_SEAL_REJECTED");
    expect(codeOf(() => keys.open(message("plain")))).toBe("TRANSIT_SEAL_MISSING");
    expect(codeOf(() => transitKeysFromJson(keyFile("b")).open(sealed))).toBe("TRANSIT_KEY_UNKNOWN");
  });

  it("rotates: the first key seals, every listed key opens, so messages sealed before the rotation still open", () => {
    const old = keyFile("2026-11");
    const before = transitKeysFromJson(old).seal(message("before"));
    const { keys } = JSON.parse(old) as { keys: unknown[] };
    const rotated = transitKeysFromJson(JSON.stringify({ keys: [{ id: "2026-12", key: randomBytes(32).toString("base64") }, ...keys] }));
    expect(rotated.currentKeyId).toBe("2026-12");
    expect(Buffer.from(rotated.open(before).data).toString()).toBe("before");
    expect(Buffer.from(rotated.open(rotated.seal(message("after"))).data).toString()).toBe("after");
  });

  it("SM4 (国密 profile) seals and opens the same way", () => {
    const keys = transitKeysFromJson(JSON.stringify({ algorithm: "SM4-CTR-HMAC-SM3", keys: [{ id: "gm", key: randomBytes(32).toString("base64") }] }));
    expect(Buffer.from(keys.open(keys.seal(message("国密"))).data).toString()).toBe("国密");
  });

  it("rejects a key file that is not JSON, has no keys, a short key, a bad id or repeated ids — without echoing key bytes", () => {
    const key = randomBytes(32).toString("base64");
    const bad = [
      "not json",
      JSON.stringify({ keys: [] }),
      JSON.stringify({ keys: [{ id: "a", key: randomBytes(16).toString("base64") }] }),
      JSON.stringify({ keys: [{ id: "a b", key }] }),
      JSON.stringify({ keys: [{ id: "a", key }, { id: "a", key }] }),
      JSON.stringify({ algorithm: "DES", keys: [{ id: "a", key }] }),
    ];
    for (const text of bad) {
      let caught: unknown;
      try {
        transitKeysFromJson(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(TransitSealError);
      expect((caught as TransitSealError).code).toBe("TRANSIT_KEY_FILE_INVALID");
      expect((caught as Error).message).not.toContain(key);
    }
  });
});
