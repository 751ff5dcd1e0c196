import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canSubscribeToStream, subscribeToStream, uuidv7, type JsonObject, type StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createKeyRing, ERASED, openKeyFileCustody, sealedEventStore, type SealingPolicy } from "../src/index.js";
import { openSqliteDataKeyStore } from "../src/sqlite/index.js";
import { metadata } from "./support/eventMetadata.js";

const CANARY = "CANARY-7f3a-电话13800138000";
const policy: SealingPolicy = {
  events: {
    MessagePosted: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["text"] },
    ConsultCompleted: { subject: (data) => data.patientId as string, retentionClass: "clinical", fields: ["summary", "diagnoses[].name", "patient.birthDate"] },
    // Names no patient: the stream's first event does.
    NoteAdded: { retentionClass: "clinical", fields: ["note"] },
  },
  streamSubject: (first) => (first.type === "MessagePosted" ? (first.data.patientId as string) : undefined),
};

let folder: string;
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function open(keysFile = "keys.sqlite") {
  const custody = await openKeyFileCustody({ path: join(folder, "config", "master.json"), dataDir: join(folder, "data") });
  const keys = openSqliteDataKeyStore(join(folder, "data", keysFile));
  const ring = createKeyRing({ custody, store: keys });
  const raw = SqliteEventStore.open({ path: join(folder, "data", "consult-events.sqlite") });
  const log = sealedEventStore(raw, { ring, keys, policy, fenceTtlMs: 0 });
  return { raw, log, keys, close: async () => (await log.close(), await keys.close()) };
}

async function newFolder(): Promise<void> {
  folder = await mkdtemp(join(tmpdir(), "ihp-sealed-log-"));
  await mkdir(join(folder, "data"));
}

async function setUp() {
  await newFolder();
  return open();
}

/** The events' data as one string, to search for the canary. */
const dataOf = (events: readonly StoredEvent[]): string => JSON.stringify(events.map((stored) => stored.data));

const event = (type: string, data: JsonObject) => ({ id: uuidv7(), type, schemaVersion: 1, data, metadata });

function completed(patientId: string, text: string) {
  return event("ConsultCompleted", {
    patientId,
    summary: `summary ${text}`,
    diagnoses: [{ code: "I10", name: `hypertension ${text}` }, { code: "E11.9", name: `diabetes ${text}` }],
    patient: { birthDate: "1960-01-02", sex: "F" },
  });
}

describe("sealed event store: personal and clinical fields never reach the log in clear (issue 10, XC-01)", () => {
  it("stores the listed fields sealed and reads them back in clear through every read path", async () => {
    const { raw, log, close } = await setUp();
    await log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: CANARY }), completed("p-1", CANARY)], "no_stream");

    const stored = await raw.readStream("consult-1");
    expect(dataOf(stored)).not.toContain("CANARY");
    expect(stored[1]?.data).toMatchObject({ diagnoses: [{ code: "I10" }, { code: "E11.9" }], patient: { sex: "F" } });
    expect((stored[0]?.data.text as string).startsWith("ihp-sealed/1:")).toBe(true);

    const expected = { text: CANARY };
    expect((await log.readStream("consult-1"))[0]?.data).toMatchObject(expected);
    expect((await log.readAll({ limit: 10 }))[1]?.data).toMatchObject({ summary: `summary ${CANARY}`, diagnoses: [{ name: `hypertension ${CANARY}` }, { name: `diabetes ${CANARY}` }], patient: { birthDate: "1960-01-02" } });
    const controller = new AbortController();
    for await (const seen of log.subscribe({ signal: controller.signal })) {
      expect(seen.data).toMatchObject(expected);
      controller.abort();
    }
    // Issue 15: the stream subscription is forwarded (not the whole-log fallback) and opens what it yields.
    expect(canSubscribeToStream(log)).toBe(true);
    const streamController = new AbortController();
    for await (const seen of subscribeToStream(log, "consult-1", { signal: streamController.signal })) {
      expect(seen.data).toMatchObject(expected);
      streamController.abort();
    }
    expect(await log.verify()).toMatchObject({ ok: true, checked: 2 });
    await close();
    const file = await readFile(join(folder, "data", "consult-events.sqlite"));
    expect(file.includes(Buffer.from("CANARY"))).toBe(false);
  });

  it("refuses a sealed value moved into another event (associated data is the event's identity)", async () => {
    const { raw, log, close } = await setUp();
    await log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: CANARY })], "no_stream");
    const [original] = await raw.readStream("consult-1");
    await raw.append("consult-2", [event("MessagePosted", { patientId: "p-1", text: original?.data.text ?? "" })], "no_stream");
    await expect(log.readStream("consult-2")).rejects.toMatchObject({ code: "SEALED_VALUE_REJECTED" });
    await close();
  });

  it("seals an event whose data names no subject under the subject of its stream (its first event)", async () => {
    const { raw, log, close } = await setUp();
    await log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: "hello" }), event("NoteAdded", { note: CANARY })], "no_stream");
    await log.append("consult-1", [event("NoteAdded", { note: `${CANARY} 2` })], 1);
    expect(dataOf(await raw.readStream("consult-1"))).not.toContain("CANARY");
    await log.erase({ subject: "p-1", retentionClass: "clinical", approvalRef: "approval-1", metadata, eventId: uuidv7() });
    expect((await log.readStream("consult-1")).map((stored) => stored.data.note ?? stored.data.text)).toEqual([ERASED, ERASED, ERASED]);
    await close();
  });

  it("learns the subject of a stream it began from its first event: a later append does not read the stream (reqcpu)", async () => {
    const { raw, log, close } = await setUp();
    await log.append("consult-2", [event("MessagePosted", { patientId: "p-2", text: "hello" })], "no_stream");
    const reads = vi.spyOn(raw, "readStream");
    await log.append("consult-2", [event("NoteAdded", { note: CANARY })], 0);
    // The fence's erasure stream is read (its TTL is 0 here); the consult's stream is not.
    expect(reads.mock.calls.map(([streamId]) => streamId)).not.toContain("consult-2");
    reads.mockRestore();
    expect(dataOf(await raw.readStream("consult-2"))).not.toContain("CANARY");
    await log.erase({ subject: "p-2", retentionClass: "clinical", approvalRef: "approval-2", metadata, eventId: uuidv7() });
    expect((await log.readStream("consult-2")).map((stored) => stored.data.note ?? stored.data.text)).toEqual([ERASED, ERASED]);
    await close();
  });

  it("a first event that did not land (another writer began the stream) does not name the stream's subject", async () => {
    const { raw, log, close } = await setUp();
    await raw.append("consult-3", [event("MessagePosted", { patientId: "p-3", text: "first" })], "no_stream");
    // This writer thought the stream new, with another patient's first event: refused, and nothing learnt from it.
    await expect(log.append("consult-3", [event("MessagePosted", { patientId: "p-other", text: "late" })], "no_stream")).rejects.toThrow();
    await log.append("consult-3", [event("NoteAdded", { note: CANARY })], 0);
    await log.erase({ subject: "p-3", retentionClass: "clinical", approvalRef: "approval-3", metadata, eventId: uuidv7() });
    expect((await log.readStream("consult-3")).at(-1)?.data.note).toBe(ERASED);
    await close();
  });

  it("a read model's copy of the sealed string opens at query time with openValue", async () => {
    const { raw, log, close } = await setUp();
    await log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: CANARY })], "no_stream");
    const [stored] = await raw.readStream("consult-1");
    expect(await log.openValue(stored?.data.text as string)).toBe(CANARY);
    expect(await log.openValue("plain text stays as it is")).toBe("plain text stays as it is");
    await close();
  });
});

describe("erasure and its fence (issue 10 item 3, REC-03)", () => {
  const erasure = (subject: string) => ({ subject, retentionClass: "clinical", approvalRef: "approval-1", metadata, eventId: uuidv7() });

  async function erasedSetUp() {
    const opened = await setUp();
    await opened.log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: CANARY }), completed("p-1", CANARY)], "no_stream");
    await opened.log.append("consult-2", [event("MessagePosted", { patientId: "p-2", text: "other patient" })], "no_stream");
    const copy = (await opened.raw.readStream("consult-1"))[0]?.data.text as string;
    await opened.log.erase(erasure("p-1"));
    return { ...opened, copy };
  }

  it("after erase the subject's values read as 已销毁 everywhere, another subject is untouched, and the log verifies", async () => {
    const { log, raw, copy, close } = await erasedSetUp();
    const [message, done] = await log.readStream("consult-1");
    expect(message?.data.text).toBe(ERASED);
    expect(done?.data).toMatchObject({ summary: ERASED, diagnoses: [{ code: "I10", name: ERASED }, { code: "E11.9", name: ERASED }], patient: { birthDate: ERASED, sex: "F" } });
    expect((await log.readStream("consult-2"))[0]?.data.text).toBe("other patient");
    expect(await log.openValue(copy)).toBe(ERASED);
    // Rebuilding a projection from zero resurrects nothing.
    expect(dataOf(await log.readAll({ limit: 1_000 }))).not.toContain("CANARY");
    expect(await log.verify()).toMatchObject({ ok: true });
    const [destroyed] = await raw.readStream("erasure-p-1");
    expect(destroyed).toMatchObject({ type: "SubjectKeyDestroyed", data: { subject: "p-1", retentionClass: "clinical", generation: 1, approvalRef: "approval-1" } });
    expect(destroyed?.data.keyFingerprint).toMatch(/^[0-9a-f]{64}$/);
    await close();
  });

  it("refuses to append for the erased subject without an explicit new key, and writes nothing", async () => {
    const { log, raw, close } = await erasedSetUp();
    await expect(log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: "again" })], 1)).rejects.toMatchObject({ code: "SUBJECT_ERASED" });
    expect(await raw.readStream("consult-1")).toHaveLength(2);
    await log.append("consult-2", [event("MessagePosted", { patientId: "p-2", text: "still fine" })], 0);
    await close();
  });

  it("a key store restored from a backup taken before the erasure revives nothing", async () => {
    await newFolder();
    const first = await open();
    await first.log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: CANARY })], "no_stream");
    await first.keys.close();
    await copyFile(join(folder, "data", "keys.sqlite"), join(folder, "data", "keys-backup.sqlite"));
    const second = await open();
    await second.log.erase(erasure("p-1"));
    await second.close();
    await first.raw.close().catch(() => undefined);

    const restored = await open("keys-backup.sqlite");
    expect((await restored.keys.get({ subject: "p-1", retentionClass: "clinical" }))?.state).toBe("live");
    expect((await restored.log.readStream("consult-1"))[0]?.data.text).toBe(ERASED);
    await expect(restored.log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: "x" })], 0)).rejects.toMatchObject({ code: "SUBJECT_ERASED" });
    await restored.close();
  });

  it("allowNewKey starts a new key generation: new data opens, the erased data stays erased", async () => {
    const { log, raw, close } = await erasedSetUp();
    await log.allowNewKey(erasure("p-1"));
    await log.append("consult-1", [event("MessagePosted", { patientId: "p-1", text: "after reissue" })], 1);
    const texts = (await log.readStream("consult-1")).map((stored) => stored.data.text);
    expect(texts).toEqual([ERASED, undefined, "after reissue"]);
    expect((await raw.readStream("erasure-p-1")).map((stored) => stored.type)).toEqual(["SubjectKeyDestroyed", "SubjectKeyReissued"]);
    await close();
  });
});
