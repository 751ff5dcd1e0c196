// The KurrentDB adapter's pure parts: position encoding, the metadata envelope, record decoding, chain checks.
// Imported from source paths: they are internals of @ihp/eventsourcing/kurrentdb, not its API.
import { GENESIS_HASH, START, canonicalJson, hashEvent, uuidv7, type NewEvent } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";

import {
  ENVELOPE_FORMAT,
  UnreadableRecordError,
  chainEvents,
  decodePosition,
  decodeRecord,
  encodePosition,
  recomputeHash,
  type ChainedEvent,
  type KurrentRecord,
} from "../src/kurrentdb/codec.js";
import { prepareAppend } from "../src/kurrentdb/prepareAppend.js";
import { verifyLog, type PositionedRecord } from "../src/kurrentdb/verifyLog.js";

const MAX_U64 = (1n << 64n) - 1n;

function newEvent(type: string, data: NewEvent["data"] = {}): NewEvent {
  return {
    id: uuidv7(),
    type,
    schemaVersion: 2,
    data,
    metadata: {
      actorId: "doctor-7",
      actorRole: "physician",
      tenantId: "hospital-1",
      correlationId: "corr-1",
      causationId: "cause-1",
      occurredAt: "2026-11-23T08:00:00.000Z",
      traceparent: undefined,
    },
  };
}

/** A record as the client returns it for what the adapter appended: data bytes, metadata JSON-parsed. */
function recordOf(streamId: string, revision: number, event: ChainedEvent, position = { commit: 10n, prepare: 10n }): KurrentRecord {
  return {
    streamId,
    id: event.id,
    type: event.type,
    revision: BigInt(revision),
    isJson: false,
    data: event.data,
    metadata: JSON.parse(new TextDecoder().decode(event.metadata)) as unknown,
    position,
  };
}

function chain(streamId: string, events: NewEvent[], firstRevision = 0, prevHash = GENESIS_HASH): ChainedEvent[] {
  return chainEvents(streamId, firstRevision, prevHash, "2026-11-23T08:00:01.000Z", prepareAppend("s-", streamId, events, "any"));
}

async function* positioned(records: KurrentRecord[]): AsyncGenerator<PositionedRecord> {
  await Promise.resolve();
  for (const record of records) yield { record, position: encodePosition(record.position!) };
}

describe("KurrentDB position encoding", () => {
  it("packs commit into the high 64 bits and prepare into the low 64, and decodes back exactly", () => {
    const cases = [
      { commit: 0n, prepare: 0n },
      { commit: 1n, prepare: 0n },
      { commit: 12_345n, prepare: 12_340n },
      { commit: MAX_U64, prepare: MAX_U64 },
    ];
    for (const position of cases) expect(decodePosition(encodePosition(position))).toEqual(position);
    expect(encodePosition({ commit: 1n, prepare: 2n })).toBe((1n << 64n) + 2n);
    expect(encodePosition({ commit: 0n, prepare: 0n })).toBe(START);
  });

  it("orders like $all: by commit position, then prepare position (events of one append share a commit)", () => {
    const positions = [
      { commit: 100n, prepare: 100n },
      { commit: 100n, prepare: 107n },
      { commit: 101n, prepare: 0n },
      { commit: MAX_U64, prepare: 0n },
    ];
    const encoded = positions.map(encodePosition);
    for (let i = 1; i < encoded.length; i++) expect(encoded[i]!).toBeGreaterThan(encoded[i - 1]!);
  });

  it("refuses values that are not unsigned 64-bit", () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: MAX_U64 + 1n })).toThrow(RangeError);
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(1n << 128n)).toThrow(RangeError);
  });
});

describe("KurrentDB event encoding", () => {
  it("stores data as canonical JSON bytes and the port's fields in a canonical JSON metadata envelope", () => {
    const event = newEvent("PatientRegistered", { z: 1, a: { y: "复诊", b: [2, 1] } });
    const [chained] = chain("s-patient-1", [event]);
    expect(new TextDecoder().decode(chained!.data)).toBe('{"a":{"b":[2,1],"y":"复诊"},"z":1}');
    // Metadata must be a plain Uint8Array: the client sends raw bytes only for exactly that constructor.
    expect(chained!.metadata.constructor).toBe(Uint8Array);
    const envelope = JSON.parse(new TextDecoder().decode(chained!.metadata)) as Record<string, unknown>;
    expect(envelope).toEqual({
      format: ENVELOPE_FORMAT,
      metadata: {
        actorId: "doctor-7",
        actorRole: "physician",
        tenantId: "hospital-1",
        correlationId: "corr-1",
        causationId: "cause-1",
        occurredAt: "2026-11-23T08:00:00.000Z",
      },
      schemaVersion: 2,
      recordedAt: "2026-11-23T08:00:01.000Z",
      prevHash: GENESIS_HASH,
      hash: chained!.hash,
    });
    expect(new TextDecoder().decode(chained!.metadata)).toBe(canonicalJson(envelope));
  });

  it("chains the events of one append and hashes each with position START", () => {
    const events = [newEvent("A", { n: 1 }), newEvent("B", { n: 2 })];
    const [first, second] = chain("s-x", events, 3, "ab".repeat(32));
    const expected = hashEvent({
      position: START,
      streamId: "s-x",
      revision: 4,
      id: events[1]!.id,
      type: "B",
      schemaVersion: 2,
      dataJson: '{"n":2}',
      metadataJson: canonicalJson(events[1]!.metadata),
      recordedAt: "2026-11-23T08:00:01.000Z",
      prevHash: first!.hash,
    });
    expect(second!.hash).toBe(expected);
    const decoded = decodeRecord(recordOf("s-x", 3, first!));
    expect(decoded.event.prevHash).toBe("ab".repeat(32));
  });

  it("decodes what it encoded into the port's StoredEvent, and the hash recomputes", () => {
    const event = newEvent("RecordWritten", { name: "张三", big: 9007199254740991, nested: { empty: {}, list: [1, 2.5, null] } });
    const [chained] = chain("s-record-1", [event]);
    const decoded = decodeRecord(recordOf("s-record-1", 0, chained!, { commit: 7n, prepare: 5n }));
    expect(decoded.event).toEqual({
      id: event.id,
      type: "RecordWritten",
      schemaVersion: 2,
      data: event.data,
      metadata: event.metadata,
      streamId: "s-record-1",
      revision: 0,
      position: encodePosition({ commit: 7n, prepare: 5n }),
      recordedAt: "2026-11-23T08:00:01.000Z",
      prevHash: GENESIS_HASH,
      hash: chained!.hash,
    });
    expect(recomputeHash(decoded)).toBe(chained!.hash);
  });

  it("refuses to decode records this adapter did not write intact", () => {
    const [chained] = chain("s-a", [newEvent("A")]);
    const good = recordOf("s-a", 0, chained!);
    const bad: KurrentRecord[] = [
      { ...good, position: undefined },
      { ...good, position: { commit: 0n, prepare: 0n } },
      { ...good, isJson: true, data: {} },
      { ...good, data: new Uint8Array([0xff, 0xfe]) },
      { ...good, data: new TextEncoder().encode("[1]") },
      { ...good, metadata: { format: "something-else" } },
      { ...good, metadata: new Uint8Array([1, 2]) },
      { ...good, metadata: { ...(good.metadata as object), hash: "not-a-hash" } },
    ];
    for (const record of bad) expect(() => decodeRecord(record)).toThrow(UnreadableRecordError);
  });
});

describe("KurrentDB per-stream chain verification", () => {
  function log(): KurrentRecord[] {
    // Two streams interleaved in $all: a0 a1 b0 a2 b1.
    const [a0, a1] = chain("s-a", [newEvent("A0"), newEvent("A1")]);
    const [b0] = chain("s-b", [newEvent("B0")]);
    const [a2] = chain("s-a", [newEvent("A2")], 2, a1!.hash);
    const [b1] = chain("s-b", [newEvent("B1")], 1, b0!.hash);
    return [
      recordOf("s-a", 0, a0!, { commit: 10n, prepare: 10n }),
      recordOf("s-a", 1, a1!, { commit: 10n, prepare: 11n }),
      recordOf("s-b", 0, b0!, { commit: 20n, prepare: 20n }),
      recordOf("s-a", 2, a2!, { commit: 30n, prepare: 30n }),
      recordOf("s-b", 1, b1!, { commit: 40n, prepare: 40n }),
    ];
  }
  const at = (records: KurrentRecord[], index: number): bigint => encodePosition(records[index]!.position!);

  it("accepts interleaved streams whose links each name the previous event of the same stream", async () => {
    const records = log();
    expect(await verifyLog(positioned(records))).toEqual({ ok: true, checked: 5, lastPosition: at(records, 4) });
    expect(await verifyLog(positioned([]))).toEqual({ ok: true, checked: 0, lastPosition: START });
  });

  it("names the first position whose content changed (HASH_MISMATCH)", async () => {
    const records = log();
    records[3] = { ...records[3]!, data: new TextEncoder().encode('{"forged":true}') };
    expect(await verifyLog(positioned(records))).toEqual({ ok: false, checked: 3, position: at(records, 3), reason: "HASH_MISMATCH" });
  });

  it("names a removed event through the broken link of its successor (CHAIN_BROKEN)", async () => {
    const records = log();
    records.splice(1, 1);
    expect(await verifyLog(positioned(records))).toMatchObject({ ok: false, position: at(records, 2), reason: "CHAIN_BROKEN" });
  });

  it("names a revision out of sequence even when hash and link are consistent (REVISION_GAP)", async () => {
    const records = log();
    // A writer that knows the (public) hash function forges stream a's next event at revision 3, linked to a1.
    const a1Hash = (records[1]!.metadata as { hash: string }).hash;
    const [forged] = chain("s-a", [newEvent("A3")], 3, a1Hash);
    records[3] = recordOf("s-a", 3, forged!, { commit: 30n, prepare: 30n });
    expect(await verifyLog(positioned(records))).toMatchObject({ ok: false, position: at(records, 3), reason: "REVISION_GAP" });
  });

  it("refuses to count a record rewritten under another revision (HASH_MISMATCH: the hash covers revisions)", async () => {
    const records = log();
    const shifted = { ...records[1]!, revision: 5n };
    expect(await verifyLog(positioned([records[0]!, shifted]))).toMatchObject({ ok: false, reason: "HASH_MISMATCH" });
  });

  it("counts an undecodable record of the store's streams as HASH_MISMATCH", async () => {
    const records = log();
    records[2] = { ...records[2]!, metadata: undefined };
    expect(await verifyLog(positioned(records))).toMatchObject({ ok: false, checked: 2, reason: "HASH_MISMATCH" });
  });
});

describe("KurrentDB append preparation", () => {
  it("refuses streams outside the store's prefix, non-UUID ids and KurrentDB's $-types", () => {
    const ok = newEvent("A");
    expect(() => prepareAppend("s-", "other-1", [ok], "any")).toThrow(/prefix/);
    expect(() => prepareAppend("s-", "s-", [ok], "any")).toThrow(/prefix/);
    expect(() => prepareAppend("s-", "s-1", [{ ...ok, id: "e1" }], "any")).toThrow(/UUID/);
    expect(() => prepareAppend("s-", "s-1", [{ ...ok, id: ok.id.toUpperCase() }], "any")).toThrow(/UUID/);
    expect(() => prepareAppend("s-", "s-1", [{ ...ok, type: "$streamDeleted" }], "any")).toThrow(/\$/);
    expect(() => prepareAppend("s-", "s-1", [ok], -1)).toThrow(/expected revision/);
    expect(prepareAppend("s-", "s-1", [ok], 0)).toHaveLength(1);
  });
});
