import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultCompleted } from "@ihp/contracts/consult";
import { AccessOutcome, MediaKind, type Record as RecordMessage, RecordStatus, RecordsServiceService } from "@ihp/contracts/records";
import type { StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { envelopedMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type OwnedServiceClient, TokenVerifier } from "@ihp/platform";
import { filesContaining, waitFor } from "@ihp/testing";
import { LocalFolderBlobStore } from "@ihp/blobstore";
import { InProcessTsa } from "@ihp/timestamping";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timestampedDigest } from "../../src/application/commands.js";
import type { ConsultSource } from "../../src/application/ports.js";
import { type RecordsService, recordsConfigSchema, startRecordsService } from "../../src/index.js";
import { recordsClient } from "./client.js";
import { completedConsult, consultDouble, identityDouble, sessionOf } from "./doubles.js";

// The records service over gRPC with its real host (SQLite log, sealing, bus consumer), an in-process bus, the
// in-process TSA and doubles of consult and identity.

const CONSULT = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const SECOND_CONSULT = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
let dataDir: string;
let blobDir: string;
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let tsa: InProcessTsa;
let service: RecordsService;
let client: OwnedServiceClient<typeof RecordsServiceService>;
const sources = new Map<string, ConsultSource>([[CONSULT, completedConsult(CONSULT)]]);
const identity = identityDouble({ "physician-1": "王示范" });

const token = (subject: string, roles: ("patient" | "physician" | "records_officer")[]) =>
  issuer.issue({ subject, roles, tenantId: "hosp-1", kind: "human", sessionId: identity.sessions.get(subject) ?? sessionOf(subject) });

function completedMessage(consultId = CONSULT, sequence = 1) {
  const payload = ConsultCompleted.encode(ConsultCompleted.fromPartial({ consultId, institutionId: "hosp-1", physicianId: "physician-1" })).finish();
  const stored: StoredEvent = {
    id: `0193a9f2-0000-7000-8000-${String(sequence).padStart(12, "0")}`,
    type: "ConsultCompleted",
    schemaVersion: 1,
    data: {},
    metadata: { actorId: "physician-1", actorRole: "physician", tenantId: "hosp-1", correlationId: "c", causationId: "r", occurredAt: "2026-12-06T02:30:00.000Z" },
    streamId: `consult-${consultId}`,
    revision: 5,
    position: BigInt(5 + sequence),
    recordedAt: "2026-12-06T02:30:00.000Z",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
  return envelopedMessage(stored, { subject: "ihp.consult.v1.ConsultCompleted", type: "ConsultCompleted", contentType: "application/x-protobuf; proto=ihp.consult.v1.ConsultCompleted", payload });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "records-svc-"));
  blobDir = await mkdtemp(join(tmpdir(), "records-blobs-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  bus = new InProcessBus();
  tsa = await InProcessTsa.open({ folder: join(dataDir, "tsa") });
  const config = loadConfig(recordsConfigSchema, { SERVICE_NAME: "records", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
  // A blob store outside DATA_DIR given by the test: it receives the transcript sealed (media.int.test.ts checks that).
  const blobs = new LocalFolderBlobStore({ root: join(blobDir, "blobs") });
  service = await startRecordsService({ config, bus, verifier, tsa, identity, blobs, consult: consultDouble(sources), logger: createLogger({ name: "records", level: "silent" }) });
  client = recordsClient(RecordsServiceService, `127.0.0.1:${service.grpcPort}`);
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await bus?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(blobDir, { recursive: true, force: true });
});

describe("records service over gRPC (issue 11)", () => {
  it("REC-01, REC-04, REC-07, REC-09, XC-01: a completed consult becomes a sealed draft once; the author completes and signs it; every read is an access event", async () => {
    const physician = await token("physician-1", ["physician"]);
    const patient = await token("patient-1", ["patient"]);
    const stranger = await token("physician-9", ["physician"]);
    await bus.publish(completedMessage());
    await bus.publish(completedMessage()); // a redelivery is a repeat
    let draft: RecordMessage | undefined;
    await waitFor(async () => {
      draft = await client.getRecordByConsult({ consultId: CONSULT }, { token: physician }).then((response) => response.record, () => undefined);
      return draft !== undefined;
    }, 10_000, "the draft record");
    expect(draft).toMatchObject({ version: 1, status: RecordStatus.RECORD_STATUS_DRAFT, authorName: "王示范", visitAt: "2026-12-06T10:03+08:00", priorRecordId: "prior-1" });
    // REC-01 header: the name identity gave the records service's own credential; an uploaded prior record names no HIS id.
    expect(draft).toMatchObject({ patientName: "王芳", hisPatientId: "" });
    expect(draft!.sections).toMatchObject({ chiefComplaint: "", examined: false, treatmentAdvice: "胸闷复诊小结：病情稳定" });
    expect(draft!.media.map((item) => item.kind)).toEqual([MediaKind.MEDIA_KIND_TRANSCRIPT]);
    expect((await client.listPatientRecords({ patientId: "patient-1" }, { token: patient })).records).toHaveLength(1);

    const sections = { ...draft!.sections!, chiefComplaint: "胸闷一周", presentIllness: "活动后胸闷，休息缓解" };
    const amended = (await client.amendRecord({ requestId: "amend-0001", recordId: draft!.recordId, expectedVersion: 1, sections }, { token: physician })).record!;
    expect(amended.version).toBe(2);
    await expect(client.amendRecord({ requestId: "amend-0002", recordId: draft!.recordId, expectedVersion: 1, sections }, { token: physician })).rejects.toMatchObject({ code: "STALE_VERSION" });
    await expect(client.signRecord({ requestId: "sign-0001", recordId: draft!.recordId, version: 2 }, { token: stranger })).rejects.toMatchObject({ code: "NOT_RECORD_AUTHOR" });

    const signed = (await client.signRecord({ requestId: "sign-0002", recordId: draft!.recordId, version: 2 }, { token: physician })).record!;
    expect(signed).toMatchObject({ status: RecordStatus.RECORD_STATUS_SIGNED, version: 2 });
    expect(signed.completedAt).not.toBe("");
    const [signature] = signed.signatures;
    const verified = await tsa.verify(Buffer.from(signature!.timestampToken, "base64"), { algorithm: "SHA-256", value: timestampedDigest(signature!.value) });
    expect(verified.genTime.toISOString()).toBe(signature!.timestampedAt);

    const versions = (await client.listRecordVersions({ recordId: draft!.recordId }, { token: patient })).versions;
    expect(versions.map((v) => [v.version, v.operatorId, v.changeType])).toEqual([[1, "svc:records", "originate"], [2, "physician-1", "amend"]]);

    await expect(client.getRecord({ recordId: draft!.recordId }, { token: stranger })).rejects.toMatchObject({ code: "RECORD_ACCESS_DENIED" });
    const log = (await client.listRecordAccess({ recordId: draft!.recordId }, { token: patient })).entries;
    expect(log[0]).toMatchObject({ accessorId: "patient-1", outcome: AccessOutcome.ACCESS_OUTCOME_ALLOWED, purpose: "SELF_SERVICE" });
    expect(log).toContainEqual(expect.objectContaining({ accessorId: "physician-9", outcome: AccessOutcome.ACCESS_OUTCOME_REFUSED, reasonCode: "RECORD_ACCESS_DENIED" }));

    // Sealed at rest (XC-01): the clinical text is nowhere in the data folder in clear.
    expect(await filesContaining(dataDir, ["胸闷一周", "胸闷复诊小结", "心绞痛"])).toEqual([]);
  });

  it("IDN-08: a superseded session's token, or one that names no session, cannot amend a record; only the audit record is appended", async () => {
    sources.set(SECOND_CONSULT, completedConsult(SECOND_CONSULT));
    await bus.publish(completedMessage(SECOND_CONSULT, 2));
    const first = await token("physician-1", ["physician"]);
    let draft: RecordMessage | undefined;
    await waitFor(async () => {
      draft = await client.getRecordByConsult({ consultId: SECOND_CONSULT }, { token: first }).then((response) => response.record, () => undefined);
      return draft !== undefined;
    }, 10_000, "the draft record");
    // The physician signs in again elsewhere: the first session is superseded.
    identity.sessions.set("physician-1", "session-second-login");
    try {
      const current = await token("physician-1", ["physician"]);
      const sessionless = await issuer.issue({ subject: "physician-1", roles: ["physician"], tenantId: "hosp-1", kind: "human" });
      const amend = (requestId: string, who: string) =>
        client.amendRecord({ requestId, recordId: draft!.recordId, expectedVersion: 1, sections: { ...draft!.sections!, chiefComplaint: "头晕三天" } }, { token: who });
      const log = SqliteEventStore.open({ path: join(dataDir, "records-events.sqlite") });
      try {
        const before = await log.readAll({ limit: 100_000 });
        await expect(amend("amend-old-0001", first)).rejects.toMatchObject({ code: "SESSION_SUPERSEDED" });
        await expect(amend("amend-none-001", sessionless)).rejects.toMatchObject({ code: "SESSION_REQUIRED" });
        const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
        expect(appended).toEqual(["AccessRefused", "AccessRefused"]);
      } finally {
        await log.close();
      }
      expect((await amend("amend-new-0001", current)).record?.version).toBe(2);
    } finally {
      identity.sessions.delete("physician-1");
    }
  });
});
