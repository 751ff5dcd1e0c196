import { SqliteEventStore } from "@ihp/eventsourcing/sqlite";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEnvelope, enumName } from "@ihp/contracts";
import { DeliveryStatus, ReviewQueueChangeKind, ReviewStatus } from "@ihp/contracts/pharmacy";
import { PrescriptionSigned } from "@ihp/contracts/prescription";
import { sampleCatalogue } from "@ihp/drug-catalogue";
import { type BusMessage, InProcessBus } from "@ihp/messaging";
import { ACCESS_REFUSED, BuiltinIssuer, createLogger, loadConfig, openEventStore, TokenVerifier } from "@ihp/platform";
import { filesContaining, waitFor } from "@ihp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogueLookup, pharmacyConfigSchema, startPharmacyService } from "../src/index.js";
import { PharmacyClient, refusalOf } from "./support/client.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";
import { signedEnvelope, voidedEnvelope } from "./support/prescriptionEnvelopes.js";

const INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f70";
const OTHER_INSTITUTION = "0193a9f2-7c1d-8e4b-9a6f-2b3c4d5e6f71";
const PATIENT = "patient-0001";
const PHARMACIST = "pharmacist-0001";
const rx = (n: number) => `0193b000-0000-7000-8000-00000000000${n}`;

let dataDir: string;
let issuer: BuiltinIssuer;
let verifier: TokenVerifier;
let now = new Date("2026-03-02T02:00:00Z");
const logger = createLogger({ name: "pharmacy", level: "silent" });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pharmacy-svc-"));
  issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
  verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe("pharmacy service over gRPC, fed from the bus", () => {
  it("PHA-01 … PHA-08: receives, queues, reviews, charges, dispenses and delivers; refuses what the rules forbid", async () => {
    const bus = new InProcessBus();
    const published: BusMessage[] = [];
    const tap = await bus.consume({ durable: "test-tap", subjects: ["ihp.pharmacy.v1.>"] }, (message) => {
      published.push(message);
      return Promise.resolve();
    });
    const identity = new InMemoryIdentity(verifier, new Map([[PHARMACIST, { affiliation: "IN_HOUSE", dispensingYears: 5 }]]));
    const config = loadConfig(pharmacyConfigSchema, { SERVICE_NAME: "pharmacy", DATA_DIR: dataDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
    const service = await startPharmacyService({
      config,
      bus,
      verifier,
      logger,
      clock: () => now,
      identity,
      catalogue: catalogueLookup(await sampleCatalogue()),
    });
    const client = new PharmacyClient(service.grpcPort);
    const pharmacist = await issuer.issue({ subject: PHARMACIST, roles: ["pharmacist"], tenantId: INSTITUTION, sessionId: identity.currentSession(PHARMACIST) });
    const novice = await issuer.issue({ subject: "pharmacist-0002", roles: ["pharmacist"], tenantId: INSTITUTION });
    const foreignPharmacist = await issuer.issue({ subject: "pharmacist-0009", roles: ["pharmacist"], tenantId: OTHER_INSTITUTION });
    const patient = await issuer.issue({ subject: PATIENT, roles: ["patient"], tenantId: INSTITUTION });
    const otherPatient = await issuer.issue({ subject: "patient-0002", roles: ["patient"], tenantId: INSTITUTION });
    const admin = await issuer.issue({ subject: "admin-1", roles: ["institution_admin"], tenantId: INSTITUTION });
    const ref = { prescriptionId: rx(1), serialNumber: "SN-0001" };

    try {
      // The queue stream is open before anything arrives: it sees the version come and go.
      const stream = client.streamQueue(INSTITUTION, pharmacist);

      // The prescription service publishes a signed version (20 mg once a day: above the per-dose and daily maximum).
      await bus.publish(signedEnvelope({ ...ref, institutionId: INSTITUTION, patientId: PATIENT, dose: "20" }));
      await waitFor(async () => (await client.call("listReviewQueue", { institutionId: INSTITUTION, page: undefined }, pharmacist)).items.length === 1, 5_000, "queued");
      const [item] = (await client.call("listReviewQueue", { institutionId: INSTITUTION, page: undefined }, pharmacist)).items;
      expect(item?.status).toBe(ReviewStatus.REVIEW_STATUS_UNDER_REVIEW);
      // PHA-04: the automated findings reach the pharmacist's queue; they assist, they do not decide.
      expect(item?.findings.map((finding) => finding.code)).toEqual(["DOSE_ABOVE_MAX_PER_DOSE", "DAILY_DOSE_ABOVE_MAX"]);
      expect(identity.calls.find((call) => call.method === "VerifySignature")?.token).toBeUndefined();
      // Issue 10, XC-01: pharmacy's copy keeps the birth date and the signed document sealed (base64 of it included).
      const signed = PrescriptionSigned.decode(EventEnvelope.decode(signedEnvelope({ ...ref, institutionId: INSTITUTION, patientId: PATIENT }).data).payload);
      const documentStart = Buffer.from(signed.canonicalDocument).subarray(0, 24).toString("base64");
      expect(await filesContaining(dataDir, ["1960-05-01", documentStart])).toEqual([]);

      // A redelivered message changes nothing.
      const again = signedEnvelope({ ...ref, institutionId: INSTITUTION, patientId: PATIENT });
      await bus.publish(again);

      // PHA-01: nothing is charged or dispensed before approval (out of order).
      const pay = { requestId: "pay-request-0001", ...ref, paymentReference: "PAY-0001", amountFen: 2350n };
      expect((await refusalOf(client.call("recordPayment", pay, pharmacist))).code).toBe("REVIEW_NOT_APPROVED");
      expect((await refusalOf(client.call("dispensePrescription", { requestId: "dispense-req-0001", ...ref, pharmacyId: "" }, pharmacist))).code).toBe("REVIEW_NOT_APPROVED");
      // PHA-03: pharmacists cannot edit drug lines.
      expect((await refusalOf(client.call("amendPrescriptionLines", { requestId: "amend-request-1", ...ref, lines: [] }, pharmacist))).code).toBe("LINES_NOT_EDITABLE");
      // PHA-02: identity refuses an unqualified reviewer; the code passes through.
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-novice-1", ...ref }, novice))).code).toBe("REVIEWER_NOT_QUALIFIED");
      // Pharmacists of another institution do not see or decide this one.
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-foreign-1", ...ref }, foreignPharmacist))).code).toBe("TENANT_MISMATCH");
      expect((await refusalOf(client.call("listReviewQueue", { institutionId: INSTITUTION, page: undefined }, foreignPharmacist))).code).toBe("TENANT_MISMATCH");
      // PHA-03: returning needs a configured reason.
      expect((await refusalOf(client.call("returnPrescription", { requestId: "return-request-1", ...ref, reasonCode: "BECAUSE" }, pharmacist))).code).toBe("UNKNOWN_REASON_CODE");
      // Patients do not review.
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-patient-1", ...ref }, patient))).code).toBe("ROLE_NOT_ALLOWED");
      // IDN-03: a service credential claiming the pharmacist role, or a token carrying the system role, decides and
      // dispenses nothing; only the refusals are recorded.
      const bot = await issuer.issue({ subject: PHARMACIST, roles: ["pharmacist"], tenantId: INSTITUTION, kind: "service" });
      const systemHuman = await issuer.issue({ subject: PHARMACIST, roles: ["pharmacist", "system"], tenantId: INSTITUTION, kind: "human" });
      const log = SqliteEventStore.open({ path: join(dataDir, "pharmacy-events.sqlite") });
      try {
        const before = await log.readAll({ limit: 100_000 });
        const writes = [
          () => client.call("approvePrescription", { requestId: "approve-bot-0001", ...ref }, bot),
          () => client.call("approvePrescription", { requestId: "approve-bot-0002", ...ref }, systemHuman),
          () => client.call("returnPrescription", { requestId: "return-bot-0001", ...ref, reasonCode: "DOSE_UNCLEAR" }, bot),
          () => client.call("rejectPrescription", { requestId: "reject-bot-0001", ...ref, reasonCode: "CONTRAINDICATED" }, systemHuman),
          () => client.call("dispensePrescription", { requestId: "dispense-bot-01", ...ref, pharmacyId: "" }, bot),
          () => client.call("amendPrescriptionLines", { requestId: "amend-bot-00001", ...ref, lines: [] }, bot),
        ];
        for (const write of writes) expect((await refusalOf(write())).code).toBe("HUMAN_CLINICIAN_REQUIRED");
        const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
        expect(appended).toEqual(writes.map(() => "AccessRefused"));
      } finally {
        await log.close();
      }

      // PHA-04, PHA-05: the pharmacist's signed approval over the same document.
      const approved = await client.call("approvePrescription", { requestId: "approve-request-1", ...ref }, pharmacist);
      expect(approved.prescription?.status).toBe(ReviewStatus.REVIEW_STATUS_APPROVED);
      expect(approved.prescription?.pharmacistId).toBe(PHARMACIST);
      // The same request again answers the same; a new request to approve again is refused.
      const repeat = await client.call("approvePrescription", { requestId: "approve-request-1", ...ref }, pharmacist);
      expect(repeat.prescription?.revision).toBe(approved.prescription?.revision);
      expect(identity.calls.filter((call) => call.method === "SignDocument")).toHaveLength(1);
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-request-2", ...ref }, pharmacist))).code).toBe("REVIEW_ALREADY_DECIDED");
      await waitFor(() => stream.received.some((change) => change.kind === ReviewQueueChangeKind.REVIEW_QUEUE_CHANGE_KIND_REMOVED), 5_000, "queue stream removal");
      // Whether the stream's server side started before or after the version was queued, it saw it, then its removal.
      const kinds = stream.received.map((change) => enumName("REVIEW_QUEUE_CHANGE_KIND_", change.kind));
      expect([["ADDED", "REMOVED"], ["SNAPSHOT", "REMOVED"]]).toContainEqual(kinds);
      expect(stream.received.at(-1)?.item?.status).toBe(ReviewStatus.REVIEW_STATUS_APPROVED);
      stream.cancel();

      // PHA-07: order lines of prescription-only drugs need an approved prescription naming them.
      const line = { drugCode: "amlodipine-besylate-tab-5mg", prescriptionId: "" };
      expect((await refusalOf(client.call("checkOrder", { lines: [line] }, patient))).code).toBe("PRESCRIPTION_REQUIRED");
      expect((await client.call("checkOrder", { lines: [{ ...line, prescriptionId: ref.prescriptionId }, { drugCode: "aspirin-ec-tab-100mg", prescriptionId: "" }] }, patient)).serialNumbers).toEqual(["SN-0001", ""]);
      expect((await refusalOf(client.call("checkOrder", { lines: [{ ...line, prescriptionId: ref.prescriptionId }] }, otherPatient))).code).toBe("PRESCRIPTION_REQUIRED");
      expect((await refusalOf(client.call("checkOrder", { lines: [] }, patient))).code).toBe("INVALID_ORDER");

      // Pay and dispense on the last valid day, 23:00 Beijing (RX-06 boundary).
      now = new Date("2026-03-04T15:00:00Z");
      await client.call("recordPayment", pay, pharmacist);
      const dispensed = await client.call("dispensePrescription", { requestId: "dispense-req-0002", ...ref, pharmacyId: "" }, pharmacist);
      expect(dispensed.prescription?.dispensedAt).toBe(now.toISOString());

      // PHA-08: dispatch through the (local) carrier, then tracking.
      const dispatched = await client.call("dispatchDelivery", { requestId: "dispatch-req-001", ...ref, destinationReference: "addr-1" }, pharmacist);
      expect(dispatched.prescription?.delivery).toMatchObject({ carrier: "IHP-LOCAL", agreementId: "LOCAL-SELF-DELIVERY", status: DeliveryStatus.DELIVERY_STATUS_DISPATCHED });
      now = new Date("2026-03-05T16:00:00Z");
      const tracked = await client.call("syncDeliveryTracking", { requestId: "sync-request-01", ...ref }, pharmacist);
      expect(tracked.prescription?.delivery?.status).toBe(DeliveryStatus.DELIVERY_STATUS_DELIVERED);

      // Patients see their own prescriptions' dispensing and delivery, nobody else's.
      await waitFor(async () => (await client.call("listMyPrescriptions", { page: undefined }, patient)).prescriptions[0]?.delivery?.status === DeliveryStatus.DELIVERY_STATUS_DELIVERED, 5_000, "patient view");
      expect((await client.call("listMyPrescriptions", { page: undefined }, otherPatient)).prescriptions).toEqual([]);
      // Not yours is a permission error, audited, as for consults (gateway README "Lookups"); not a disguised NOT_FOUND.
      expect((await refusalOf(client.call("getPrescription", ref, otherPatient))).code).toBe("NOT_PRESCRIPTION_PARTICIPANT");
      expect((await client.call("getPrescription", ref, patient)).prescription?.status).toBe(ReviewStatus.REVIEW_STATUS_APPROVED);

      // RX-03: a forged physician signature is held and never approvable.
      const forged = { prescriptionId: rx(2), serialNumber: "SN-0002" };
      await bus.publish(signedEnvelope({ ...forged, institutionId: INSTITUTION, patientId: PATIENT, forged: true }));
      expect((await client.call("getPrescription", forged, pharmacist)).prescription?.status).toBe(ReviewStatus.REVIEW_STATUS_SIGNATURE_INVALID);
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-forged-1", ...forged }, pharmacist))).code).toBe("PHYSICIAN_SIGNATURE_INVALID");

      // A voided (stale) version leaves the queue and cannot be reviewed or paid.
      const stale = { prescriptionId: rx(3), serialNumber: "SN-0003" };
      await bus.publish(signedEnvelope({ ...stale, institutionId: INSTITUTION, patientId: PATIENT, issuedOn: "2026-03-05", validUntil: "2026-03-05" }));
      await bus.publish(voidedEnvelope(stale.prescriptionId, stale.serialNumber, INSTITUTION));
      expect((await client.call("getPrescription", stale, pharmacist)).prescription?.status).toBe(ReviewStatus.REVIEW_STATUS_VOIDED);
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-stale-1", ...stale }, pharmacist))).code).toBe("PRESCRIPTION_VOIDED");

      // RX-06: the day after the last valid day, an approved prescription can no longer be paid.
      const late = { prescriptionId: rx(4), serialNumber: "SN-0004" };
      await bus.publish(signedEnvelope({ ...late, institutionId: INSTITUTION, patientId: PATIENT, issuedOn: "2026-03-05", validUntil: "2026-03-05" }));
      await client.call("approvePrescription", { requestId: "approve-late-01", ...late }, pharmacist);
      now = new Date("2026-03-05T16:00:00Z");
      expect((await refusalOf(client.call("recordPayment", { ...pay, requestId: "pay-late-00001", ...late }, pharmacist))).code).toBe("RX_EXPIRED");

      // Bad input changes nothing and gets a clear code.
      expect((await refusalOf(client.call("approvePrescription", { requestId: "", ...late }, pharmacist))).code).toBe("REQUEST_ID_REQUIRED");
      expect((await refusalOf(client.call("approvePrescription", { requestId: "approve-bad-id-1", prescriptionId: "a b", serialNumber: "x" }, pharmacist))).code).toBe("INVALID_PRESCRIPTION_ID");
      expect((await refusalOf(client.call("getPrescription", { prescriptionId: rx(9), serialNumber: "SN-9" }, pharmacist))).code).toBe("PRESCRIPTION_NOT_FOUND");

      // PHA-06: no pharmacist on duty in business hours → an alert and the expected delay for patients.
      now = new Date("2026-03-06T02:00:00Z"); // 10:00 Beijing
      await client.call(
        "scheduleShift",
        { requestId: "shift-request-1", institutionId: INSTITUTION, pharmacistId: PHARMACIST, startsAt: "2026-03-06T04:00:00Z", endsAt: "2026-03-06T10:00:00Z" },
        admin,
      );
      const coverage = await client.call("getReviewCoverage", { institutionId: INSTITUTION }, patient);
      expect(coverage).toMatchObject({ gap: true, withinBusinessHours: true, expectedReviewAt: "2026-03-06T04:00:00.000Z", expectedDelayMinutes: 120n });
      now = new Date("2026-03-06T05:00:00Z");
      expect(await client.call("getReviewCoverage", { institutionId: INSTITUTION }, pharmacist)).toMatchObject({ gap: false, pharmacistsOnDuty: [PHARMACIST] });
      expect((await refusalOf(client.call("scheduleShift", { requestId: "shift-request-2", institutionId: INSTITUTION, pharmacistId: PHARMACIST, startsAt: "x", endsAt: "y" }, pharmacist))).code).toBe("ROLE_NOT_ALLOWED");

      // What left the service: the review, dispensing, dispatch and tracking (PHA-08 to the regulator feed).
      await waitFor(() => published.length >= 6, 5_000, "integration events");
      expect(published.map((message) => message.subject)).toEqual([
        "ihp.pharmacy.v1.PrescriptionReviewed",
        "ihp.pharmacy.v1.PrescriptionDispensed",
        "ihp.pharmacy.v1.DeliveryDispatched",
        "ihp.pharmacy.v1.DeliveryStatusChanged",
        "ihp.pharmacy.v1.DeliveryStatusChanged",
        "ihp.pharmacy.v1.PrescriptionReviewed",
      ]);
    } finally {
      client.close();
      await service.stop();
      await tap.stop();
      await bus.close();
    }

    // XC-02: every refusal was recorded in the service's own log.
    const store = await openEventStore({ context: "pharmacy", dataDir });
    try {
      const refusals = (await store.readAll({ limit: 10_000 })).filter((event) => event.type === ACCESS_REFUSED);
      const reasons = refusals.map((event) => event.data["reason"]);
      for (const code of ["REVIEW_NOT_APPROVED", "LINES_NOT_EDITABLE", "REVIEWER_NOT_QUALIFIED", "TENANT_MISMATCH", "PHYSICIAN_SIGNATURE_INVALID", "PRESCRIPTION_VOIDED", "RX_EXPIRED", "PRESCRIPTION_REQUIRED"]) {
        expect(reasons).toContain(code);
      }
      const gaps = (await store.readAll({ limit: 10_000 })).filter((event) => event.type === "ReviewCoverageGapDetected");
      expect(gaps).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it("PHA-06: the service checks coverage on its own timer and records the gap without anyone asking", async () => {
    const ownDir = await mkdtemp(join(tmpdir(), "pharmacy-coverage-"));
    const bus = new InProcessBus();
    const identity = new InMemoryIdentity(verifier, new Map());
    const at = new Date("2026-03-09T02:00:00Z"); // Monday 10:00 Beijing, nobody on the roster
    const config = loadConfig(pharmacyConfigSchema, {
      SERVICE_NAME: "pharmacy",
      DATA_DIR: ownDir,
      GRPC_PORT: "0",
      SHUTDOWN_GRACE_MS: "500",
      COVERAGE_CHECK_SECONDS: "1",
    });
    const service = await startPharmacyService({ config, bus, verifier, logger, clock: () => at, identity, catalogue: catalogueLookup(await sampleCatalogue()) });
    try {
      await bus.publish(signedEnvelope({ prescriptionId: rx(7), serialNumber: "SN-0007", institutionId: INSTITUTION, patientId: PATIENT, dose: "5" }));
      // A void that overtakes its signed version on the bus is still recorded under the prescription's institution.
      await bus.publish(voidedEnvelope(rx(8), "SN-0008", INSTITUTION));
      const store = await openEventStore({ context: "pharmacy", dataDir: ownDir });
      try {
        await waitFor(async () => (await store.readStream(`pharmacy-rx-${rx(8)}~SN-0008`)).length > 0, 5_000, "the early void");
        const [early] = await store.readStream(`pharmacy-rx-${rx(8)}~SN-0008`);
        expect(early?.metadata.tenantId).toBe(INSTITUTION);
        const gaps = async () => (await store.readAll({ limit: 1_000 })).filter((event) => event.type === "ReviewCoverageGapDetected");
        await waitFor(async () => (await gaps()).length === 1, 10_000, "the timer's coverage check");
        expect((await gaps())[0]?.metadata).toMatchObject({ actorId: "svc:pharmacy", actorRole: "system", tenantId: INSTITUTION });
      } finally {
        await store.close();
      }
    } finally {
      await service.stop();
      await bus.close();
      await rm(ownDir, { recursive: true, force: true });
    }
  });

  it("IDN-08: a superseded session's token, or one that names no session, cannot dispense; only the audit record is appended", async () => {
    const ownDir = await mkdtemp(join(tmpdir(), "pharmacy-sessions-"));
    const bus = new InProcessBus();
    const identity = new InMemoryIdentity(verifier, new Map([[PHARMACIST, { affiliation: "IN_HOUSE", dispensingYears: 5 }]]));
    const at = new Date("2026-03-02T02:00:00Z");
    const config = loadConfig(pharmacyConfigSchema, { SERVICE_NAME: "pharmacy", DATA_DIR: ownDir, GRPC_PORT: "0", SHUTDOWN_GRACE_MS: "500" });
    const service = await startPharmacyService({ config, bus, verifier, logger, clock: () => at, identity, catalogue: catalogueLookup(await sampleCatalogue()) });
    const client = new PharmacyClient(service.grpcPort);
    const ref = { prescriptionId: rx(5), serialNumber: "SN-0005" };
    const first = await issuer.issue({ subject: PHARMACIST, roles: ["pharmacist"], tenantId: INSTITUTION, sessionId: identity.currentSession(PHARMACIST) });
    const log = SqliteEventStore.open({ path: join(ownDir, "pharmacy-events.sqlite") });
    try {
      await bus.publish(signedEnvelope({ ...ref, institutionId: INSTITUTION, patientId: PATIENT, dose: "5" }));
      await waitFor(async () => (await client.call("getPrescription", ref, first).catch(() => undefined)) !== undefined, 5_000, "received");
      await client.call("approvePrescription", { requestId: "approve-session-1", ...ref }, first);
      await client.call("recordPayment", { requestId: "pay-session-0001", ...ref, paymentReference: "PAY-0005", amountFen: 800n }, first);
      // The pharmacist signs in again elsewhere: the first session is superseded.
      identity.sessions.set(PHARMACIST, "session-second-login");
      const current = await issuer.issue({ subject: PHARMACIST, roles: ["pharmacist"], tenantId: INSTITUTION, sessionId: "session-second-login" });
      const sessionless = await issuer.issue({ subject: PHARMACIST, roles: ["pharmacist"], tenantId: INSTITUTION, kind: "human" });
      const before = await log.readAll({ limit: 100_000 });
      expect((await refusalOf(client.call("dispensePrescription", { requestId: "dispense-old-001", ...ref, pharmacyId: "" }, first))).code).toBe("SESSION_SUPERSEDED");
      expect((await refusalOf(client.call("dispensePrescription", { requestId: "dispense-none-01", ...ref, pharmacyId: "" }, sessionless))).code).toBe("SESSION_REQUIRED");
      const appended = (await log.readAll({ after: before.at(-1)!.position, limit: 100_000 })).map((event) => event.type);
      expect(appended).toEqual(["AccessRefused", "AccessRefused"]);
      // The current session dispenses; the patient's order check asks no session.
      expect((await client.call("dispensePrescription", { requestId: "dispense-new-001", ...ref, pharmacyId: "" }, current)).prescription?.dispensedAt).toBe(at.toISOString());
      const patient = await issuer.issue({ subject: PATIENT, roles: ["patient"], tenantId: INSTITUTION });
      await client.call("checkOrder", { lines: [{ drugCode: "amlodipine-besylate-tab-5mg", prescriptionId: ref.prescriptionId }] }, patient);
      expect(identity.calls.filter((call) => call.method === "CheckSession").map((call) => call.token)).toEqual([first, sessionless, current]);
    } finally {
      await log.close();
      client.close();
      await service.stop();
      await bus.close();
      await rm(ownDir, { recursive: true, force: true });
    }
  });
});
