import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultCompleted } from "@ihp/contracts/consult";
import { RecordLifecycleServiceService, RecordsServiceService } from "@ihp/contracts/records";
import type { StoredEvent } from "@ihp/eventsourcing";
import { envelopedMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type OwnedServiceClient, TokenVerifier } from "@ihp/platform";
import { InProcessTsa } from "@ihp/timestamping";
import type { ConsultSource, IdentityPort } from "../../src/application/ports.js";
import { type RecordsService, recordsConfigSchema, startRecordsService } from "../../src/index.js";
import { recordsClient } from "../service/client.js";
import { completedConsult, consultDouble, patientForRecordDouble, sessionCheckDouble, sessionOf } from "../service/doubles.js";

// The records service over gRPC with its real host (SQLite log, sealing, key store, bus consumer), an in-process bus,
// an in-process TSA and consult/identity doubles, on a clock the test moves (years forward, never sleeps).

export type Role = "patient" | "physician" | "records_officer" | "institution_admin";

/** Identity's answers: practitioners with names and titles (a trainee's title needs a co-signature), signatures. */
export function practitionersDouble(practitioners: Readonly<Record<string, { name: string; title: string }>>): IdentityPort {
  return {
    practitioner: (id) => Promise.resolve(practitioners[id] ?? { name: "", title: "" }),
    patientForRecord: patientForRecordDouble,
    checkSession: sessionCheckDouble(new Map()),
    // One verified guardianship: guardian-9 of patient-2 (a minor in these tests).
    checkGuardian: (_caller, guardianId, childId) => Promise.resolve(guardianId === "guardian-9" && childId === "patient-2"),
    sign: (caller, request) =>
      Promise.resolve({
        signerId: caller.principal.subject,
        algorithm: "ECDSA_P256_SHA256",
        certificateSerial: "01",
        value: randomBytes(64).toString("base64"),
        documentHash: createHash("sha256").update(request.canonicalDocument, "utf8").digest("hex"),
        signedAt: new Date().toISOString(),
      }),
  };
}

export function consultOf(consultId: string, over: Partial<ConsultSource>): ConsultSource {
  return { ...completedConsult(consultId), priorRecordId: "", transcript: [], ...over };
}

function completedMessage(consultId: string, institutionId: string, physicianId: string, sequence: number) {
  const payload = ConsultCompleted.encode(ConsultCompleted.fromPartial({ consultId, institutionId, physicianId })).finish();
  const id = `0193a9f2-0000-7000-8000-${String(sequence).padStart(12, "0")}`;
  const stored: StoredEvent = {
    id,
    type: "ConsultCompleted",
    schemaVersion: 1,
    data: {},
    metadata: { actorId: physicianId, actorRole: "physician", tenantId: institutionId, correlationId: id, causationId: id, occurredAt: "2026-12-06T02:30:00.000Z" },
    streamId: `consult-${consultId}`,
    revision: 5,
    position: BigInt(sequence),
    recordedAt: "2026-12-06T02:30:00.000Z",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
  return envelopedMessage(stored, { subject: "ihp.consult.v1.ConsultCompleted", type: "ConsultCompleted", contentType: "application/x-protobuf; proto=ihp.consult.v1.ConsultCompleted", payload });
}

export interface Harness {
  readonly dataDir: string;
  readonly records: OwnedServiceClient<typeof RecordsServiceService>;
  readonly lifecycle: OwnedServiceClient<typeof RecordLifecycleServiceService>;
  readonly tsa: InProcessTsa;
  /** Verifies the harness's tokens (for a gateway in front of the service). */
  readonly verifier: TokenVerifier;
  /** host:port of the service's gRPC. */
  readonly address: string;
  /** Moves the service's (and the TSA's) clock. */
  setNow(iso: string): void;
  token(subject: string, roles: Role[], tenantId?: string): Promise<string>;
  /** Publishes a ConsultCompleted for a source the consult double knows. */
  complete(source: ConsultSource): Promise<void>;
  /** Stops the service (to read its files); close() then only cleans up. */
  stopService(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(practitioners: Readonly<Record<string, { name: string; title: string }>>): Promise<Harness> {
  let now = new Date("2026-12-06T03:00:00.000Z");
  const clock = () => now;
  const dataDir = await mkdtemp(join(tmpdir(), "records-lifecycle-"));
  const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  const bus = new InProcessBus();
  const tsa = await InProcessTsa.open({ folder: join(dataDir, "tsa"), now: clock });
  const sources = new Map<string, ConsultSource>();
  const config = loadConfig(recordsConfigSchema, { SERVICE_NAME: "records", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
  const service: RecordsService = await startRecordsService({
    config,
    bus,
    verifier,
    tsa,
    clock,
    identity: practitionersDouble(practitioners),
    consult: consultDouble(sources),
    logger: createLogger({ name: "records", level: "silent" }),
  });
  const address = `127.0.0.1:${service.grpcPort}`;
  const records = recordsClient(RecordsServiceService, address);
  const lifecycle = recordsClient(RecordLifecycleServiceService, address);
  let sequence = 0;
  let stopped = false;
  async function stopService(): Promise<void> {
    if (stopped) return;
    stopped = true;
    records.close();
    lifecycle.close();
    await service.stop();
  }
  return {
    dataDir,
    records,
    lifecycle,
    tsa,
    verifier,
    address,
    setNow: (iso) => {
      now = new Date(iso);
    },
    token: (subject, roles, tenantId = "hosp-1") => issuer.issue({ subject, roles, tenantId, kind: "human", sessionId: sessionOf(subject) }),
    async complete(source) {
      sources.set(source.consultId, source);
      sequence += 1;
      await bus.publish(completedMessage(source.consultId, source.institutionId, source.physicianId, sequence));
    },
    stopService,
    async close() {
      await stopService();
      await bus.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
