import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrescriptionReviewed, ReviewOutcome } from "@ihp/contracts/pharmacy";
import { PrescriptionLine, PrescriptionReviewStatus, PrescriptionSigned, PrescriptionStatus, PrescriptionVoided, type PrescriptionContent } from "@ihp/contracts/prescription";
import type { StoredEvent } from "@ihp/eventsourcing";
import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { type BusMessage, decodeEnvelope, envelopedMessage, InProcessBus } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, loadConfig, TokenVerifier } from "@ihp/platform";
import { filesContaining, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signatureFromProto } from "../src/adapters/signatureProto.js";
import { prescriptionConfigSchema, type PrescriptionService, startPrescriptionService } from "../src/index.js";
import { PrescriptionClient, refusalOf } from "./support/client.js";
import { CONSULT_ID, INSTITUTION_ID, PATIENT, PHYSICIAN, consult } from "./support/fixtures.js";
import { InMemoryConsults, InMemorySessions, InMemorySignatures } from "./support/ports.js";

const logger = createLogger({ name: "prescription", level: "silent" });
let dataDir: string;
let issuer: BuiltinIssuer;
let bus: InProcessBus;
let service: PrescriptionService;
let client: PrescriptionClient;
const consults = new InMemoryConsults();
const signatures = new InMemorySignatures();
const sessions = new InMemorySessions();
const published: BusMessage[] = [];
let physician: string;
let log: SqliteEventStore;

const line = (drugCode: string, dose: number, frequency = "QD") =>
  PrescriptionLine.fromPartial({
    drugCode,
    approvedName: "",
    dose: String(dose),
    doseUnit: "mg",
    route: "PO",
    frequency,
    daysSupply: 7,
    quantity: "14",
    quantityUnit: "片",
    instructions: "",
  });

function content(overrides: Partial<PrescriptionContent> = {}): PrescriptionContent {
  return {
    lines: [line("metformin-hcl-tab-0.5g", 500, "BID")],
    diagnosisCodes: ["E11.9"],
    emergency: false,
    extensionReason: "",
    longTerm: false,
    assessmentNote: "",
    patientWeightKg: 0,
    guardianPresent: false,
    accompanyingPhysicianPresent: false,
    ...overrides,
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "prescription-svc-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
  bus = new InProcessBus();
  await bus.consume({ durable: "t", subjects: ["ihp.prescription.v1.>"] }, (message) => {
    published.push(message);
    return Promise.resolve();
  });
  consults.contexts.set(CONSULT_ID, consult());
  const config = loadConfig(prescriptionConfigSchema, { SERVICE_NAME: "prescription", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "1000" });
  service = await startPrescriptionService({ config, bus, verifier, logger, consults, signatures, sessions });
  client = new PrescriptionClient(service.grpcPort);
  log = SqliteEventStore.open({ path: join(dataDir, "prescription-events.sqlite") });
  physician = await issuer.issue({ subject: PHYSICIAN.id, roles: ["physician"], tenantId: INSTITUTION_ID, sessionId: sessions.currentSession(PHYSICIAN.id) });
});

afterAll(async () => {
  client.close();
  await log.close();
  await service.stop();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
});

const signedMessages = () => published.filter((m) => m.subject === "ihp.prescription.v1.PrescriptionSigned");

/** Every serial number allocated so far, from the log itself. */
async function serialsSoFar(): Promise<string[]> {
  const events = await log.readAll({ limit: 100_000 });
  return events.filter((event) => event.type === "SerialNumberAllocated").map((event) => String((event.data as { serialNumber: string }).serialNumber));
}

describe("prescription service on the host", () => {
  it("RX-03: drafts, signs through identity, and publishes the canonical document with a signature that verifies", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-0000001", consultId: CONSULT_ID, content: content() }, physician);
    expect(prescription?.status).toBe(PrescriptionStatus.PRESCRIPTION_STATUS_DRAFT);
    expect(consults.tokens.at(-1)).toBe(physician);
    const signed = await client.call("signPrescription", { requestId: "sign-00000001", prescriptionId: prescription!.prescriptionId, version: 1, validityDays: 1 }, physician);
    expect(signed.prescription).toMatchObject({ status: PrescriptionStatus.PRESCRIPTION_STATUS_SIGNED, reviewStatus: PrescriptionReviewStatus.PRESCRIPTION_REVIEW_STATUS_UNDER_REVIEW });
    expect(signed.prescription?.serialNumber).toMatch(/^RX-\d{8}-[0-9A-F]{8}-000001$/);
    // RX-03: identity's verdict came with the signature it made; VerifySignature is not asked again (reqcpu).
    expect(signatures.verified).toBe(0);
    await waitFor(() => signedMessages().length === 1, 5_000, "PrescriptionSigned on the bus");
    const event = PrescriptionSigned.decode(decodeEnvelope(signedMessages()[0]!).envelope.payload);
    expect(event.serialNumber).toBe(signed.prescription?.serialNumber);
    const verdict = await signatures.verify({ canonicalDocument: Buffer.from(event.canonicalDocument), signature: signatureFromProto(event.signature), expectedSignerId: PHYSICIAN.id });
    expect(verdict.valid).toBe(true);
    expect(event.lines[0]).toMatchObject({ approvedName: "盐酸二甲双胍片", dose: "500" });
    // Issue 10, XC-01: the diagnosis names and the document are sealed in the log; nothing of them in clear on disk.
    expect(Buffer.from(event.canonicalDocument).toString("utf8")).toContain("2型糖尿病");
    expect(await filesContaining(dataDir, ["2型糖尿病", "原发性高血压", "1960-05-01"])).toEqual([]);

    // Repeating the request signs nothing again.
    await client.call("signPrescription", { requestId: "sign-00000001", prescriptionId: prescription!.prescriptionId, version: 1, validityDays: 1 }, physician);
    expect(signatures.signed).toBe(1);
  });

  it("RX-09: bad input (six lines, unknown drug, zero quantity) is refused with clear codes and changes nothing", async () => {
    const six = ["metformin-hcl-tab-0.5g", "amlodipine-besylate-tab-5mg", "atorvastatin-calcium-tab-20mg", "losartan-potassium-tab-50mg", "aspirin-ec-tab-100mg", "omeprazole-ec-cap-20mg"].map((code) => line(code, 5));
    expect((await refusalOf(client.call("draftPrescription", { requestId: "draft-bad-0001", consultId: CONSULT_ID, content: content({ lines: six }) }, physician))).code).toBe("TOO_MANY_LINES");
    expect((await refusalOf(client.call("draftPrescription", { requestId: "draft-bad-0002", consultId: CONSULT_ID, content: content({ lines: [line("nope", 5)] }) }, physician))).code).toBe("UNKNOWN_DRUG");
    expect((await refusalOf(client.call("draftPrescription", { requestId: "draft-bad-0003", consultId: CONSULT_ID, content: content({ lines: [{ ...line("metformin-hcl-tab-0.5g", 500), quantity: "0" }] }) }, physician))).code).toBe("INVALID_QUANTITY");
    await waitFor(async () => (await client.call("listMyPrescriptions", { page: { first: 10, after: "" } }, physician)).prescriptions.length === 1, 5_000, "list");
    expect((await client.call("listMyPrescriptions", { page: { first: 10, after: "" } }, physician)).prescriptions).toHaveLength(1);
  });

  it("IDN-03, RX-01: service and bot credentials make no write at all (HUMAN_CLINICIAN_REQUIRED); nothing is appended but the audit record", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-target-1", consultId: CONSULT_ID, content: content() }, physician);
    const prescriptionId = prescription!.prescriptionId;
    const bot = await issuer.issue({ subject: "rx-assistant", roles: ["system"], tenantId: INSTITUTION_ID, kind: "service" });
    // A service credential claiming the physician's role, and a "human" token that carries the system role.
    const posing = await issuer.issue({ subject: PHYSICIAN.id, roles: ["physician"], tenantId: INSTITUTION_ID, kind: "service" });
    const systemHuman = await issuer.issue({ subject: PHYSICIAN.id, roles: ["physician", "system"], tenantId: INSTITUTION_ID, kind: "human" });
    const before = await log.readAll({ limit: 100_000 });
    const writes = [
      () => client.call("draftPrescription", { requestId: "draft-bot-0001", consultId: CONSULT_ID, content: content() }, bot),
      () => client.call("revisePrescription", { requestId: "revise-bot-001", prescriptionId, content: content() }, bot),
      () => client.call("confirmLines", { requestId: "confirm-bot-01", prescriptionId, version: 1, lineIds: ["L1"] }, posing),
      () => client.call("signPrescription", { requestId: "sign-bot-00001", prescriptionId, version: 1, validityDays: 1 }, bot),
      () => client.call("signPrescription", { requestId: "sign-bot-00002", prescriptionId, version: 1, validityDays: 1 }, posing),
      () => client.call("revisePrescription", { requestId: "revise-bot-002", prescriptionId, content: content() }, systemHuman),
      () => client.call("confirmLongTermPlan", { requestId: "ltp-bot-00001", prescriptionId, version: 1 }, bot),
    ];
    for (const write of writes) expect((await refusalOf(write())).code).toBe("HUMAN_CLINICIAN_REQUIRED");
    const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
    expect(appended).toEqual(writes.map(() => "AccessRefused"));
    expect((await client.call("getPrescription", { prescriptionId }, physician)).prescription).toMatchObject({ status: PrescriptionStatus.PRESCRIPTION_STATUS_DRAFT, version: 1 });
  });

  it("IDN-08: a superseded session's token, or one that names no session, cannot draft, revise or confirm lines; nothing is appended but the audit record", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-session-1", consultId: CONSULT_ID, content: content() }, physician);
    const prescriptionId = prescription!.prescriptionId;
    // The physician signs in again elsewhere: the token of the first session is superseded.
    sessions.current.set(PHYSICIAN.id, "session-second-login");
    const current = await issuer.issue({ subject: PHYSICIAN.id, roles: ["physician"], tenantId: INSTITUTION_ID, sessionId: "session-second-login" });
    const sessionless = await issuer.issue({ subject: PHYSICIAN.id, roles: ["physician"], tenantId: INSTITUTION_ID, kind: "human" });
    let n = 0;
    const writes = (who: string) => [
      () => client.call("draftPrescription", { requestId: `draft-session-x${++n}`, consultId: CONSULT_ID, content: content() }, who),
      () => client.call("revisePrescription", { requestId: `revise-session-${++n}`, prescriptionId, content: content() }, who),
      () => client.call("confirmLines", { requestId: `confirm-session-${++n}`, prescriptionId, version: 1, lineIds: ["L1"] }, who),
    ];
    try {
      const before = await log.readAll({ limit: 100_000 });
      for (const write of writes(physician)) expect((await refusalOf(write())).code).toBe("SESSION_SUPERSEDED");
      for (const write of writes(sessionless)) expect((await refusalOf(write())).code).toBe("SESSION_REQUIRED");
      const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
      expect(appended).toEqual(["AccessRefused", "AccessRefused", "AccessRefused", "AccessRefused", "AccessRefused", "AccessRefused"]);
      expect(sessions.tokens).toEqual(expect.arrayContaining([physician, sessionless]));
      // The current session drafts and revises.
      await client.call("draftPrescription", { requestId: "draft-session-2", consultId: CONSULT_ID, content: content() }, current);
      const revised = await client.call("revisePrescription", { requestId: "revise-session-0", prescriptionId, content: content({ diagnosisCodes: ["E11.9", "I10"] }) }, current);
      expect(revised.prescription?.version).toBe(2);
    } finally {
      sessions.current.delete(PHYSICIAN.id);
    }
  });

  it("RX-03: a forged signature is refused and nothing is published", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-forge-01", consultId: CONSULT_ID, content: content() }, physician);
    signatures.forgeNext = true;
    const before = signedMessages().length;
    const refused = await refusalOf(client.call("signPrescription", { requestId: "sign-forge-001", prescriptionId: prescription!.prescriptionId, version: 1, validityDays: 1 }, physician));
    expect(refused.code).toBe("SIGNATURE_INVALID");
    const after = await client.call("getPrescription", { prescriptionId: prescription!.prescriptionId }, physician);
    expect(after.prescription?.status).toBe(PrescriptionStatus.PRESCRIPTION_STATUS_DRAFT);
    expect(signedMessages().length).toBe(before);
  });

  it("RX-03: an identity that answers no verdict with the signature is asked VerifySignature; a forged signature is refused", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-forge-02", consultId: CONSULT_ID, content: content() }, physician);
    signatures.verdictWithSign = false;
    signatures.forgeNext = true;
    const verifiedBefore = signatures.verified;
    try {
      const refused = await refusalOf(client.call("signPrescription", { requestId: "sign-forge-002", prescriptionId: prescription!.prescriptionId, version: 1, validityDays: 1 }, physician));
      expect(refused.code).toBe("SIGNATURE_INVALID");
      expect(signatures.verified).toBe(verifiedBefore + 1);
    } finally {
      signatures.verdictWithSign = true;
    }
  });

  it("RX-10: a RETURNED review (delivered twice) shows to the physician; the re-issue gets a new serial linked to the old", async () => {
    const first = PrescriptionSigned.decode(decodeEnvelope(signedMessages()[0]!).envelope.payload);
    const reviewed = PrescriptionReviewed.encode({
      prescriptionId: first.prescriptionId,
      serialNumber: first.serialNumber,
      institutionId: INSTITUTION_ID,
      outcome: ReviewOutcome.REVIEW_OUTCOME_RETURNED,
      reasonCode: "DOSE_UNCLEAR",
      pharmacistId: "pharm-1",
      reviewedAt: new Date().toISOString(),
      signature: undefined,
    }).finish();
    const fake = { id: "0195a000-0000-7000-8000-0000000ee001", streamId: "pharmacy-x", revision: 0, position: 1n, schemaVersion: 1, type: "PrescriptionReviewed", data: {}, recordedAt: "", prevHash: "", hash: "", metadata: { actorId: "pharm-1", actorRole: "pharmacist", tenantId: INSTITUTION_ID, correlationId: "c", causationId: "c", occurredAt: new Date().toISOString() } } as StoredEvent;
    const message = envelopedMessage(fake, { subject: "ihp.pharmacy.v1.PrescriptionReviewed", type: "PrescriptionReviewed", contentType: "application/x-protobuf", payload: reviewed });
    await bus.publish(message);
    await bus.publish({ ...message });
    const returned = PrescriptionReviewStatus.PRESCRIPTION_REVIEW_STATUS_RETURNED;
    await waitFor(async () => (await client.call("getPrescription", { prescriptionId: first.prescriptionId }, physician)).prescription?.reviewStatus === returned, 5_000, "RETURNED");
    const revised = await client.call("revisePrescription", { requestId: "revise-000001", prescriptionId: first.prescriptionId, content: content({ lines: [{ ...line("metformin-hcl-tab-0.5g", 250, "BID"), quantity: "14" }] }) }, physician);
    const notSubmitted = PrescriptionReviewStatus.PRESCRIPTION_REVIEW_STATUS_NOT_SUBMITTED;
    expect(revised.prescription).toMatchObject({ version: 2, status: PrescriptionStatus.PRESCRIPTION_STATUS_DRAFT, reviewStatus: notSubmitted });
    const resigned = await client.call("signPrescription", { requestId: "sign-00000002", prescriptionId: first.prescriptionId, version: 2, validityDays: 3 }, physician);
    expect(resigned.prescription?.serialNumber).not.toBe(first.serialNumber);
    expect(resigned.prescription?.predecessorSerialNumber).toBe(first.serialNumber);
    // Returned, not voided: pharmacy already let the old version go.
    expect(published.some((m) => m.subject === "ihp.prescription.v1.PrescriptionVoided")).toBe(false);
  });

  it("RX-03: editing a signed prescription under review publishes PrescriptionVoided", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-void-001", consultId: CONSULT_ID, content: content() }, physician);
    const signed = await client.call("signPrescription", { requestId: "sign-void-0001", prescriptionId: prescription!.prescriptionId, version: 1, validityDays: 1 }, physician);
    await client.call("revisePrescription", { requestId: "revise-void-01", prescriptionId: prescription!.prescriptionId, content: content({ lines: [line("metformin-hcl-tab-0.5g", 250, "BID")] }) }, physician);
    await waitFor(() => published.some((m) => m.subject === "ihp.prescription.v1.PrescriptionVoided"), 5_000, "voided");
    const voided = PrescriptionVoided.decode(decodeEnvelope(published.find((m) => m.subject === "ihp.prescription.v1.PrescriptionVoided")!).envelope.payload);
    expect(voided.serialNumber).toBe(signed.prescription?.serialNumber);
  });

  it("RX-11: prescriber-by-drug totals only for pharmacy_governance, each query with a recorded purpose", async () => {
    const governance = await issuer.issue({ subject: "gov-1", roles: ["pharmacy_governance"], tenantId: INSTITUTION_ID });
    expect((await refusalOf(client.call("getPrescribingStatistics", { institutionId: INSTITUTION_ID, purpose: "monthly review" }, physician))).code).toBe("ROLE_NOT_ALLOWED");
    expect((await refusalOf(client.call("getPrescribingStatistics", { institutionId: INSTITUTION_ID, purpose: "" }, governance))).code).toBe("PURPOSE_REQUIRED");
    await waitFor(async () => {
      const result = await client.call("getPrescribingStatistics", { institutionId: INSTITUTION_ID, purpose: "季度合理用药点评" }, governance);
      return result.totals.some((t) => t.physicianId === PHYSICIAN.id && t.drugCode === "metformin-hcl-tab-0.5g" && t.prescriptions === 2);
    }, 5_000, "totals: two signed and not voided");
  });

  it("patients see their own prescriptions; another's is refused (NOT_PRESCRIPTION_PARTICIPANT) and the refusal audited; an unknown id is not found", async () => {
    const patient = await issuer.issue({ subject: PATIENT.id, roles: ["patient"], tenantId: INSTITUTION_ID });
    await waitFor(async () => (await client.call("listMyPrescriptions", { page: { first: 50, after: "" } }, patient)).prescriptions.length >= 4, 5_000, "patient list");
    const stranger = await issuer.issue({ subject: "pat-other", roles: ["patient"], tenantId: INSTITUTION_ID });
    const [first] = (await client.call("listMyPrescriptions", { page: { first: 1, after: "" } }, patient)).prescriptions;
    const before = await log.readAll({ limit: 100_000 });
    const refused = await refusalOf(client.call("getPrescription", { prescriptionId: first!.prescriptionId }, stranger));
    expect(refused.code).toBe("NOT_PRESCRIPTION_PARTICIPANT");
    expect((await log.readAll({ limit: 100_000 })).slice(before.length).map((event) => event.type)).toEqual(["AccessRefused"]);
    expect((await client.call("getPrescription", { prescriptionId: first!.prescriptionId }, patient)).prescription?.prescriptionId).toBe(first!.prescriptionId);
    expect((await refusalOf(client.call("getPrescription", { prescriptionId: "0193a9f2-7c1d-7e4b-9a6f-00000000dead" }, stranger))).code).toBe("PRESCRIPTION_NOT_FOUND");
  });

  it("RX-10: a refused signing leaves the log unchanged except the audit record; the next signing takes the next number, no gap", async () => {
    const { prescription } = await client.call("draftPrescription", { requestId: "draft-gap-0001", consultId: CONSULT_ID, content: content() }, physician);
    const sign = (requestId: string) => client.call("signPrescription", { requestId, prescriptionId: prescription!.prescriptionId, version: 1, validityDays: 1 }, physician);
    const sequence = (serial: string | undefined) => Number(serial?.slice(-6));
    const last = Math.max(0, ...(await serialsSoFar()).map(sequence));
    const before = await log.readAll({ limit: 100_000 });
    signatures.refuseNext = true;
    expect((await refusalOf(sign("sign-gap-00001"))).code).toBe("STEP_UP_REQUIRED");
    signatures.forgeNext = true;
    expect((await refusalOf(sign("sign-gap-00002"))).code).toBe("SIGNATURE_INVALID");
    const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
    expect(appended).toEqual(["AccessRefused", "AccessRefused"]);
    const signed = await sign("sign-gap-00003");
    expect(sequence(signed.prescription?.serialNumber)).toBe(last + 1);
    // The physician's step-up had to be bound to this prescription's consult (identity checks it; here the stand-in).
    expect(signatures.boundTo.at(-1)).toBe(CONSULT_ID);
  });
});
