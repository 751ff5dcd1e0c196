import { type Decider, type DomainEvent, refusing } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import { beijingDay, requireDiagnoses } from "../consults/rules.js";
import type { Diagnosis, StoredSignature } from "../consults/types.js";

/**
 * CON-10: the family-doctor contract (家庭医生签约服务协议), stream consult-family-contract-<id>. The doctor proposes
 * and signs it with their e-signature; the patient (or a child's guardian) countersigns by confirming the hash of
 * exactly the text they were shown. Active = signed by both sides and within its validity.
 */
export type FamilyContractTerms = {
  readonly contractId: string;
  readonly institutionId: string;
  readonly doctorId: string;
  readonly patientId: string;
  readonly serviceContent: string;
  readonly process: string;
  readonly rightsAndDuties: string;
  readonly risks: string;
  readonly validFrom: string;
  readonly validUntil: string;
  /** The chronic conditions managed under the contract: the confirmed diagnoses of its consults (CON-05). */
  readonly coveredDiagnoses: Diagnosis[];
};

export interface ProposeFamilyContract {
  readonly type: "ProposeFamilyContract";
  readonly terms: FamilyContractTerms;
  /** The doctor's signature over the canonical terms. */
  readonly doctorSignature: StoredSignature;
  readonly at: Date;
}

export interface SignFamilyContract {
  readonly type: "SignFamilyContract";
  readonly contractId: string;
  readonly signedBy: string;
  /** SHA-256 (hex) of the canonical terms the signer was shown. */
  readonly termsSha256: string;
  /** SHA-256 (hex) of the canonical terms as stored, computed by the application. */
  readonly storedTermsSha256: string;
  readonly at: Date;
}

export type FamilyContractCommand = ProposeFamilyContract | SignFamilyContract;

export type FamilyContractProposedData = FamilyContractTerms & {
  readonly doctorSignature: StoredSignature;
  readonly proposedAt: string;
};
export type FamilyContractSignedData = {
  readonly contractId: string;
  readonly signedBy: string;
  readonly termsSha256: string;
  readonly signedAt: string;
};

export type FamilyContractEvent =
  | DomainEvent<"FamilyContractProposed", FamilyContractProposedData>
  | DomainEvent<"FamilyContractSigned", FamilyContractSignedData>;

export const FAMILY_CONTRACT_EVENT_TYPES: ReadonlySet<string> = new Set(["FamilyContractProposed", "FamilyContractSigned"]);

export type FamilyContractState =
  | { readonly status: "none" }
  | { readonly status: "proposed" | "signed"; readonly terms: FamilyContractTerms; readonly signedBy: string };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function propose(command: ProposeFamilyContract, state: FamilyContractState): FamilyContractEvent[] {
  if (state.status !== "none") throw refusal("FAMILY_CONTRACT_ALREADY_SIGNED");
  const { terms } = command;
  const texts = [terms.serviceContent, terms.process, terms.rightsAndDuties, terms.risks].map((text) => text.trim());
  const complete = texts.every((text) => text.length >= 2 && text.length <= 5000);
  const datesValid =
    ISO_DATE.test(terms.validFrom) &&
    ISO_DATE.test(terms.validUntil) &&
    terms.validFrom < terms.validUntil &&
    terms.validUntil >= beijingDay(command.at);
  if (!complete || !datesValid || terms.patientId === "" || terms.doctorId === "") throw refusal("INVALID_FAMILY_CONTRACT");
  const [serviceContent = "", process = "", rightsAndDuties = "", risks = ""] = texts;
  return [
    {
      type: "FamilyContractProposed",
      data: {
        ...terms,
        serviceContent,
        process,
        rightsAndDuties,
        risks,
        coveredDiagnoses: requireDiagnoses(terms.coveredDiagnoses),
        doctorSignature: command.doctorSignature,
        proposedAt: command.at.toISOString(),
      },
    },
  ];
}

function sign(command: SignFamilyContract, state: FamilyContractState): FamilyContractEvent[] {
  if (state.status === "none") throw refusal("FAMILY_CONTRACT_NOT_FOUND");
  if (state.status === "signed") throw refusal("FAMILY_CONTRACT_ALREADY_SIGNED");
  if (command.signedBy !== state.terms.patientId) throw refusal("NOT_CONSULT_PARTICIPANT");
  if (command.termsSha256.toLowerCase() !== command.storedTermsSha256) throw refusal("INVALID_FAMILY_CONTRACT");
  return [
    {
      type: "FamilyContractSigned",
      data: {
        contractId: state.terms.contractId,
        signedBy: command.signedBy,
        termsSha256: command.storedTermsSha256,
        signedAt: command.at.toISOString(),
      },
    },
  ];
}

/** CON-10: signed by both sides and within validity on `at` (Beijing day; both ends count). */
export function isContractActive(state: FamilyContractState, at: Date): boolean {
  if (state.status !== "signed") return false;
  const day = beijingDay(at);
  return state.terms.validFrom <= day && day <= state.terms.validUntil;
}

/** What both sides sign: the terms without signatures or times. */
export function contractTerms(data: FamilyContractProposedData): FamilyContractTerms {
  const { doctorSignature: _signature, proposedAt: _at, ...terms } = data;
  return terms;
}

export const familyContractDecider: Decider<FamilyContractCommand, FamilyContractEvent, FamilyContractState> = {
  initialState: { status: "none" },
  evolve(state, event) {
    switch (event.type) {
      case "FamilyContractProposed":
        return { status: "proposed", terms: contractTerms(event.data), signedBy: "" };
      case "FamilyContractSigned":
        return state.status === "none" ? state : { ...state, status: "signed", signedBy: event.data.signedBy };
    }
  },
  decide: refusing((command, state) => (command.type === "ProposeFamilyContract" ? propose(command, state) : sign(command, state))),
};
