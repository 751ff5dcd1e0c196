import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalFolderBlobStore } from "@ihp/blobstore";
import { type EventStore, uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createKeyRing, openKeyFileCustody, sealedEventStore } from "@ihp/keyring";
import { openSqliteDataKeyStore } from "@ihp/keyring/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedId, consultIndexStreamId, patientIndexStreamId, recordStreamId } from "../src/application/ids.js";
import { createMediaVault } from "../src/application/mediaVault.js";
import { createOrigination } from "../src/application/originate.js";
import type { ConsultSource } from "../src/application/ports.js";
import { RECORDS_SEALING } from "../src/application/sealing.js";
import { createRecordStore } from "../src/application/store.js";
import { completedConsult, consultDouble, identityDouble } from "./service/doubles.js";

// records-origination runs with concurrency 4 (service.ts): originations of different consults overlap, and a
// redelivery (JetStream's ackWait, a relay replaying past the duplicate window) may meet the first attempt of the same
// consult. Both must leave exactly what one origination at a time leaves, over the real sealed SQLite log and vault.

const now = new Date("2026-12-06T02:31:00.000Z");
const IMAGE_SHA = createHash("sha256").update("ecg-image").digest("hex");
let folder: string;
let close: () => Promise<void>;
let originate: (consultId: string, causationId: string) => Promise<string>;
let log: ReturnType<typeof sealedEventStore>;
let vaultOn: (store: typeof log) => ReturnType<typeof createMediaVault>;
const sources = new Map<string, ConsultSource>();

function source(consultId: string, patientId: string): ConsultSource {
  return {
    ...completedConsult(consultId),
    patientId,
    transcript: [
      { messageId: `${consultId}-1`, senderRole: "PATIENT", kind: "TEXT", text: "胸闷好转", mediaUri: "", mediaSha256: "", sentAt: "2026-12-06T02:10:00.000Z" },
      { messageId: `${consultId}-2`, senderRole: "PATIENT", kind: "IMAGE", text: "", mediaUri: "https://media.consult.example/ecg.png", mediaSha256: IMAGE_SHA, sentAt: "2026-12-06T02:11:00.000Z" },
    ],
  };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "records-origination-concurrency-"));
  await mkdir(join(folder, "data"));
  const custody = await openKeyFileCustody({ path: join(folder, "config", "master.json"), dataDir: join(folder, "data") });
  const keys = openSqliteDataKeyStore(join(folder, "data", "keys.sqlite"));
  const ring = createKeyRing({ custody, store: keys });
  const raw = SqliteEventStore.open({ path: join(folder, "data", "records-events.sqlite") });
  log = sealedEventStore(raw, { ring, keys, policy: RECORDS_SEALING, fenceTtlMs: 0 });
  close = async () => {
    await raw.close();
    await keys.close();
  };
  const blobs = new LocalFolderBlobStore({ root: join(folder, "blobs"), now: () => now });
  vaultOn = (store) => createMediaVault({ ring, blobs, log: store, newEventId: uuidv7 });
  const vault = vaultOn(log);
  originate = createOrigination({
    records: createRecordStore(log, uuidv7),
    consult: consultDouble(sources),
    identity: identityDouble({ "physician-1": "王示范" }),
    media: vault,
    clock: () => now,
    newEventId: uuidv7,
    cosignTitles: [],
  });
});

afterAll(async () => {
  await close?.();
  await rm(folder, { recursive: true, force: true });
});

const types = async (streamId: string): Promise<string[]> => (await log.readStream(streamId)).map((event) => event.type);

describe("REC-01 origination under a concurrent consumer", () => {
  it("REC-01: the same ConsultCompleted handled twice at once drafts one record, one media index and one index entry each", async () => {
    const consultId = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f81";
    sources.set(consultId, source(consultId, "patient-1"));
    const eventId = "0193a9f2-0000-7000-8000-000000000081";
    const [first, second] = await Promise.all([originate(consultId, eventId), originate(consultId, eventId)]);
    expect(second).toBe(first);
    expect(await types(recordStreamId(first))).toEqual(["RecordOriginated"]);
    expect((await types(`records-media-${first}`)).sort()).toEqual(["MediaBlobStored", "MediaLinkedByUri"]);
    expect(await types(consultIndexStreamId(consultId))).toEqual(["RecordIndexed"]);
    expect((await log.readStream(patientIndexStreamId("patient-1"))).map((event) => event.id)).toEqual([derivedId("RecordIndexed", `patient~${first}`)]);
  });

  it("REC-01: two consults of one patient originated at once give two records, both in the patient's index", async () => {
    const [a, b] = ["0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f82", "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f83"];
    sources.set(a, source(a, "patient-2"));
    sources.set(b, source(b, "patient-2"));
    const ids = await Promise.all([originate(a, "0193a9f2-0000-7000-8000-000000000082"), originate(b, "0193a9f2-0000-7000-8000-000000000083")]);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(await types(recordStreamId(id))).toEqual(["RecordOriginated"]);
    const indexed = (await log.readStream(patientIndexStreamId("patient-2"))).map((event) => event.data["documentId"]);
    expect(indexed.sort()).toEqual([...ids].sort());
  });

  it("REC-01: an origination is one commit — media index, record and both index entries; a failed commit leaves none of them and the redelivery writes them all", async () => {
    const consultId = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f84";
    sources.set(consultId, source(consultId, "patient-3"));
    const calls: string[] = [];
    let failCommit = true;
    const counted = new Proxy(log, {
      get(target, property, receiver) {
        if (property === "append") {
          return (...args: Parameters<EventStore["append"]>) => (calls.push(`append ${args[0]}`), target.append(...args));
        }
        if (property === "appendMany") {
          return async (batch: Parameters<EventStore["appendMany"]>[0]) => {
            calls.push(`appendMany ${batch.map((part) => part.streamId).join(" ")}`);
            if (failCommit) {
              failCommit = false;
              throw new Error("SQLITE_FULL: database or disk is full");
            }
            return target.appendMany(batch);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const once = createOrigination({
      records: createRecordStore(counted, uuidv7),
      consult: consultDouble(sources),
      identity: identityDouble({ "physician-1": "王示范" }),
      media: vaultOn(counted),
      clock: () => now,
      newEventId: uuidv7,
      cosignTitles: [],
    });
    const eventId = "0193a9f2-0000-7000-8000-000000000084";
    const documentId = derivedId("record", consultId);
    const written = async () => [
      ...(await log.readStream(`records-media-${documentId}`)),
      ...(await log.readStream(recordStreamId(documentId))),
      ...(await log.readStream(consultIndexStreamId(consultId))),
      ...(await log.readStream(patientIndexStreamId("patient-3"))),
    ];
    await expect(once(consultId, eventId)).rejects.toThrow(/disk is full/);
    expect(await written()).toEqual([]);
    expect(await once(consultId, eventId)).toBe(documentId);
    const streams = [`records-media-${documentId}`, recordStreamId(documentId), consultIndexStreamId(consultId), patientIndexStreamId("patient-3")].join(" ");
    expect(calls).toEqual([`appendMany ${streams}`, `appendMany ${streams}`]);
    const events = await written();
    expect(events.map((event) => event.type).sort()).toEqual(["MediaBlobStored", "MediaLinkedByUri", "RecordIndexed", "RecordIndexed", "RecordOriginated"]);
    // One commit: contiguous positions, in the batch's order (media index, record, consult index, patient index).
    const positions = events.map((event) => event.position);
    expect(positions).toEqual(positions.map((_, at) => positions[0]! + BigInt(at)));
    expect(await log.verify()).toMatchObject({ ok: true });
  });
});
