import { PrescriptionReviewed, ReviewOutcome } from "@ihp/contracts/pharmacy";
import { EventEnvelope } from "@ihp/contracts";
import { sampleCatalogue } from "@ihp/drug-catalogue";
import type { EventStore } from "@ihp/eventsourcing";
import type { DeliveredMessage, ProcessedLog } from "@ihp/messaging";
import { BuiltinIssuer, createLogger, openEventStore, TokenVerifier } from "@ihp/platform";
import { readWholeLog } from "@ihp/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pharmacyEventMessage } from "../src/adapters/bus/integrationEvents.js";
import { prescriptionMessageHandler } from "../src/adapters/bus/prescriptionConsumer.js";
import { catalogueLookup } from "../src/adapters/catalogue/drugCatalogue.js";
import { localCarrier } from "../src/adapters/logistics/localCarrier.js";
import { prescriptionStreamId, versionOfStream } from "../src/application/ids.js";
import { createReceiving } from "../src/application/receiving.js";
import { EMPTY_CATALOGUE } from "../src/adapters/catalogue/emptyCatalogue.js";
import { InMemoryIdentity } from "./support/inMemoryIdentity.js";
import { signedEnvelope } from "./support/prescriptionEnvelopes.js";
import { PHARMACIST, pharmacistSignature } from "./support/fixtures.js";

const logger = createLogger({ name: "pharmacy", level: "silent" });
const INSTITUTION = "institution-1";
const deliver = (message: { subject: string; id: string; data: Uint8Array; headers: Readonly<Record<string, string>> }): DeliveredMessage => ({
  ...message,
  deliveryCount: 1,
});

function memoryLog(): ProcessedLog & { ids: Set<string> } {
  const ids = new Set<string>();
  return {
    ids,
    has: (consumer, id) => Promise.resolve(ids.has(`${consumer}/${id}`)),
    record: (consumer, id) => {
      ids.add(`${consumer}/${id}`);
      return Promise.resolve();
    },
  };
}

describe("prescription consumer", () => {
  let store: EventStore;
  let identity: InMemoryIdentity;

  beforeEach(async () => {
    store = await openEventStore({ context: "pharmacy", dataDir: ":memory:" });
    const issuer = await BuiltinIssuer.create({ issuer: "urn:ihp:test", audience: "ihp" });
    identity = new InMemoryIdentity(TokenVerifier.fromJwks(issuer.jwks(), { issuer: issuer.issuer, audience: issuer.audience }), new Map());
  });
  afterEach(() => store.close());

  const handlerOver = (log = memoryLog()) =>
    prescriptionMessageHandler(
      createReceiving({ store, identity, catalogue: EMPTY_CATALOGUE, clock: () => new Date("2026-03-02T02:00:00Z"), newEventId: () => crypto.randomUUID() }),
      log,
      logger,
    );

  it("RX-03: identity unreachable → the message is redelivered, not judged on a failed call", async () => {
    identity.reachable = false;
    const log = memoryLog();
    const message = deliver(signedEnvelope({ prescriptionId: "rx-1", serialNumber: "SN-1", institutionId: INSTITUTION, patientId: "p-1" }));
    await expect(handlerOver(log)(message)).rejects.toThrow();
    expect(log.ids.size).toBe(0);
    expect(await store.readStream(prescriptionStreamId({ prescriptionId: "rx-1", serialNumber: "SN-1" }))).toEqual([]);
    identity.reachable = true;
    await handlerOver(log)(message);
    const stream = await store.readStream(prescriptionStreamId({ prescriptionId: "rx-1", serialNumber: "SN-1" }));
    expect(stream.map((event) => event.type)).toEqual(["PrescriptionReceived", "PrescriptionQueuedForReview"]);
    // PHA-04: an unknown drug is flagged for the pharmacist.
    expect(stream[1]?.data).toMatchObject({ findings: [{ code: "DRUG_NOT_IN_CATALOGUE" }] });
    expect(stream[0]?.metadata).toMatchObject({ actorRole: "system", tenantId: INSTITUTION, causationId: message.id, profileVersion: expect.stringMatching(/^tianjin@/) as unknown });
  });

  it("acknowledges what no retry can fix: an undecodable message, an incomplete document", async () => {
    const log = memoryLog();
    await handlerOver(log)({ subject: "ihp.prescription.v1.PrescriptionSigned", id: "m-1", data: Buffer.from("junk"), headers: {}, deliveryCount: 1 });
    const incomplete = deliver(signedEnvelope({ prescriptionId: "rx-2", serialNumber: "", institutionId: INSTITUTION, patientId: "p-1" }));
    await handlerOver(log)(incomplete);
    expect(log.ids.size).toBe(2);
    expect((await readWholeLog(store)).filter((event) => event.type.startsWith("Prescription"))).toEqual([]);
  });

  it("skips a message its consumer already processed", async () => {
    const log = memoryLog();
    const message = deliver(signedEnvelope({ prescriptionId: "rx-3", serialNumber: "SN-3", institutionId: INSTITUTION, patientId: "p-1" }));
    await handlerOver(log)(message);
    await handlerOver(log)(message);
    expect(await store.readStream(prescriptionStreamId({ prescriptionId: "rx-3", serialNumber: "SN-3" }))).toHaveLength(2);
    expect(identity.calls.filter((call) => call.method === "VerifySignature")).toHaveLength(1);
  });
});

describe("integration events", () => {
  it("PHA-05: PrescriptionReviewed carries the pharmacist's signature; private events stay private", async () => {
    const store = await openEventStore({ context: "pharmacy", dataDir: ":memory:" });
    try {
      const streamId = prescriptionStreamId({ prescriptionId: "0193b000-0000-7000-8000-000000000001", serialNumber: "SN-1" });
      const metadata = { actorId: PHARMACIST, actorRole: "pharmacist", tenantId: INSTITUTION, correlationId: "c", causationId: "r", occurredAt: "2026-03-02T02:00:00.000Z" };
      const data = { pharmacistId: PHARMACIST, reviewer: { affiliation: "IN_HOUSE", dispensingYears: 5 }, signature: pharmacistSignature(), reviewedAt: "2026-03-02T02:00:00.000Z" };
      const { events } = await store.append(
        streamId,
        [
          { id: "0193b000-0000-7000-8000-00000000000a", type: "PrescriptionQueuedForReview", schemaVersion: 1, data: { findings: [], queuedAt: "x" }, metadata },
          { id: "0193b000-0000-7000-8000-00000000000b", type: "PrescriptionApproved", schemaVersion: 1, data, metadata },
        ],
        "any",
      );
      expect(pharmacyEventMessage(events[0]!)).toBeNull();
      const message = pharmacyEventMessage(events[1]!);
      expect(message?.subject).toBe("ihp.pharmacy.v1.PrescriptionReviewed");
      const reviewed = PrescriptionReviewed.decode(EventEnvelope.decode(message!.data).payload);
      expect(reviewed).toMatchObject({
        prescriptionId: "0193b000-0000-7000-8000-000000000001",
        serialNumber: "SN-1",
        institutionId: INSTITUTION,
        outcome: ReviewOutcome.REVIEW_OUTCOME_APPROVED,
        pharmacistId: PHARMACIST,
      });
      expect(Buffer.from(reviewed.signature!.documentHash).toString("hex")).toBe(pharmacistSignature().documentHashHex);
    } finally {
      await store.close();
    }
  });

  it("splits a prescription stream id back into its ids", () => {
    const ref = { prescriptionId: "0193b000-0000-7000-8000-000000000001", serialNumber: "RX-2026-0001" };
    expect(versionOfStream(prescriptionStreamId(ref))).toEqual(ref);
    expect(versionOfStream("pharmacy-roster-x")).toBeUndefined();
  });
});

describe("local carrier (PHA-08)", () => {
  it("PHA-08: is deterministic: same delivery, same tracking number; tracking follows the handover time", async () => {
    const carrier = localCarrier({ agreementId: "AGR-1" });
    const request = { deliveryId: "d-1", prescriptionId: "rx", serialNumber: "SN", pharmacyId: "ph", destinationReference: "a", at: new Date("2026-03-02T03:00:00.500Z") };
    const shipment = await carrier.createShipment(request);
    expect(await carrier.createShipment(request)).toEqual(shipment);
    expect(shipment).toMatchObject({ carrier: "IHP-LOCAL", agreementId: "AGR-1", handedOverAt: "2026-03-02T03:00:00.000Z" });
    expect(await carrier.trackingEvents(shipment.trackingNumber, new Date("2026-03-02T03:30:00Z"))).toEqual([]);
    expect((await carrier.trackingEvents(shipment.trackingNumber, new Date("2026-03-03T03:00:00Z"))).map((e) => e.status)).toEqual(["IN_TRANSIT", "DELIVERED"]);
    expect(await carrier.trackingEvents("not-ours", new Date())).toEqual([]);
  });
});

describe("drug catalogue adapter", () => {
  it("PHA-03: reads dose limits and class-level interactions from @ihp/drug-catalogue", async () => {
    const lookup = catalogueLookup(await sampleCatalogue());
    expect(lookup.drug("aspirin-ec-tab-100mg")).toMatchObject({ prescriptionOnly: false, dose: { unit: "mg", maxPerDose: 300 } });
    expect(lookup.interactionsBetween("warfarin-sodium-tab-2.5mg", "aspirin-ec-tab-100mg")).toEqual([
      expect.objectContaining({ severity: "MAJOR", drugCodes: ["warfarin-sodium-tab-2.5mg", "aspirin-ec-tab-100mg"] }),
    ]);
    expect(lookup.drug("nope")).toBeUndefined();
  });
});
