import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultCompleted } from "@ihp/contracts/consult";
import {
  type Record as RecordMessage,
  RecordAccessAuditServiceService,
  RecordCopyServiceService,
  RecordCustodyServiceService,
  RecordExportServiceService,
  RecordsServiceService,
} from "@ihp/contracts/records";
import type { StoredEvent } from "@ihp/eventsourcing";
import { envelopedMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type OwnedServiceClient, type Role, TokenVerifier } from "@ihp/platform";
import { waitFor } from "@ihp/testing";
import { InProcessTsa } from "@ihp/timestamping";
import type { ConsultSource } from "../src/application/ports.js";
import { type RecordsService, recordsConfigSchema, startRecordsService } from "../src/index.js";
import { recordsClient } from "./service/client.js";
import { completedConsult, consultDouble, identityDouble, sessionOf } from "./service/doubles.js";

// The records service over gRPC with its real host (SQLite log, sealing, bus consumer), an in-process bus, the
// in-process TSA and doubles of consult and identity; the clients of copies.proto's services; signed records on demand.

export interface CopiesHarness {
  readonly dataDir: string;
  /** RECORDS_SEAL_KEY_DIR: the institutions' e-seal keys, outside DATA_DIR as on the manifests' key claim. */
  readonly sealKeyDir: string;
  readonly records: OwnedServiceClient<typeof RecordsServiceService>;
  readonly exports: OwnedServiceClient<typeof RecordExportServiceService>;
  readonly copies: OwnedServiceClient<typeof RecordCopyServiceService>;
  readonly audit: OwnedServiceClient<typeof RecordAccessAuditServiceService>;
  readonly custody: OwnedServiceClient<typeof RecordCustodyServiceService>;
  token(subject: string, roles: Role[], tenantId?: string, kind?: "human" | "service"): Promise<string>;
  /** A signed record of a closed consult (drafted by the consumer, completed and signed by its physician). */
  signedRecord(consultId: string, over?: Partial<ConsultSource>): Promise<RecordMessage>;
  close(): Promise<void>;
}

function completedMessage(source: ConsultSource, sequence: number) {
  const payload = ConsultCompleted.encode(ConsultCompleted.fromPartial({ consultId: source.consultId, institutionId: source.institutionId, physicianId: source.physicianId })).finish();
  const id = `0193a9f2-0000-7000-8000-${String(sequence).padStart(12, "0")}`;
  const stored: StoredEvent = {
    id,
    type: "ConsultCompleted",
    schemaVersion: 1,
    data: {},
    metadata: { actorId: source.physicianId, actorRole: "physician", tenantId: source.institutionId, correlationId: id, causationId: id, occurredAt: source.completedAt },
    streamId: `consult-${source.consultId}`,
    revision: 5,
    position: BigInt(sequence),
    recordedAt: source.completedAt,
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
  return envelopedMessage(stored, { subject: "ihp.consult.v1.ConsultCompleted", type: "ConsultCompleted", contentType: "application/x-protobuf; proto=ihp.consult.v1.ConsultCompleted", payload });
}

export async function startCopiesHarness(): Promise<CopiesHarness> {
  const now = () => new Date("2026-12-06T03:00:00.000Z");
  const dataDir = await mkdtemp(join(tmpdir(), "records-copies-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const bus = new InProcessBus();
  const tsa = await InProcessTsa.open({ folder: join(dataDir, "tsa"), now });
  const sources = new Map<string, ConsultSource>();
  const sealKeyDir = await mkdtemp(join(tmpdir(), "records-seal-keys-"));
  const config = loadConfig(recordsConfigSchema, { SERVICE_NAME: "records", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500", RECORDS_SEAL_KEY_DIR: sealKeyDir });
  const service: RecordsService = await startRecordsService({
    config,
    bus,
    verifier,
    tsa,
    clock: now,
    identity: identityDouble({ "physician-1": "王示范" }),
    consult: consultDouble(sources),
    logger: createLogger({ name: "records", level: "silent" }),
  });
  const address = `127.0.0.1:${service.grpcPort}`;
  const records = recordsClient(RecordsServiceService, address);
  const clients = {
    records,
    exports: recordsClient(RecordExportServiceService, address),
    copies: recordsClient(RecordCopyServiceService, address),
    audit: recordsClient(RecordAccessAuditServiceService, address),
    custody: recordsClient(RecordCustodyServiceService, address),
  };
  let sequence = 0;
  const token = (subject: string, roles: Role[], tenantId = "hosp-1", kind: "human" | "service" = "human") =>
    issuer.issue({ subject, roles, tenantId, kind, ...(kind === "human" ? { sessionId: sessionOf(subject) } : {}) });
  return {
    dataDir,
    sealKeyDir,
    ...clients,
    token,
    async signedRecord(consultId, over = {}) {
      const source = { ...completedConsult(consultId), ...over };
      sources.set(consultId, source);
      await bus.publish(completedMessage(source, ++sequence));
      const physician = await token(source.physicianId, ["physician"], source.institutionId);
      let draft: RecordMessage | undefined;
      await waitFor(async () => {
        draft = await records.getRecordByConsult({ consultId }, { token: physician }).then((r) => r.record, () => undefined);
        return draft !== undefined;
      }, 10_000, "the draft record");
      const sections = { ...draft!.sections!, chiefComplaint: "胸闷一周", presentIllness: "活动后胸闷，休息缓解" };
      const amended = await records.amendRecord({ requestId: `amend-${consultId}`, recordId: draft!.recordId, expectedVersion: 1, sections }, { token: physician });
      const signed = await records.signRecord({ requestId: `sign-${consultId}`, recordId: draft!.recordId, version: amended.record!.version }, { token: physician });
      return signed.record!;
    },
    async close() {
      for (const client of Object.values(clients)) client.close();
      await service.stop();
      await bus.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(sealKeyDir, { recursive: true, force: true });
    },
  };
}
