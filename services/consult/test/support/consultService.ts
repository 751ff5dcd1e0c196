import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsultContextServiceService, ConsultServiceService, ConsultType, PriorRecordType, type RequestConsultRequest } from "@ihp/contracts/consult";
import type { StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { type BusMessage, type Consumer, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, type Role, TokenVerifier } from "@ihp/platform";
import { afterAll, beforeAll } from "vitest";
import { type ConsultService, consultConfigSchema, startConsultService } from "../../src/index.js";
import { TestClient } from "./client.js";
import { DIABETES } from "./fixtures.js";
import { InMemoryIdentity } from "./inMemoryIdentity.js";

// One consult service over gRPC per test file (vitest gives each file its own modules): useConsultService() starts it
// before the file's tests and stops it after them; the clients, the event log and the clock below are live bindings.

export const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
export const UNCONNECTED = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f7f";

export let now = new Date("2026-03-15T02:00:00Z");
export let dataDir: string;
export let consults: TestClient<typeof ConsultServiceService>;
export let context: TestClient<typeof ConsultContextServiceService>;
export let log: SqliteEventStore;
export const identity = new InMemoryIdentity();
/** Every integration event the service published, in order. */
export const published: BusMessage[] = [];
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let busConsumer: Consumer;
let service: ConsultService;
let counter = 0;

/**
 * A token as the builtin issuer gives it. A person's names their login session, by default the one the in-memory
 * identity holds current (`session-<subject>`); `sessionId: null` mints one that names none (IDN-08).
 */
export const token = (subject: string, roles: Role[], extra: { kind?: "human" | "service"; tenantId?: string; sessionId?: string | null } = {}) => {
  const kind = extra.kind ?? "human";
  const sessionId = extra.sessionId === undefined ? (kind === "human" ? identity.currentSession(subject) : undefined) : (extra.sessionId ?? undefined);
  return issuer.issue({ subject, roles, tenantId: extra.tenantId ?? INSTITUTION, kind, ...(sessionId === undefined ? {} : { sessionId }) });
};
export const requestId = () => `req-${String(++counter).padStart(6, "0")}`;

export function advanceClock(ms: number): void {
  now = new Date(now.getTime() + ms);
}

export function followUp(overrides: Partial<RequestConsultRequest> = {}): RequestConsultRequest {
  return {
    requestId: requestId(),
    institutionId: INSTITUTION,
    consultType: ConsultType.CONSULT_TYPE_FOLLOW_UP,
    departmentCode: "03.07",
    patientId: "patient-1",
    priorRecord: {
      documentId: "doc-1",
      hisLinkId: "",
      recordType: PriorRecordType.PRIOR_RECORD_TYPE_OUTPATIENT_RECORD,
      recordDate: "2026-03-01",
      issuingInstitution: "示范市第一人民医院",
      diagnoses: [DIABETES],
    },
    invitation: undefined,
    familyContractId: "",
    triageFlags: [],
    ...overrides,
  };
}

/** The consult's own event stream, as stored. */
export async function stream(consultId: string): Promise<StoredEvent[]> {
  return [...(await log.readStream(`consult-${consultId}`))];
}

async function start(): Promise<void> {
  dataDir = await mkdtemp(join(tmpdir(), "consult-int-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  identity.institutions.set(INSTITUTION, { institutionId: INSTITUTION, jurisdiction: "guangxi", subjectCodes: ["03.07", "50"], regulatorConnected: true });
  identity.institutions.set(UNCONNECTED, { institutionId: UNCONNECTED, jurisdiction: "national", subjectCodes: ["03.07"], regulatorConnected: false });
  identity.patients.set("patient-1", { patientId: "patient-1", birthDate: "1970-05-01", sex: "F", verificationMethod: "ID_CARD_FACE_MATCH" });
  identity.patients.set("child-1", { patientId: "child-1", birthDate: "2021-06-01", sex: "M", verificationMethod: "GUARDIAN_ID_CARD" });
  identity.guardianships.add("guardian-1:child-1");
  identity.clinicians.set("physician-1", { institutionId: INSTITUTION, departments: ["03.07"], stepUp: false });
  identity.clinicians.set("physician-2", { institutionId: INSTITUTION, departments: ["03.07"], stepUp: true });
  bus = new InProcessBus();
  busConsumer = await bus.consume({ durable: "consult-test", subjects: ["ihp.consult.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });
  const config = loadConfig(consultConfigSchema, {
    SERVICE_NAME: "consult",
    DATA_DIR: dataDir,
    GRPC_PORT: "0",
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "1000",
    CONSULT_EXPIRY_SWEEP_SECONDS: "1",
  });
  service = await startConsultService({
    config,
    bus,
    verifier,
    identity,
    clock: () => new Date(now),
    logger: createLogger({ name: "consult", level: "silent" }),
  });
  consults = new TestClient(ConsultServiceService, service.grpcPort);
  context = new TestClient(ConsultContextServiceService, service.grpcPort);
  log = SqliteEventStore.open({ path: join(dataDir, "consult-events.sqlite") });
}

async function stop(): Promise<void> {
  consults?.close();
  context?.close();
  await service?.stop();
  await log?.close();
  await busConsumer?.stop();
  await bus?.close();
  await rm(dataDir, { recursive: true, force: true });
}

export function useConsultService(): void {
  beforeAll(start);
  afterAll(stop);
}
