import type { Decider, DomainEvent } from "@ihp/eventsourcing";
import { type Committer, type Contribution, contribution } from "./contribution.js";
import { refusal } from "./errors.js";
import { refusing } from "@ihp/eventsourcing";
import { requireId } from "./rules.js";

// Copies of records (复制, REC-10; Dispute Regulation art. 16, Records Provisions): who may apply, with which proof,
// approval by medical-records staff, and the issued copy with its copy id and the institution's e-seal.
// Stream records-copy-<requestId>.

export const APPLICANT_TYPES = ["PATIENT", "AGENT", "HEIR", "AUTHORITY"] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

/**
 * The proof each applicant type must bring (Records Provisions, 复制 articles): the patient their ID; an agent both
 * IDs, the proof of the agency relationship and the power of attorney; an heir the death certificate, their ID and
 * proof of the inheritance relationship; an authority (public security, judiciary, social security, insurance,
 * malpractice appraisal) the legal basis for taking the record and its officers' IDs.
 */
export const REQUIRED_PROOFS: { readonly [T in ApplicantType]: readonly string[] } = {
  PATIENT: ["PATIENT_ID"],
  AGENT: ["PATIENT_ID", "AGENT_ID", "AGENCY_PROOF", "POWER_OF_ATTORNEY"],
  HEIR: ["DEATH_CERTIFICATE", "HEIR_ID", "INHERITANCE_PROOF"],
  AUTHORITY: ["LEGAL_BASIS", "OFFICER_IDS"],
};

/** A proof document as uploaded: its kind and the blob's hash. */
export type ProofDocument = { readonly kind: string; readonly sha256: string };

/** The institution's e-seal over the copy (signature by the institution's key, from the signing port). */
export type CopySeal = {
  readonly algorithm: string;
  readonly certificateSerial: string;
  readonly value: string;
  readonly sealedHash: string;
  readonly timestampToken: string;
};

export type CopyCommand =
  | {
      readonly type: "RequestCopy";
      readonly requestId: string;
      readonly institutionId: string;
      /** The records asked for, with their custodian and patient as the record streams say (the application reads them). */
      readonly documents: readonly { readonly documentId: string; readonly institutionId: string; readonly patientId: string }[];
      readonly applicantType: string;
      readonly applicantId: string;
      readonly proofs: readonly ProofDocument[];
      readonly committer: Committer;
      readonly at: Date;
    }
  | {
      readonly type: "ApproveCopy" | "RejectCopy";
      readonly requestId: string;
      /** Identity's answer: is the committer medical-records staff of this institution? */
      readonly recordsStaff: boolean;
      readonly reasonCode: string;
      readonly committer: Committer;
      readonly at: Date;
    }
  | {
      readonly type: "IssueCopy";
      readonly requestId: string;
      readonly copyId: string;
      /** SHA-256 of the rendered copy the seal covers. */
      readonly contentHash: string;
      readonly seal: CopySeal;
      readonly committer: Committer;
      readonly at: Date;
    };

type Requested = {
  readonly requestId: string;
  readonly institutionId: string;
  readonly documentIds: string[];
  readonly patientId: string;
  readonly applicantType: ApplicantType;
  readonly applicantId: string;
  readonly proofs: ProofDocument[];
  readonly contribution: Contribution;
};
type Decided = { readonly requestId: string; readonly reasonCode: string; readonly contribution: Contribution };
/** disclose: the copy left the institution. */
type Issued = {
  readonly requestId: string;
  readonly copyId: string;
  readonly documentIds: string[];
  readonly contentHash: string;
  readonly seal: CopySeal;
  readonly contribution: Contribution;
};

export type CopyEvent =
  | DomainEvent<"CopyRequested", Requested>
  | DomainEvent<"CopyApproved", Decided>
  | DomainEvent<"CopyRejected", Decided>
  | DomainEvent<"CopyIssued", Issued>;

export type CopyState =
  | { readonly status: "none" }
  | { readonly status: "REQUESTED" | "APPROVED" | "REJECTED" | "ISSUED"; readonly request: Requested; readonly copyId: string };

function decide(command: CopyCommand, state: CopyState): CopyEvent[] {
  const by = (changeType: "creation" | "modification", lifecycle: "disclose" | null) =>
    contribution(command.committer, command.at, changeType, lifecycle);
  if (command.type === "RequestCopy") {
    if (state.status !== "none") throw refusal("COPY_REQUEST_EXISTS");
    requireId(command.requestId, "requestId");
    requireId(command.institutionId, "institutionId");
    requireId(command.applicantId, "applicantId");
    const patientIds = new Set(command.documents.map((d) => d.patientId));
    if (command.documents.length === 0 || patientIds.size !== 1) throw refusal("INVALID_RECORD_INPUT", "documents (one patient's records)");
    command.documents.forEach((d) => requireId(d.documentId, "documents.documentId"));
    // Tenant check: a copy is made by the institution that keeps every record in it.
    if (command.documents.some((d) => d.institutionId !== command.institutionId)) throw refusal("NOT_CUSTODIAN");
    if (command.committer.role !== "patient" && command.committer.institutionId !== command.institutionId) throw refusal("NOT_CUSTODIAN");
    const applicantType = command.applicantType as ApplicantType;
    if (!APPLICANT_TYPES.includes(applicantType)) throw refusal("INVALID_APPLICANT_TYPE");
    const [patientId = ""] = patientIds;
    if (applicantType === "PATIENT" && command.applicantId !== patientId) throw refusal("INVALID_APPLICANT_TYPE", "the applicant is not the patient");
    const given = new Set(command.proofs.filter((p) => /^[0-9a-f]{64}$/.test(p.sha256)).map((p) => p.kind));
    const missing = REQUIRED_PROOFS[applicantType].filter((kind) => !given.has(kind));
    if (missing.length > 0) throw refusal("PROOF_MISSING", missing.join(", "));
    const data = {
      requestId: command.requestId,
      institutionId: command.institutionId,
      documentIds: command.documents.map((d) => d.documentId),
      patientId,
      applicantType,
      applicantId: command.applicantId,
      proofs: command.proofs.map((p) => ({ kind: p.kind, sha256: p.sha256 })),
      contribution: by("creation", null),
    };
    return [{ type: "CopyRequested", data }];
  }
  if (state.status === "none") throw refusal("COPY_REQUEST_NOT_FOUND");
  if (command.committer.institutionId !== state.request.institutionId) throw refusal("NOT_CUSTODIAN");
  switch (command.type) {
    case "ApproveCopy":
    case "RejectCopy": {
      if (!command.recordsStaff) throw refusal("COPY_APPROVER_NOT_RECORDS_STAFF");
      if (state.status !== "REQUESTED") throw refusal("COPY_ALREADY_DECIDED");
      if (command.type === "RejectCopy") requireId(command.reasonCode, "reasonCode");
      const data = { requestId: command.requestId, reasonCode: command.reasonCode, contribution: by("modification", null) };
      return [{ type: command.type === "ApproveCopy" ? "CopyApproved" : "CopyRejected", data }];
    }
    case "IssueCopy": {
      if (state.status !== "APPROVED") throw refusal(state.status === "REQUESTED" ? "COPY_NOT_APPROVED" : "COPY_ALREADY_DECIDED");
      const { seal } = command;
      const hashed = /^[0-9a-f]{64}$/.test(command.contentHash);
      if (!hashed || command.copyId === "" || seal.value === "" || seal.sealedHash !== command.contentHash) throw refusal("COPY_SEAL_REQUIRED");
      requireId(command.copyId, "copyId");
      const data = {
        requestId: command.requestId,
        copyId: command.copyId,
        documentIds: state.request.documentIds,
        contentHash: command.contentHash,
        seal,
        contribution: by("modification", "disclose"),
      };
      return [{ type: "CopyIssued", data }];
    }
  }
}

function evolve(state: CopyState, event: CopyEvent): CopyState {
  switch (event.type) {
    case "CopyRequested":
      return { status: "REQUESTED", request: event.data, copyId: "" };
    case "CopyApproved":
      return state.status === "none" ? state : { ...state, status: "APPROVED" };
    case "CopyRejected":
      return state.status === "none" ? state : { ...state, status: "REJECTED" };
    case "CopyIssued":
      return state.status === "none" ? state : { ...state, status: "ISSUED", copyId: event.data.copyId };
  }
}

export const copyDecider: Decider<CopyCommand, CopyEvent, CopyState> = {
  initialState: { status: "none" },
  evolve,
  decide: refusing(decide),
};
