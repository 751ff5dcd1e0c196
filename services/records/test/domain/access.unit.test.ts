import { DomainError } from "@ihp/eventsourcing";
import { describe, expect, it } from "vitest";
import { type AccessRequest, decideAccess, recordDecider } from "../../src/domain/index.js";
import { AT, attestCmd, AUTHOR, committer, DOC, fold, history, INSTITUTION, onDay, originate, PATIENT, SUPERVISOR } from "./support/fixtures.js";

const state = () => fold(history(originate(), attestCmd()));
const head = committer("head-chen", "institution_admin");
const facts = { profile: originate().profile, lastVisitAt: originate().header.visitAt, prescriptionClasses: [] };
const destroyedState = () =>
  fold(
    history(
      originate(),
      attestCmd(),
      { type: "ApproveDestruction", documentId: DOC, approvalId: "ap-1", approver: { id: head.id, institutionHead: true }, ...facts, committer: head, at: onDay("2041-03-16") },
      { type: "DestroyRecord", documentId: DOC, approvalId: "ap-1", ...facts, committer: head, at: onDay("2041-03-17") },
    ),
  );
const read = (id: string, role: string, over: Partial<AccessRequest> = {}): AccessRequest => ({
  documentId: DOC,
  reader: { id, role, institutionId: INSTITUTION },
  purpose: role === "patient" ? "SELF_SERVICE" : "TREATMENT",
  guardianOfMinor: false,
  consultClinicianIds: [],
  at: AT,
  ...over,
});

function outcome(request: AccessRequest, s = state()): string {
  const decision = decideAccess(request, s);
  expect(decision.event.data.outcome).toBe(decision.refusal === null ? "ALLOWED" : "REFUSED");
  return decision.refusal?.code ?? "ALLOWED";
}

describe("decideAccess", () => {
  it("REC-08: the patient reads their own record, a verified guardian a minor's; another patient never", () => {
    expect(outcome(read(PATIENT, "patient"))).toBe("ALLOWED");
    expect(outcome(read("guardian-1", "patient", { guardianOfMinor: true }))).toBe("ALLOWED");
    expect(outcome(read("patient-2", "patient"))).toBe("RECORD_ACCESS_DENIED");
  });

  it("REC-09: treating clinicians through a care relationship (author, co-signer, consult clinician) of the custodian", () => {
    expect(outcome(read(AUTHOR, "physician"))).toBe("ALLOWED");
    expect(outcome(read(SUPERVISOR, "physician", { consultClinicianIds: [SUPERVISOR] }))).toBe("ALLOWED");
    expect(outcome(read("dr-stranger", "physician"))).toBe("RECORD_ACCESS_DENIED");
    expect(outcome(read(AUTHOR, "physician", { reader: { id: AUTHOR, role: "physician", institutionId: "inst-other" } }))).toBe("RECORD_ACCESS_DENIED");
  });

  it("REC-09: medical-records staff by role within the custodian; every other role is refused (deny by default)", () => {
    expect(outcome(read("officer-zhao", "records_officer", { purpose: "RECORDS_MANAGEMENT" }))).toBe("ALLOWED");
    const elsewhere = { reader: { id: "officer-x", role: "records_officer", institutionId: "inst-other" } };
    expect(outcome(read("officer-x", "records_officer", elsewhere))).toBe("RECORD_ACCESS_DENIED");
    for (const role of ["nurse", "pharmacist", "institution_admin", "regulator", "system", "records", ""]) {
      expect(outcome(read("someone", role, { consultClinicianIds: ["someone"] })), role).toBe("RECORD_ACCESS_DENIED");
    }
    expect(outcome(read(PATIENT, "patient", { purpose: "CURIOSITY" }))).toBe("RECORD_ACCESS_DENIED");
  });

  it("XC-01: every read, allowed or refused, is an access event with who, role, tenant, when, purpose and outcome only", () => {
    const refused = decideAccess(read("dr-stranger", "physician"), state());
    expect(refused.refusal).toBeInstanceOf(DomainError);
    expect(refused.refusal).toMatchObject({ code: "RECORD_ACCESS_DENIED", ruleId: "REC-09" });
    expect(refused.event).toEqual({
      type: "RecordAccessed",
      data: {
        documentId: DOC,
        readerId: "dr-stranger",
        readerRole: "physician",
        readerInstitutionId: INSTITUTION,
        purpose: "TREATMENT",
        outcome: "REFUSED",
        code: "RECORD_ACCESS_DENIED",
        accessedAt: AT.toISOString(),
      },
    });
    expect(decideAccess(read(PATIENT, "patient"), state()).event.data).toMatchObject({ outcome: "ALLOWED", code: "" });
    expect(decideAccess(read(PATIENT, "patient"), recordDecider.initialState).event.data).toMatchObject({ outcome: "REFUSED", code: "RECORD_NOT_FOUND" });
  });

  it("REC-09: a restricted record is not read for care; its patient still reads it", () => {
    const restricted = history(originate(), attestCmd(), {
      type: "RestrictRecord",
      documentId: DOC,
      guardianOfMinor: false,
      profile: originate().profile,
      lastVisitAt: originate().header.visitAt,
      prescriptionClasses: [],
      committer: committer(PATIENT, "patient"),
      at: onDay("2026-06-01"),
    });
    expect(outcome(read(AUTHOR, "physician"), fold(restricted))).toBe("RECORD_RESTRICTED");
    expect(outcome(read(PATIENT, "patient"), fold(restricted))).toBe("ALLOWED");
  });

  it("REC-02: after destruction only the tombstone is left: every read is refused and still logged", () => {
    const destroyed = destroyedState();
    const decision = decideAccess(read(PATIENT, "patient"), destroyed);
    expect(decision.event.data).toMatchObject({ outcome: "REFUSED", code: "RECORD_DESTROYED" });
  });
});
