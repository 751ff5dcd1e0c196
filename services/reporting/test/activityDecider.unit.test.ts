import { given } from "@ihp/testing";
import { describe, it } from "vitest";
import { activityFeedDecider, type RecordActivityEntry } from "../src/domain/feed/activityDecider.js";
import type { FeedEvent } from "../src/domain/feed/feedDecider.js";

const started: RecordActivityEntry = {
  sourceEventId: "ev-10",
  occurredAt: "2026-03-02T09:00:00.000Z",
  institutionId: "inst-1",
  jurisdiction: "tianjin",
  fact: {
    type: "ConsultStarted",
    consultId: "consult-1",
    institutionId: "inst-1",
    consultType: "FOLLOW_UP",
    departmentCode: "03.07",
    patientId: "patient-1",
    physicianId: "prac-1",
    startedAt: "2026-03-02T09:00:00.000Z",
    priorRecordId: "offline-rec-9",
  },
};

function startedEntry(jurisdiction: "tianjin" | "unknown"): FeedEvent {
  return {
    type: "FeedEntryRecorded",
    data: {
      sourceEventId: "ev-10",
      institutionId: "inst-1",
      jurisdiction,
      occurredAt: "2026-03-02T09:00:00.000Z",
      category: "CONSULT",
      kind: "STARTED",
      entry: {
        consultId: "consult-1",
        consultType: "FOLLOW_UP",
        departmentCode: "03.07",
        patientId: "patient-1",
        physicianId: "prac-1",
        startedAt: "2026-03-02T09:00:00.000Z",
        priorRecordId: "offline-rec-9",
      },
    },
  };
}

const voided: RecordActivityEntry = {
  sourceEventId: "ev-11",
  occurredAt: "2026-03-02T09:30:00.000Z",
  institutionId: "",
  jurisdiction: "unknown",
  fact: { type: "PrescriptionVoided", prescriptionId: "rx-1", serialNumber: "RX-1", voidedAt: "2026-03-02T09:30:00.000Z" },
};

const signedEntry: FeedEvent = {
  type: "FeedEntryRecorded",
  data: {
    sourceEventId: "ev-9",
    institutionId: "inst-1",
    jurisdiction: "tianjin",
    occurredAt: "2026-03-02T09:18:00.000Z",
    category: "PRESCRIPTION",
    kind: "SIGNED",
    entry: {
      prescriptionId: "rx-1",
      serialNumber: "RX-1",
      predecessorSerialNumber: "",
      consultId: "consult-1",
      physicianId: "prac-1",
      patientId: "patient-1",
      issuedOn: "2026-03-02",
      validUntil: "2026-03-04",
      drugs: [],
      diagnosisCodes: ["E11.9"],
      signatureCertificateSerial: "CERT-1",
      signatureAlgorithm: "SIGNATURE_ALGORITHM_SM2_SM3",
    },
  },
};

describe("activity feed decider", () => {
  it("REP-04: a consult start is one CONSULT entry under the jurisdiction the application resolved", () => {
    given(activityFeedDecider).when(started).then([startedEntry("tianjin")]);
  });

  it("REP-04: an institution the feed has no registration for is recorded as \"unknown\"", () => {
    given(activityFeedDecider)
      .when({ ...started, jurisdiction: "unknown" })
      .then([startedEntry("unknown")]);
  });

  it("REP-04: a voided prescription whose signed version is not in the feed yet is refused as transient", () => {
    given(activityFeedDecider).when(voided).thenError("PRESCRIPTION_NOT_YET_KNOWN", "REP-04");
  });

  it("REP-04: a voided prescription is recorded under the institution the application found on the prescription's stream", () => {
    given(activityFeedDecider, [signedEntry])
      .when({ ...voided, institutionId: "inst-1", jurisdiction: "tianjin" })
      .then([
        {
          type: "FeedEntryRecorded",
          data: {
            sourceEventId: "ev-11",
            institutionId: "inst-1",
            jurisdiction: "tianjin",
            occurredAt: "2026-03-02T09:30:00.000Z",
            category: "PRESCRIPTION",
            kind: "VOIDED",
            entry: { prescriptionId: "rx-1", serialNumber: "RX-1", voidedAt: "2026-03-02T09:30:00.000Z" },
          },
        },
      ]);
  });

  it("REP-04: an event without id, time, institution or the id of what it is about is refused", () => {
    given(activityFeedDecider).when({ ...started, sourceEventId: "" }).thenError("FEED_SOURCE_INVALID", "REP-04");
    given(activityFeedDecider).when({ ...started, occurredAt: "" }).thenError("FEED_SOURCE_INVALID", "REP-04");
    given(activityFeedDecider).when({ ...started, institutionId: "" }).thenError("FEED_SOURCE_INVALID", "REP-04");
    given(activityFeedDecider).when({ ...started, institutionId: "x".repeat(129) }).thenError("FEED_SOURCE_INVALID", "REP-04");
    given(activityFeedDecider)
      .when({ ...started, fact: { ...started.fact, consultId: "" } as RecordActivityEntry["fact"] })
      .thenError("FEED_SOURCE_INVALID", "REP-04");
  });
});
