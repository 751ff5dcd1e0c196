import {
  ConsultCompletedEntry,
  ConsultRefusedEntry,
  ConsultStartedEntry,
  ConsultTerminatedEntry,
  DeliveryDispatchedEntry,
  DeliveryStatusEntry,
  DispensingEntry,
  FeedCategory,
  type FeedEntry,
  PrescribedDrug,
  PrescriptionReviewEntry,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  StaffRecordEntry,
} from "@ihp/contracts/reporting";
import type { StoredEvent } from "@ihp/eventsourcing";
import { type BusMessage, type GiveUp, InProcessBus } from "@ihp/messaging";
import { filesContaining } from "@ihp/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  consultCompleted,
  consultRefused,
  consultStarted,
  consultTerminated,
  deliveryDispatched,
  deliveryStatusChanged,
  prescriptionDispensed,
  prescriptionReviewed,
  prescriptionSigned,
  prescriptionVoided,
  SECRETS,
  staffRecordChanged,
} from "./support/activityEvents.js";
import { type Harness, listFeed, startHarness } from "./support/harness.js";
import { contextMessage, institution, registered } from "./support/identityEvents.js";

const open: { harness: Harness; bus: InProcessBus }[] = [];

async function start(options: { bus?: InProcessBus; env?: Record<string, string> } = {}): Promise<{ harness: Harness; bus: InProcessBus }> {
  // Duplicate window 0: a repeated publish reaches the consumer, as a redelivery or a replay would.
  const bus = options.bus ?? new InProcessBus({ duplicateWindowMs: 0 });
  const harness = await startHarness({ bus, ...(options.env === undefined ? {} : { env: options.env }) });
  open.push({ harness, bus });
  return { harness, bus };
}

afterEach(async () => {
  for (const { harness, bus } of open.splice(0)) {
    await harness.close();
    await bus.close();
  }
});

async function publish(bus: InProcessBus, ...messages: BusMessage[]): Promise<void> {
  for (const message of messages) await bus.publish(message);
}

async function feed(harness: Harness, tenant = "national"): Promise<FeedEntry[]> {
  return (await listFeed(harness.client, await harness.token("regulator", tenant), { page: { first: 1_000, after: "" } })).entries;
}

/** The stored FeedEntryRecorded events, keyed by the source event they report. */
async function storedEntries(harness: Harness): Promise<Map<string, StoredEvent>> {
  const events = (await harness.readLog()).filter((event) => event.type === "FeedEntryRecorded");
  return new Map(events.map((event) => [event.data["sourceEventId"] as string, event]));
}

const HEADER = ["category", "institutionId", "jurisdiction", "occurredAt", "sourceEventId", "entry"];

/** The schema's field names of a contract message: what create() fills in, nothing else. */
function fieldsOf(message: { create(): object }): string[] {
  return Object.keys(message.create()).sort();
}

/** Stored data and wire entry carry exactly the schema's fields (and `kind` where a category has several). */
function expectExactly(stored: StoredEvent | undefined, schema: { create(): object }, kind?: string): void {
  expect(stored).toBeDefined();
  const data = stored?.data ?? {};
  expect(Object.keys(data).sort()).toEqual([...HEADER, ...(kind === undefined ? [] : ["kind"])].sort());
  expect(data["kind"]).toBe(kind);
  expect(Object.keys(data["entry"] as object).sort()).toEqual(fieldsOf(schema));
}

function expectNoSecrets(text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) expect(text, name).not.toContain(secret);
  // Bytes (document, signature value, hash) would show as serialised Buffers.
  expect(text).not.toContain('"type":"Buffer"');
}

describe("activity entries of the regulator feed (in-process bus)", () => {
  it("REP-03: a staff record change becomes exactly one STAFF_RECORD entry with the schema's fields, and the ID number is never logged", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const staff = staffRecordChanged(tianjin.institutionId);
    await publish(bus, registered(tianjin), staff);

    const entries = (await feed(harness)).filter((entry) => entry.sourceEventId === staff.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      category: FeedCategory.FEED_CATEGORY_STAFF_RECORD,
      institutionId: tianjin.institutionId,
      jurisdiction: "tianjin",
      occurredAt: "2026-03-01T08:00:00.000Z",
    });
    expect(entries[0]?.payload).toEqual({
      $case: "staffRecord",
      value: {
        practitionerId: "prac-1",
        change: "ENABLED",
        profession: "PROFESSION_PHYSICIAN",
        name: SECRETS.staffName,
        idNumber: SECRETS.idNumber,
        practiceLicenceNumber: "110120000012345",
        title: "主治医师",
        scopeCodes: ["内科专业"],
        departmentCodes: ["03.07"],
        mainInstitutionName: "天津市第一中心医院",
        practiceStartedOn: "2015-07-01",
        photoHash: "a".repeat(64),
        active: true,
      },
    });
    expectExactly((await storedEntries(harness)).get(staff.id), StaffRecordEntry);
    // Debug level is on: not even the "recorded" lines carry it.
    expect(harness.logs.raw.join("\n")).not.toContain(SECRETS.idNumber);
    expect(harness.logs.raw.join("\n")).not.toContain(SECRETS.staffName);
    // Issue 10, XC-01: the regulator reads them (above); reporting's files hold them sealed.
    expect(await filesContaining(harness.dataDir, [SECRETS.idNumber, SECRETS.staffName])).toEqual([]);
  });

  it("REP-04: consult start, completion, termination and refusal each become one CONSULT entry with exactly their schema's fields", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const messages = [
      consultStarted(tianjin.institutionId),
      consultCompleted(tianjin.institutionId),
      consultTerminated(tianjin.institutionId),
      consultRefused(tianjin.institutionId),
    ];
    await publish(bus, registered(tianjin), ...messages);

    const entries = (await feed(harness)).slice(1);
    expect(entries.map((entry) => [entry.sourceEventId, entry.category, entry.jurisdiction, entry.payload?.$case])).toEqual([
      [messages[0]?.id, FeedCategory.FEED_CATEGORY_CONSULT, "tianjin", "consultStarted"],
      [messages[1]?.id, FeedCategory.FEED_CATEGORY_CONSULT, "tianjin", "consultCompleted"],
      [messages[2]?.id, FeedCategory.FEED_CATEGORY_CONSULT, "tianjin", "consultTerminated"],
      [messages[3]?.id, FeedCategory.FEED_CATEGORY_CONSULT, "tianjin", "consultRefused"],
    ]);
    expect(entries.map((entry) => entry.payload?.value)).toEqual([
      {
        consultId: "consult-1",
        consultType: "FOLLOW_UP",
        departmentCode: "03.07",
        patientId: "patient-1",
        physicianId: "prac-1",
        startedAt: "2026-03-02T09:00:00.000Z",
        priorRecordId: "offline-rec-9",
      },
      { consultId: "consult-1", physicianId: "prac-1", completedAt: "2026-03-02T09:20:00.000Z", diagnosisCodes: ["E11.9"], summaryHash: "b".repeat(64) },
      { consultId: "consult-2", physicianId: "prac-1", reasonCode: "SUSPECTED_EMERGENCY", terminatedAt: "2026-03-02T10:05:00.000Z", referredOffline: true },
      { consultId: "consult-3", consultType: "FOLLOW_UP", departmentCode: "03.07", reasonCode: "FIRST_VISIT_NOT_ALLOWED", refusedAt: "2026-03-02T11:00:00.000Z" },
    ]);
    const stored = await storedEntries(harness);
    expectExactly(stored.get(messages[0]?.id ?? ""), ConsultStartedEntry, "STARTED");
    expectExactly(stored.get(messages[1]?.id ?? ""), ConsultCompletedEntry, "COMPLETED");
    expectExactly(stored.get(messages[2]?.id ?? ""), ConsultTerminatedEntry, "TERMINATED");
    expectExactly(stored.get(messages[3]?.id ?? ""), ConsultRefusedEntry, "REFUSED");
    // Diagnosis names and the code-system version stay with consult; names of people never travel on consult events.
    const text = JSON.stringify([...stored.values()].map((event) => event.data));
    expectNoSecrets(text);
    expect(text).not.toContain("ICD-10 国家临床版");
  });

  it("REP-04: a signed prescription becomes one PRESCRIPTION entry without the signed document or signature value, routed by the institution's registration", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const signed = prescriptionSigned(tianjin.institutionId, { predecessorSerialNumber: "RX-2026-000000" });
    await publish(bus, registered(tianjin), signed);

    const [entry, ...others] = (await feed(harness)).filter((each) => each.sourceEventId === signed.id);
    expect(others).toEqual([]);
    // The producer claimed guangxi; the feed routes by what identity registered.
    expect(entry).toMatchObject({ category: FeedCategory.FEED_CATEGORY_PRESCRIPTION, jurisdiction: "tianjin", institutionId: tianjin.institutionId });
    expect(entry?.payload).toEqual({
      $case: "prescriptionSigned",
      value: {
        prescriptionId: "rx-1",
        serialNumber: "RX-2026-000001",
        predecessorSerialNumber: "RX-2026-000000",
        consultId: "consult-1",
        physicianId: "prac-1",
        patientId: "patient-1",
        issuedOn: "2026-03-02",
        validUntil: "2026-03-04",
        drugs: [{ drugCode: "86900123000012", approvedName: "二甲双胍缓释片", quantity: "2", quantityUnit: "盒", daysSupply: 28 }],
        diagnosisCodes: ["E11.9"],
        signatureCertificateSerial: "CERT-0001",
        signatureAlgorithm: "SIGNATURE_ALGORITHM_SM2_SM3",
      },
    });
    const stored = (await storedEntries(harness)).get(signed.id);
    expectExactly(stored, PrescriptionSignedEntry, "SIGNED");
    const drugs = (stored?.data["entry"] as { drugs: object[] }).drugs;
    expect(drugs.map((drug) => Object.keys(drug).sort())).toEqual([fieldsOf(PrescribedDrug)]);
    const text = JSON.stringify(stored?.data);
    expectNoSecrets(text);
    for (const absent of ["TABLET", "BID", "guangxi", "documentHash", "canonicalDocument", "value"]) expect(text).not.toContain(absent);
  });

  it("REP-04: a voided prescription is reported under the institution of its signed version, without the free-text reason", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const voided = prescriptionVoided();
    await publish(bus, registered(tianjin), prescriptionSigned(tianjin.institutionId), voided);

    const [entry, ...others] = (await feed(harness)).filter((each) => each.sourceEventId === voided.id);
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ category: FeedCategory.FEED_CATEGORY_PRESCRIPTION, institutionId: tianjin.institutionId, jurisdiction: "tianjin" });
    expect(entry?.payload).toEqual({
      $case: "prescriptionVoided",
      value: { prescriptionId: "rx-1", serialNumber: "RX-2026-000001", voidedAt: "2026-03-02T09:30:00.000Z" },
    });
    const stored = (await storedEntries(harness)).get(voided.id);
    expectExactly(stored, PrescriptionVoidedEntry, "VOIDED");
    expect(stored?.metadata.tenantId).toBe(tianjin.institutionId);
    expect(JSON.stringify(stored?.data)).not.toContain(SECRETS.voidReason);
  });

  it("REP-04 / PHA-08: review, dispensing, dispatch and delivery status each become one entry with exactly their schema's fields", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const reviewed = prescriptionReviewed(tianjin.institutionId);
    const dispensed = prescriptionDispensed(tianjin.institutionId);
    const dispatched = deliveryDispatched(tianjin.institutionId);
    const delivered = deliveryStatusChanged(tianjin.institutionId);
    await publish(bus, registered(tianjin), reviewed, dispensed, dispatched, delivered);

    const entries = (await feed(harness)).slice(1);
    expect(entries.map((entry) => [entry.sourceEventId, entry.category, entry.jurisdiction])).toEqual([
      [reviewed.id, FeedCategory.FEED_CATEGORY_PRESCRIPTION_REVIEW, "tianjin"],
      [dispensed.id, FeedCategory.FEED_CATEGORY_DISPENSING, "tianjin"],
      [dispatched.id, FeedCategory.FEED_CATEGORY_DELIVERY, "tianjin"],
      [delivered.id, FeedCategory.FEED_CATEGORY_DELIVERY, "tianjin"],
    ]);
    expect(entries.map((entry) => entry.payload)).toEqual([
      {
        $case: "prescriptionReview",
        value: {
          prescriptionId: "rx-1",
          serialNumber: "RX-2026-000001",
          outcome: "REVIEW_OUTCOME_RETURNED",
          reasonCode: "DOSE_TOO_HIGH",
          pharmacistId: "pharm-1",
          reviewedAt: "2026-03-02T09:40:00.000Z",
          signatureCertificateSerial: "CERT-0002",
        },
      },
      {
        $case: "dispensing",
        value: { prescriptionId: "rx-1", serialNumber: "RX-2026-000001", pharmacyId: "pharmacy-1", pharmacistId: "pharm-1", dispensedAt: "2026-03-02T10:00:00.000Z" },
      },
      {
        $case: "deliveryDispatched",
        value: {
          deliveryId: "delivery-1",
          prescriptionId: "rx-1",
          serialNumber: "RX-2026-000001",
          pharmacyId: "pharmacy-1",
          carrier: "SF_EXPRESS",
          agreementId: "AGR-2026-7",
          trackingNumber: "SF1234567890",
          handedOverAt: "2026-03-02T11:00:00.000Z",
        },
      },
      { $case: "deliveryStatus", value: { deliveryId: "delivery-1", prescriptionId: "rx-1", status: "DELIVERED", at: "2026-03-03T15:00:00.000Z" } },
    ]);
    const stored = await storedEntries(harness);
    expectExactly(stored.get(reviewed.id), PrescriptionReviewEntry);
    expectExactly(stored.get(dispensed.id), DispensingEntry);
    expectExactly(stored.get(dispatched.id), DeliveryDispatchedEntry, "DISPATCHED");
    expectExactly(stored.get(delivered.id), DeliveryStatusEntry, "STATUS_CHANGED");
    expectNoSecrets(JSON.stringify([...stored.values()].map((event) => event.data)));
  });

  it("REP-04: an activity at an institution the feed has no registration for is recorded as jurisdiction \"unknown\": national sees it, a province does not", async () => {
    const { harness, bus } = await start();
    const started = consultStarted("inst-never-registered");
    await publish(bus, started);

    const national = await feed(harness);
    expect(national.map((entry) => [entry.sourceEventId, entry.institutionId, entry.jurisdiction])).toEqual([
      [started.id, "inst-never-registered", "unknown"],
    ]);
    expect(await feed(harness, "tianjin")).toEqual([]);
    // Recorded once: a registration arriving later does not rewrite what was reported.
    await publish(bus, registered(institution({ institutionId: "inst-never-registered" })), started);
    expect((await feed(harness)).map((entry) => entry.jurisdiction)).toEqual(["unknown", "tianjin"]);
  });

  it("REP-03 / REP-04: replays and duplicates of every new event type give no second entry", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const id = tianjin.institutionId;
    const messages = [
      staffRecordChanged(id),
      consultStarted(id),
      consultCompleted(id),
      consultTerminated(id),
      consultRefused(id),
      prescriptionSigned(id),
      prescriptionReviewed(id),
      prescriptionDispensed(id),
      deliveryDispatched(id),
      deliveryStatusChanged(id),
      prescriptionVoided(),
    ];
    await publish(bus, registered(tianjin), ...messages);
    const first = await feed(harness);
    // Each message again, then the whole sequence replayed from the start.
    for (const message of messages) await publish(bus, message, message);
    await publish(bus, ...messages);

    const after = await feed(harness);
    expect(after).toEqual(first);
    expect(after.map((entry) => entry.sourceEventId)).toEqual([expect.any(String), ...messages.map((message) => message.id)]);
    expect((await harness.readLog()).filter((event) => event.type === "FeedEntryRecorded")).toHaveLength(messages.length + 1);
    expect(harness.logs.lines.filter((line) => line["msg"] === "feed entry already recorded")).toHaveLength(messages.length * 3);
  });

  it("REP-04: event types the feed does not map are acknowledged and skipped on every source subject", async () => {
    const { harness, bus } = await start();
    const tianjin = institution();
    const others = [
      contextMessage("identity", "PractitionerEnabled", Buffer.from(SECRETS.idNumber)),
      contextMessage("consult", "ConsultMessageSent", Buffer.from("hello doctor")),
      contextMessage("prescription", "PrescriptionDrafted", Buffer.from(SECRETS.canonicalDocument)),
      contextMessage("pharmacy", "StockAdjusted", Buffer.from("x")),
    ];
    await publish(bus, registered(tianjin), ...others, consultStarted(tianjin.institutionId));

    expect((await feed(harness)).map((entry) => entry.category)).toEqual([
      FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE,
      FeedCategory.FEED_CATEGORY_CONSULT,
    ]);
    const skipped = harness.logs.lines.filter((line) => line["msg"] === "event not reported to the feed");
    expect(skipped.map((line) => line["type"])).toEqual(["PractitionerEnabled", "ConsultMessageSent", "PrescriptionDrafted", "StockAdjusted"]);
    expect(harness.logs.withCode("FEED_MESSAGE_UNDECODABLE")).toEqual([]);
  });

  it("REP-04: a consult event with the wrong content type is logged undecodable without its payload and acknowledged", async () => {
    const { harness, bus } = await start();
    const wrong = contextMessage("consult", "ConsultStarted", Buffer.from(SECRETS.diagnosisName), { contentType: "application/x-protobuf; proto=ihp.identity.v1.ConsultStarted" });
    await publish(bus, wrong);
    expect(harness.logs.withCode("FEED_MESSAGE_UNDECODABLE").map((line) => line["messageId"])).toEqual([wrong.id]);
    expect(harness.logs.raw.join("\n")).not.toContain(SECRETS.diagnosisName);
    expect(await feed(harness)).toEqual([]);
  });

  it("REP-04: a voided prescription the feed has not seen signed is redelivered, then given up with an alert", async () => {
    const givenUp: GiveUp[] = [];
    const bus = new InProcessBus({ redelivery: { initialMs: 1, maxMs: 5 }, onGiveUp: (giveUp) => givenUp.push(giveUp) });
    const { harness } = await start({ bus, env: { FEED_MAX_DELIVER: "3" } });
    const orphan = prescriptionVoided("rx-never-signed");
    await bus.publish(orphan);
    expect(givenUp.map((giveUp) => [giveUp.durable, giveUp.message.id, giveUp.message.deliveryCount])).toEqual([
      ["reporting-feed-prescription", orphan.id, 3],
    ]);
    expect(harness.logs.withCode("PRESCRIPTION_NOT_YET_KNOWN")).toHaveLength(3);
    expect(await feed(harness)).toEqual([]);
  });
});
