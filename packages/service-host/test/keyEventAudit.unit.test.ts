import { uuidv7 } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { createKeyRing, ERASED, memoryDataKeyStore, openKeyFileCustody, sealedEventStore, type SealedEventStore } from "@ihp/keyring";
import { ACCESS_RECORDED, createAuditTrail } from "@ihp/platform";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { auditingKeyEvents } from "../src/keyEventAudit.js";

// XC-07 / XC-01: a key destroyed or reissued through the service host's store is also an audit record of the service
// (ids only), so its audit query and the daily security report see every service's key events.

const NOW = new Date("2026-12-06T02:00:00Z"); // 10:00 Beijing
const metadata = { actorId: "admin-a", actorRole: "institution_admin", tenantId: "inst-1", correlationId: "corr-1", causationId: "corr-1", occurredAt: NOW.toISOString() };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function sealedStore(): Promise<{ raw: SqliteEventStore; store: SealedEventStore }> {
  const dir = mkdtempSync(join(tmpdir(), "ihp-key-audit-"));
  const raw = SqliteEventStore.open({ path: ":memory:" });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const keys = memoryDataKeyStore();
  const custody = await openKeyFileCustody({ path: join(dir, "master.json") });
  const policy = { events: { NoteWritten: { subject: (data: Readonly<Record<string, unknown>>) => data["patientId"] as string, retentionClass: "clinical", fields: ["text"] } } };
  return { raw, store: sealedEventStore(raw, { ring: createKeyRing({ custody, store: keys }), keys, policy }) };
}

describe("key events in the audit trail (XC-07)", () => {
  it("XC-07: destroying and reissuing a subject's key each append one AccessRecorded with the ids, and the key is destroyed", async () => {
    const { raw, store } = await sealedStore();
    const audit = createAuditTrail({ store: raw, context: "consult", clock: () => NOW, newId: uuidv7 });
    const audited = auditingKeyEvents(store, audit) as SealedEventStore;
    await audited.append("note-1", [{ id: uuidv7(), type: "NoteWritten", schemaVersion: 1, data: { patientId: "p-1", text: "空腹血糖7.2" }, metadata }], "no_stream");
    const request = { subject: "p-1", retentionClass: "clinical", approvalRef: "APR-1", metadata, eventId: uuidv7() };
    await audited.erase(request);
    await audited.allowNewKey({ ...request, eventId: uuidv7() });
    expect((await audited.readStream("note-1"))[0]?.data["text"]).toBe(ERASED);
    const trail = (await raw.readStream("consult-audit-2026-12-06")).filter((event) => event.type === ACCESS_RECORDED);
    expect(trail.map((event) => [event.data["action"], event.data["resource"], event.metadata.actorId, event.metadata.tenantId])).toEqual([
      ["SubjectKeyDestroyed", "subject-key/p-1/clinical", "admin-a", "inst-1"],
      ["SubjectKeyReissued", "subject-key/p-1/clinical", "admin-a", "inst-1"],
    ]);
    expect(JSON.stringify(trail.map((event) => [event.data, event.metadata]))).not.toContain("空腹血糖");
  });

  it("forwards every other method bound to the store, once per method (every read goes through it), and a method the store replaces", async () => {
    const { store } = await sealedStore();
    const raw = SqliteEventStore.open({ path: ":memory:" });
    const audited = auditingKeyEvents(store, createAuditTrail({ store: raw, context: "consult", clock: () => NOW, newId: uuidv7 })) as SealedEventStore;
    const { readStream } = audited;
    expect(audited.readStream).toBe(readStream);
    expect(await readStream("note-none")).toEqual([]);
    const replaced = () => Promise.resolve([]);
    (store as { readStream: unknown }).readStream = replaced;
    expect(audited.readStream).not.toBe(readStream);
    expect(await audited.readStream("note-none")).toEqual([]);
  });

  it("a store without keys is returned as it is", () => {
    const raw = SqliteEventStore.open({ path: ":memory:" });
    const audit = createAuditTrail({ store: raw, context: "consult", clock: () => NOW, newId: uuidv7 });
    expect(auditingKeyEvents(raw, audit)).toBe(raw);
  });
});
