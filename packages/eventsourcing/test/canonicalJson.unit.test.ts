import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { canonicalJson, hashEvent, GENESIS_HASH } from "@ihp/eventsourcing";

describe("canonical JSON and event hashing", () => {
  it("sorts keys at every depth and leaves out undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "复诊" }, u: undefined })).toBe(
      '{"a":{"c":"复诊","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("refuses what JSON cannot carry faithfully", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1n, () => 1, Symbol("s")]) {
      expect(() => canonicalJson({ bad })).toThrow(TypeError);
    }
  });

  it("is stable under key order and survives a JSON round trip (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("hashes every field: changing any one changes the hash", () => {
    const base = {
      position: 7n,
      streamId: "consult-1",
      revision: 2,
      id: "0190-a",
      type: "ConsultAccepted",
      schemaVersion: 1,
      dataJson: '{"a":1}',
      metadataJson: '{"actorId":"u"}',
      recordedAt: "2026-11-23T00:00:00.000Z",
      prevHash: GENESIS_HASH,
    };
    const hash = hashEvent(base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const variants = [
      { position: 8n },
      { streamId: "consult-2" },
      { revision: 3 },
      { id: "0190-b" },
      { type: "ConsultRefused" },
      { schemaVersion: 2 },
      { dataJson: '{"a":2}' },
      { metadataJson: '{"actorId":"v"}' },
      { recordedAt: "2026-11-23T00:00:00.001Z" },
      { prevHash: "1".repeat(64) },
    ];
    for (const change of variants) expect(hashEvent({ ...base, ...change })).not.toBe(hash);
  });
});
