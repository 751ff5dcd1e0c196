import { given } from "@ihp/testing";
import { describe, expect, it } from "vitest";
import { type CopyCommand, copyDecider, type CopyEvent, REQUIRED_PROOFS } from "../../src/domain/index.js";
import { AT, committer, DOC, eventsOf, INSTITUTION, PATIENT } from "./support/fixtures.js";

const SEALED_HASH = "e".repeat(64);
const proofs = (...kinds: string[]) => kinds.map((kind) => ({ kind, sha256: "f".repeat(64) }));
const request = (applicantType: string, given_ = proofs(...(REQUIRED_PROOFS[applicantType as "PATIENT"] ?? []))): CopyCommand => ({
  type: "RequestCopy",
  requestId: "copy-req-1",
  institutionId: INSTITUTION,
  documents: [{ documentId: DOC, institutionId: INSTITUTION, patientId: PATIENT }],
  applicantType,
  applicantId: applicantType === "PATIENT" ? PATIENT : "applicant-1",
  proofs: given_,
  committer: committer(PATIENT, "patient"),
  at: AT,
});
const decision = (type: "ApproveCopy" | "RejectCopy", recordsStaff = true): CopyCommand => ({
  type,
  requestId: "copy-req-1",
  recordsStaff,
  reasonCode: type === "RejectCopy" ? "PROOF_FORGED" : "",
  committer: committer("officer-zhao", "records_officer"),
  at: AT,
});
const SEAL = { algorithm: "SM2-with-SM3", certificateSerial: "inst-01", value: "c2VhbA==", sealedHash: SEALED_HASH, timestampToken: "dA==" };
const issue = (over: Partial<Extract<CopyCommand, { type: "IssueCopy" }>> = {}): CopyCommand => ({
  type: "IssueCopy",
  requestId: "copy-req-1",
  copyId: "COPY-2026-0001",
  contentHash: SEALED_HASH,
  seal: SEAL,
  committer: committer("officer-zhao", "records_officer"),
  at: AT,
  ...over,
});

function run(...commands: CopyCommand[]): CopyEvent[] {
  const events: CopyEvent[] = [];
  for (const command of commands) events.push(...eventsOf(copyDecider.decide(command, events.reduce(copyDecider.evolve, copyDecider.initialState))));
  return events;
}

describe("copyDecider", () => {
  it.each(["PATIENT", "AGENT", "HEIR", "AUTHORITY"])("REC-10: a %s request with its required proofs is recorded", (type) => {
    expect(run(request(type))[0]).toMatchObject({ type: "CopyRequested", data: { applicantType: type, documentIds: [DOC] } });
  });

  it("REC-10: each applicant type refuses a request missing any of its proofs, naming what is missing", () => {
    for (const [type, kinds] of Object.entries(REQUIRED_PROOFS)) {
      for (const left of kinds) {
        const error = given(copyDecider).when(request(type, proofs(...kinds.filter((k) => k !== left)))).thenError("PROOF_MISSING", "REC-10");
        expect(error.message).toContain(left);
      }
    }
    // A proof without a content hash is no proof.
    given(copyDecider).when(request("PATIENT", [{ kind: "PATIENT_ID", sha256: "" }])).thenError("PROOF_MISSING");
    expect(REQUIRED_PROOFS.HEIR).toContain("DEATH_CERTIFICATE");
  });

  it("REC-10: refuses an unknown applicant type, or a PATIENT applicant who is not the patient", () => {
    given(copyDecider).when(request("NEIGHBOUR", [])).thenError("INVALID_APPLICANT_TYPE", "REC-10");
    given(copyDecider).when({ ...request("PATIENT"), applicantId: "patient-2" } as CopyCommand).thenError("INVALID_APPLICANT_TYPE");
  });

  it("XC-03: a request covers one patient's records, all kept by the institution asked", () => {
    const base = request("AGENT") as Extract<CopyCommand, { type: "RequestCopy" }>;
    const other = { documentId: "doc-2", institutionId: "inst-other", patientId: PATIENT };
    given(copyDecider).when({ ...base, documents: [...base.documents, other] }).thenError("NOT_CUSTODIAN", "XC-03");
    given(copyDecider).when({ ...base, documents: [...base.documents, { ...other, institutionId: INSTITUTION, patientId: "patient-2" }] }).thenError("INVALID_RECORD_INPUT");
    given(copyDecider).when({ ...base, documents: [] }).thenError("INVALID_RECORD_INPUT");
    expect(run(base)[0]).toMatchObject({ data: { documentIds: [DOC], patientId: PATIENT } });
  });

  it("REC-10: only records staff approve; an approved copy is issued with a copy id and the institution e-seal, logged as a disclosure", () => {
    given(copyDecider, run(request("PATIENT"))).when(decision("ApproveCopy", false)).thenError("COPY_APPROVER_NOT_RECORDS_STAFF", "REC-10");
    given(copyDecider, run(request("PATIENT"))).when(issue()).thenError("COPY_NOT_APPROVED", "REC-10");
    const approved = run(request("PATIENT"), decision("ApproveCopy"));
    given(copyDecider, approved).when(issue({ copyId: "" })).thenError("COPY_SEAL_REQUIRED", "REC-10");
    given(copyDecider, approved).when(issue({ seal: { ...SEAL, value: "" } })).thenError("COPY_SEAL_REQUIRED");
    given(copyDecider, approved).when(issue({ contentHash: "0".repeat(64) })).thenError("COPY_SEAL_REQUIRED");
    const issued = run(request("PATIENT"), decision("ApproveCopy"), issue());
    expect(issued.at(-1)).toMatchObject({
      type: "CopyIssued",
      data: { copyId: "COPY-2026-0001", documentIds: [DOC], seal: { sealedHash: SEALED_HASH }, contribution: { lifecycle: "disclose" } },
    });
    given(copyDecider, issued).when(issue()).thenError("COPY_ALREADY_DECIDED");
  });

  it("XC-03: only records staff of the institution the request was made to decide or issue it", () => {
    const other = { ...decision("ApproveCopy"), committer: committer("officer-x", "records_officer", "inst-other") };
    given(copyDecider, run(request("PATIENT"))).when(other).thenError("NOT_CUSTODIAN", "XC-03");
  });

  it("REC-10: a rejected request cannot be approved or issued", () => {
    const rejected = run(request("AGENT"), decision("RejectCopy"));
    given(copyDecider, rejected).when(decision("ApproveCopy")).thenError("COPY_ALREADY_DECIDED", "REC-10");
    given(copyDecider, rejected).when(issue()).thenError("COPY_ALREADY_DECIDED");
    given(copyDecider).when(decision("ApproveCopy")).thenError("COPY_REQUEST_NOT_FOUND");
    given(copyDecider, rejected).when(request("AGENT")).thenError("COPY_REQUEST_EXISTS");
  });
});
