import { EventEnvelope } from "@ihp/contracts";
import { ConsultRefused, ConsultStarted } from "@ihp/contracts/consult";
import type { StoredEvent } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { consultEventMessage } from "../src/index.js";
import { ELIGIBLE, INSTITUTION_ID, REQUESTED, STARTED } from "./support/fixtures.js";

function stored(event: { type: string; data: object }, revision = 0): StoredEvent {
  return {
    id: `0193a9f2-7c1d-7e4b-9a6f-2b3c4d5e6f${String(10 + revision)}`,
    type: event.type,
    schemaVersion: 1,
    data: event.data as StoredEvent["data"],
    metadata: { actorId: "a", actorRole: "physician", tenantId: INSTITUTION_ID, correlationId: "c", causationId: "r", occurredAt: "2026-03-15T02:10:00.000Z" },
    streamId: "consult-x",
    revision,
    position: BigInt(revision + 1),
    recordedAt: "2026-03-15T02:10:00.000Z",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
}

describe("consultEventMessage (REP-04: minimum necessary fields)", () => {
  it("publishes ConsultStarted on ihp.consult.v1.ConsultStarted and keeps private events private", () => {
    const message = consultEventMessage(stored(STARTED, 4));
    expect(message?.subject).toBe("ihp.consult.v1.ConsultStarted");
    const payload = ConsultStarted.decode(EventEnvelope.decode(message!.data).payload);
    expect(payload).toMatchObject({ consultId: STARTED.data["consultId"], priorRecordId: "doc-1", physicianId: "physician-1" });
    // REP-04: the request and acceptance times, for the supervision statistics' consult response time.
    expect(payload).toMatchObject({ requestedAt: "2026-03-15T02:00:00.000Z", acceptedAt: "2026-03-15T02:10:00.000Z" });
    const { requestedAt: _r, acceptedAt: _a, ...older } = STARTED.data as Record<string, unknown>;
    const fromOlder = ConsultStarted.decode(EventEnvelope.decode(consultEventMessage(stored({ type: "ConsultStarted", data: older }, 4))!.data).payload);
    expect([fromOlder.requestedAt, fromOlder.acceptedAt]).toEqual([undefined, undefined]);
    expect(consultEventMessage(stored(REQUESTED))).toBeNull();
    expect(consultEventMessage(stored(ELIGIBLE, 2))).toBeNull();
  });

  it("CON-02: a physician's negative eligibility decision is fed as ConsultRefused", () => {
    const negative = { ...ELIGIBLE, data: { ...ELIGIBLE.data, eligible: false, reasonCode: "FIRST_VISIT_NOT_ALLOWED" } };
    const message = consultEventMessage(stored(negative, 2));
    const payload = ConsultRefused.decode(EventEnvelope.decode(message!.data).payload);
    expect(payload).toMatchObject({ reasonCode: "FIRST_VISIT_NOT_ALLOWED", institutionId: INSTITUTION_ID, consultType: "FOLLOW_UP" });
  });
});
