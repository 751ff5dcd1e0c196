import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalFolderBlobStore } from "@ihp/blobstore";
import { ConsultCompleted } from "@ihp/contracts/consult";
import { AccessOutcome, MediaKind, type Record as RecordMessage, RecordMediaServiceService, RecordsServiceService } from "@ihp/contracts/records";
import type { StoredEvent } from "@ihp/eventsourcing";
import { verifyFile } from "@ihp/eventsourcing/sqlite";
import { envelopedMessage, envelopeMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type OwnedServiceClient, TokenVerifier } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { InProcessTsa } from "@ihp/timestamping";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsultSource } from "../src/application/ports.js";
import { type RecordsService, recordsConfigSchema, startRecordsService } from "../src/index.js";
import { recordsClient } from "./service/client.js";
import { completedConsult, consultDouble, identityDouble } from "./service/doubles.js";

// Media of the outpatient record (issue 11 item 2; REC-01, REC-03, XC-01) through the records service's real host
// (SQLite log, sealing, key ring, bus consumers) with a folder blob store, an injected clock and consult/identity
// doubles. Three consults: one to read and destroy, one to tamper with, one whose patient is erased.

const [READ, TAMPER, ERASE] = ["0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71", "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f72", "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f73"];
const CHAT = "最近胸闷好转，附上心电图";
const IMAGE_SHA = createHash("sha256").update("ecg-image").digest("hex");
const AUDIO_SHA = createHash("sha256").update("voice").digest("hex");
const VIDEO_SHA = createHash("sha256").update("video").digest("hex");

function source(consultId: string, patientId: string): ConsultSource {
  const base = completedConsult(consultId);
  return {
    ...base,
    patientId,
    transcript: [
      { messageId: `${consultId}-1`, senderRole: "PATIENT", kind: "TEXT", text: CHAT, mediaUri: "", mediaSha256: "", sentAt: "2026-12-06T02:10:00.000Z" },
      { messageId: `${consultId}-2`, senderRole: "PATIENT", kind: "IMAGE", text: "", mediaUri: "https://media.consult.example/ecg-1.png", mediaSha256: IMAGE_SHA, sentAt: "2026-12-06T02:11:00.000Z" },
      // No well-formed hash: never verifiable, so not linked.
      { messageId: `${consultId}-3`, senderRole: "PATIENT", kind: "IMAGE", text: "", mediaUri: "https://media.consult.example/x.png", mediaSha256: "not-a-hash", sentAt: "2026-12-06T02:12:00.000Z" },
    ],
    recordings: [
      { uri: "s3://consult-recordings/c-1/voice.m4a", sha256: AUDIO_SHA, durationSeconds: 95, storedAt: "2026-12-06T02:30:00.000Z" },
      { uri: "s3://consult-recordings/c-1/video.mp4", sha256: VIDEO_SHA, durationSeconds: 600, storedAt: "2026-12-06T02:30:00.000Z" },
    ],
  };
}

let now = new Date("2026-12-06T02:31:00.000Z");
const clock = () => now;
let dataDir: string;
let blobDir: string;
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let service: RecordsService;
let records: OwnedServiceClient<typeof RecordsServiceService>;
let media: OwnedServiceClient<typeof RecordMediaServiceService>;
const sources = new Map<string, ConsultSource>([
  [READ, source(READ, "patient-1")],
  [TAMPER, source(TAMPER, "patient-2")],
  [ERASE, source(ERASE, "patient-3")],
]);

const token = (subject: string, roles: ("patient" | "physician" | "records_officer")[]) => issuer.issue({ subject, roles, tenantId: "hosp-1", kind: "human" });

const getMedia = (recordId: string, mediaId: string, bearer: string) => media.getRecordMedia({ recordId, mediaId }, { token: bearer });
const destroy = (recordId: string, mediaId: string, requestId: string, bearer: string) =>
  media.destroyRecordMedia({ requestId, recordId, mediaId, approvalRef: "head-approval-2029-1" }, { token: bearer });

function stored(id: string, type: string, streamId: string, data: StoredEvent["data"]): StoredEvent {
  const metadata = { actorId: "svc", actorRole: "system", tenantId: "hosp-1", correlationId: "c", causationId: "r", occurredAt: now.toISOString() };
  return { id, type, schemaVersion: 1, data, metadata, streamId, revision: 0, position: 1n, recordedAt: now.toISOString(), prevHash: "0".repeat(64), hash: "1".repeat(64) };
}

function completed(consultId: string) {
  const payload = ConsultCompleted.encode(ConsultCompleted.fromPartial({ consultId, institutionId: "hosp-1", physicianId: "physician-1" })).finish();
  const id = `0193a9f2-0000-7000-8000-${consultId.slice(-12)}`;
  return envelopedMessage(stored(id, "ConsultCompleted", `consult-${consultId}`, {}), {
    subject: "ihp.consult.v1.ConsultCompleted",
    type: "ConsultCompleted",
    contentType: "application/x-protobuf; proto=ihp.consult.v1.ConsultCompleted",
    payload,
  });
}

async function recordOf(consultId: string): Promise<RecordMessage> {
  const physician = await token("physician-1", ["physician"]);
  let found: RecordMessage | undefined;
  await waitFor(async () => {
    found = await records.getRecordByConsult({ consultId }, { token: physician }).then((response) => response.record, () => undefined);
    return found !== undefined;
  }, 10_000, "the drafted record");
  return found!;
}

/** Every blob file of the folder store (objects/<aa>/<sha256>). */
async function blobFiles(): Promise<string[]> {
  const root = join(blobDir, "objects");
  const files: string[] = [];
  for (const folder of await readdir(root)) for (const name of await readdir(join(root, folder))) if (!name.endsWith(".retain")) files.push(join(root, folder, name));
  return files;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "records-media-"));
  blobDir = await mkdtemp(join(tmpdir(), "records-media-blobs-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  bus = new InProcessBus();
  const tsa = await InProcessTsa.open({ folder: join(dataDir, "tsa") });
  const config = loadConfig(recordsConfigSchema, { SERVICE_NAME: "records", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
  const blobs = new LocalFolderBlobStore({ root: blobDir, now: clock });
  const logger = createLogger({ name: "records", level: "silent" });
  service = await startRecordsService({ config, bus, verifier, tsa, clock, identity: identityDouble({ "physician-1": "王示范" }), blobs, consult: consultDouble(sources), logger });
  records = recordsClient(RecordsServiceService, `127.0.0.1:${service.grpcPort}`);
  media = recordsClient(RecordMediaServiceService, `127.0.0.1:${service.grpcPort}`);
  for (const consultId of [READ, TAMPER, ERASE]) await bus.publish(completed(consultId));
});

afterAll(async () => {
  records?.close();
  media?.close();
  await service?.stop();
  await bus?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(blobDir, { recursive: true, force: true });
});

describe("record media (issue 11 item 2)", () => {
  it("REC-01, XC-01: the transcript is sealed before the blob store (which sees ciphertext only); a reader gets it back, hash-checked; an image is linked by URI and hash; every read is an access event", async () => {
    const record = await recordOf(READ);
    const transcript = record.media.find((item) => item.kind === MediaKind.MEDIA_KIND_TRANSCRIPT)!;
    const image = record.media.find((item) => item.kind === MediaKind.MEDIA_KIND_IMAGE)!;
    expect(image).toMatchObject({ mediaId: `message-${READ}-2`, sha256: IMAGE_SHA });
    expect(record.media.map((item) => [item.kind, item.sha256 === transcript.sha256 ? "transcript" : item.sha256])).toEqual([
      [MediaKind.MEDIA_KIND_TRANSCRIPT, "transcript"],
      [MediaKind.MEDIA_KIND_IMAGE, IMAGE_SHA],
      [MediaKind.MEDIA_KIND_AUDIO, AUDIO_SHA],
      [MediaKind.MEDIA_KIND_VIDEO, VIDEO_SHA],
    ]);

    await recordOf(TAMPER);
    await recordOf(ERASE);
    const files = await blobFiles();
    expect(files.length).toBe(3); // one transcript per consult
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(Buffer.from(CHAT, "utf8"))).toBe(false);
      // The store's key is the hash of the ciphertext, not the plaintext hash the record links.
      expect(file.endsWith(transcript.sha256)).toBe(false);
    }

    const patient = await token("patient-1", ["patient"]);
    const before = (await records.listRecordAccess({ recordId: record.recordId }, { token: patient })).entries.length;
    const read = await getMedia(record.recordId, transcript.mediaId, patient);
    expect(createHash("sha256").update(read.content).digest("hex")).toBe(transcript.sha256);
    expect(Buffer.from(read.content).toString("utf8")).toContain(CHAT);
    const linked = await getMedia(record.recordId, image.mediaId, patient);
    expect(linked).toMatchObject({ sourceUri: "https://media.consult.example/ecg-1.png" });
    expect(linked.content).toHaveLength(0);

    const stranger = await token("patient-9", ["patient"]);
    await expect(getMedia(record.recordId, transcript.mediaId, stranger)).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    const log = (await records.listRecordAccess({ recordId: record.recordId }, { token: patient })).entries;
    // `before` counted its own read; since: two media reads, the refused read and this access-log read.
    expect(log.length).toBe(before + 4);
    expect(log.find((entry) => entry.accessorId === "patient-9")).toMatchObject({ outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED, reasonCode: "RECORD_ACCESS_DENIED" });
  });

  it("REC-01: a changed blob is never served: MEDIA_INTEGRITY_FAILED", async () => {
    const record = await recordOf(TAMPER);
    const transcript = record.media.find((item) => item.kind === MediaKind.MEDIA_KIND_TRANSCRIPT)!;
    const officer = await token("officer-1", ["records_officer"]);
    const before = new Set(await blobFiles());
    await getMedia(record.recordId, transcript.mediaId, officer);
    // Find this record's blob: the one that stops opening when changed (the others belong to the other consults).
    let tampered = false;
    for (const file of before) {
      const original = await readFile(file);
      const changed = Buffer.from(original);
      changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 0xff;
      await writeFile(file, changed);
      const outcome = await getMedia(record.recordId, transcript.mediaId, officer).then(() => "served", (error: { code?: string }) => error.code);
      if (outcome === "MEDIA_INTEGRITY_FAILED") {
        tampered = true;
        break;
      }
      await writeFile(file, original);
    }
    expect(tampered).toBe(true);
  });

  it("REC-03, XC-01: destroyRecordMedia is refused at 2 years 364 days and on the last day of the 3 years, allowed the day after; the record remains and reads, the key and blob are gone, the log verifies", async () => {
    const record = await recordOf(READ);
    const transcript = record.media.find((item) => item.kind === MediaKind.MEDIA_KIND_TRANSCRIPT)!;
    const officer = await token("officer-1", ["records_officer"]);
    const physician = await token("physician-1", ["physician"]);
    now = new Date("2029-12-05T04:00:00.000Z"); // 2 years 364 days after the consult ended (Beijing days)
    await expect(destroy(record.recordId, transcript.mediaId, "destroy-0001", physician)).rejects.toMatchObject({ code: "MEDIA_DESTRUCTION_DENIED" });
    await expect(destroy(record.recordId, transcript.mediaId, "destroy-0002", officer)).rejects.toMatchObject({ code: "MEDIA_RETENTION_NOT_OVER" });
    now = new Date("2029-12-06T04:00:00.000Z"); // 3 years: the last day that must still be kept
    await expect(destroy(record.recordId, transcript.mediaId, "destroy-0003", officer)).rejects.toMatchObject({ code: "MEDIA_RETENTION_NOT_OVER" });
    const blobsBefore = (await blobFiles()).length;

    now = new Date("2029-12-07T00:30:00.000Z");
    const destroyed = await destroy(record.recordId, transcript.mediaId, "destroy-0004", officer);
    expect(destroyed.destroyedMediaIds).toEqual([transcript.mediaId]);
    // The reference (and its hash) stays in the record: a tombstone, not a rewrite.
    expect(destroyed.record!.media.map((item) => item.mediaId)).toContain(transcript.mediaId);
    expect((await blobFiles()).length).toBe(blobsBefore - 1);
    await expect(getMedia(record.recordId, transcript.mediaId, officer)).rejects.toMatchObject({ code: "MEDIA_ERASED" });
    await expect(destroy(record.recordId, transcript.mediaId, "destroy-0005", officer)).rejects.toMatchObject({ code: "MEDIA_ALREADY_DESTROYED" });
    // Repeating the request completes (or repeats) the same destruction.
    expect((await destroy(record.recordId, transcript.mediaId, "destroy-0004", officer)).destroyedMediaIds).toEqual([transcript.mediaId]);

    const patient = await token("patient-1", ["patient"]);
    const still = (await records.getRecord({ recordId: record.recordId }, { token: patient })).record!;
    expect(still.sections?.treatmentAdvice).toBe("胸闷复诊小结：病情稳定");
    const logFiles = (await readdir(dataDir)).filter((name) => name.endsWith(".sqlite") && name.includes("event"));
    expect(logFiles.length).toBeGreaterThan(0);
    for (const name of logFiles) expect(verifyFile(join(dataDir, name))).toMatchObject({ ok: true });
  });

  it("REC-03, XC-01 (issue 10 erasure): the patient's erasure order (class media) destroys the patient's media keys: the content reads MEDIA_ERASED, the record still reads", async () => {
    const record = await recordOf(ERASE);
    const transcript = record.media.find((item) => item.kind === MediaKind.MEDIA_KIND_TRANSCRIPT)!;
    const officer = await token("officer-1", ["records_officer"]);
    expect((await getMedia(record.recordId, transcript.mediaId, officer)).content.length).toBeGreaterThan(0);
    const erasureId = "f".repeat(32);
    const order = { erasureId, subject: "patient-3", retentionClass: "media", approvalRef: "erasure-approval-1", holders: ["identity", "records"] };
    await bus.publish(envelopeMessage("identity")(stored("0193a9f2-0000-7000-8000-0000000000ee", "SubjectErasureRequested", `subject-erasure-${erasureId}`, order)));
    await waitFor(
      () => getMedia(record.recordId, transcript.mediaId, officer).then(() => false, (error: { code?: string }) => error.code === "MEDIA_ERASED"),
      10_000,
      "the media key destroyed",
    );
    const still = (await records.getRecord({ recordId: record.recordId }, { token: officer })).record!;
    expect(still.recordId).toBe(record.recordId);
    // Another patient's media are untouched.
    const other = await recordOf(READ);
    expect((await getMedia(other.recordId, other.media.find((item) => item.kind === MediaKind.MEDIA_KIND_IMAGE)!.mediaId, officer)).sourceUri).not.toBe("");
  });
});
