import { EventEnvelope } from "@ihp/contracts";
import { RecordSigned } from "@ihp/contracts/records";
import type { StoredEvent } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { recordsEventMessage } from "../src/adapters/bus/recordEvents.js";

// REP-04: what leaves the records service for the regulator feed's EMR category — a SIGNED record only, by ids.

const signature = {
  signerId: "physician-1",
  signerName: "王示范",
  role: "AUTHOR",
  algorithm: "ECDSA_P256_SHA256",
  certificateSerial: "0A1B",
  value: "c2lnbmF0dXJl",
  documentHash: "ab".repeat(32),
  timestampToken: "dG9rZW4=",
  timestampedAt: "2026-12-06T03:00:00.000Z",
};

function stored(type: string, data: Record<string, unknown>): StoredEvent {
  return {
    id: "0193a9f2-0000-7000-8000-000000000009",
    type,
    schemaVersion: 1,
    data: { documentId: "rec-1", version: 2, signature, completedAt: "2026-12-06T03:00:00.000Z", contribution: { committer: { id: "physician-1", role: "physician", institutionId: "hosp-1" } }, ...data },
    metadata: { actorId: "physician-1", actorRole: "physician", tenantId: "hosp-1", correlationId: "c", causationId: "c", occurredAt: "2026-12-06T03:00:00.000Z" },
    streamId: "records-record-rec-1",
    revision: 3,
    position: 9n,
    recordedAt: "2026-12-06T03:00:00.000Z",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
  };
}

describe("RecordSigned integration event (REP-04)", () => {
  it("REP-04: an author's signature that makes the record SIGNED leaves as RecordSigned with ids, version, time and hash only", () => {
    const message = recordsEventMessage(stored("RecordAttested", { status: "SIGNED" }));
    expect(message?.subject).toBe("ihp.records.v1.RecordSigned");
    const envelope = EventEnvelope.decode(message!.data);
    expect(RecordSigned.decode(envelope.payload)).toEqual({
      recordId: "rec-1",
      institutionId: "hosp-1",
      version: 2,
      signerId: "physician-1",
      cosigned: false,
      signedAt: "2026-12-06T03:00:00.000Z",
      documentHash: "ab".repeat(32),
      signatureCertificateSerial: "0A1B",
      signatureAlgorithm: "ECDSA_P256_SHA256",
    });
    expect(Buffer.from(message!.data).toString("utf8")).not.toContain("王示范");
  });

  it("REP-04, REC-05: a trainee's signature awaiting co-signature stays private; the co-signature publishes", () => {
    expect(recordsEventMessage(stored("RecordAttested", { status: "PENDING_COSIGN", completedAt: "" }))).toBeNull();
    const cosigned = recordsEventMessage(stored("RecordCosigned", { signature: { ...signature, signerId: "supervisor-1" } }));
    expect(RecordSigned.decode(EventEnvelope.decode(cosigned!.data).payload)).toMatchObject({ signerId: "supervisor-1", cosigned: true });
    for (const type of ["RecordOriginated", "RecordAmended", "RecordAccessed"]) expect(recordsEventMessage(stored(type, {}))).toBeNull();
  });
});
