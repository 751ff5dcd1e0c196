import { createHash } from "node:crypto";
import { canonicalJson, DomainError, type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, authorize, denialError } from "@ihp/platform";
import type { Diagnosis, FamilyContractFacts } from "../domain/consults/index.js";
import {
  contractTerms,
  type FamilyContractCommand,
  familyContractDecider,
  type FamilyContractEvent,
  type FamilyContractProposedData,
  type FamilyContractState,
  type FamilyContractTerms,
  isContractActive,
} from "../domain/contracts/familyContract.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import { derivedId, familyContractStreamId, requireConsultId, requirePartyId, requireRequestId } from "./ids.js";
import { requireClinician, requirePatient } from "./policy.js";
import type { IdentityPort } from "./ports.js";
import { recordingRefusals } from "./refusals.js";

export interface ContractView {
  readonly state: Exclude<FamilyContractState, { status: "none" }>;
  readonly active: boolean;
  readonly termsSha256: string;
}

export interface ProposeContractInput {
  readonly requestId: string;
  readonly patientId: string;
  readonly serviceContent: string;
  readonly process: string;
  readonly rightsAndDuties: string;
  readonly risks: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly coveredDiagnoses: readonly Diagnosis[];
}

export interface FamilyContracts {
  /** CON-10: what a FAMILY_DOCTOR request is judged on; null when there is no such contract. */
  facts(contractId: string, at: Date): Promise<FamilyContractFacts | null>;
  propose(caller: Caller, input: ProposeContractInput): Promise<ContractView>;
  sign(caller: Caller, input: { requestId: string; contractId: string; termsSha256: string }): Promise<ContractView>;
  get(caller: Caller, contractId: string): Promise<ContractView>;
}

function toEvent(event: StoredEvent): FamilyContractEvent {
  return { type: event.type, data: event.data } as unknown as FamilyContractEvent;
}

/** SHA-256 (hex) of the canonical terms: what the patient confirms they were shown. */
export function termsHash(terms: FamilyContractTerms): string {
  return createHash("sha256").update(canonicalJson(terms), "utf8").digest("hex");
}

export function createFamilyContracts(options: {
  store: EventStore;
  audit: AuditTrail;
  identity: IdentityPort;
  clock: () => Date;
  newEventId: () => string;
}): FamilyContracts {
  const { store, audit, identity, clock } = options;

  async function load(contractId: string): Promise<ContractView | undefined> {
    const state = fold(familyContractDecider, (await store.readStream(familyContractStreamId(contractId))).map(toEvent));
    if (state.status === "none") return undefined;
    return { state, active: isContractActive(state, clock()), termsSha256: termsHash(state.terms) };
  }

  async function run(caller: Caller, contractId: string, requestId: string, role: string, tenantId: string, command: FamilyContractCommand): Promise<ContractView> {
    await handleCommand(
      store,
      familyContractDecider,
      {
        streamId: familyContractStreamId(contractId),
        command,
        metadata: { actorId: caller.principal.subject, actorRole: role, tenantId, correlationId: caller.correlationId, causationId: requestId, ...caller.trace },
        requestId,
        now: command.at,
      },
      { newEventId: options.newEventId, toDomainEvent: toEvent },
    );
    const view = await load(contractId);
    if (view === undefined) throw refusal("FAMILY_CONTRACT_NOT_FOUND");
    return view;
  }

  return {
    async facts(contractId, at) {
      const view = await load(contractId);
      if (view === undefined) return null;
      const { terms } = view.state;
      return {
        contractId: terms.contractId,
        patientId: terms.patientId,
        institutionId: terms.institutionId,
        active: isContractActive(view.state, at),
        coveredDiagnoses: terms.coveredDiagnoses,
      };
    },

    propose(caller, input) {
      return recordingRefusals(audit, caller, "ProposeFamilyContract", undefined, async () => {
        const role = requireClinician(caller.principal);
        const requestId = requireRequestId(input.requestId);
        const patientId = requirePartyId(input.patientId);
        const contractId = derivedId("family-contract", caller.principal.subject, requestId);
        const terms: FamilyContractTerms = {
          contractId,
          institutionId: caller.principal.tenantId,
          doctorId: caller.principal.subject,
          patientId,
          serviceContent: input.serviceContent.trim(),
          process: input.process.trim(),
          rightsAndDuties: input.rightsAndDuties.trim(),
          risks: input.risks.trim(),
          validFrom: input.validFrom.trim(),
          validUntil: input.validUntil.trim(),
          coveredDiagnoses: input.coveredDiagnoses.map(({ code, name, version }) => ({ code: code.trim().toUpperCase(), name: name.trim(), version: version.trim() })),
        };
        const existing = await load(contractId);
        if (existing !== undefined) return existing;
        // Checked before signing so the doctor never signs terms the rules refuse.
        const probe = familyContractDecider.decide(
          { type: "ProposeFamilyContract", terms, doctorSignature: { signerId: "", certificateSerial: "", algorithm: "", value: "", signedAt: "", documentHash: "" }, at: clock() },
          familyContractDecider.initialState,
        );
        if (probe instanceof DomainError) throw probe;
        const proposed = probe[0]?.data as FamilyContractProposedData;
        const normalised = contractTerms(proposed);
        const { signature: doctorSignature } = await identity.sign(caller, {
          requestId,
          documentType: "FAMILY_DOCTOR_CONTRACT",
          documentId: contractId,
          canonicalDocument: canonicalJson(normalised),
          boundTo: { kind: "PATIENT", id: patientId },
        });
        return run(caller, contractId, requestId, role, normalised.institutionId, { type: "ProposeFamilyContract", terms: normalised, doctorSignature, at: clock() });
      });
    },

    sign(caller, input) {
      return recordingRefusals(audit, caller, "SignFamilyContract", undefined, async () => {
        const role = requirePatient(caller.principal);
        const requestId = requireRequestId(input.requestId);
        const contractId = requireConsultId(input.contractId);
        const view = await load(contractId);
        if (view === undefined) throw refusal("FAMILY_CONTRACT_NOT_FOUND");
        return run(caller, contractId, requestId, role, view.state.terms.institutionId, {
          type: "SignFamilyContract",
          contractId,
          signedBy: caller.principal.subject,
          termsSha256: input.termsSha256,
          storedTermsSha256: view.termsSha256,
          at: clock(),
        });
      });
    },

    get(caller, rawId) {
      return recordingRefusals(audit, caller, "GetFamilyContract", undefined, async () => {
        // Roles that never read a contract are refused before anything is read: not even its existence is theirs.
        const decision = authorize(caller.principal, { roles: ["patient", "physician"] });
        if (!decision.allowed) throw denialError(decision);
        const contractId = requireConsultId(rawId);
        const view = await load(contractId);
        if (view === undefined) throw refusal("FAMILY_CONTRACT_NOT_FOUND");
        const { subject, tenantId, roles } = caller.principal;
        const { terms } = view.state;
        // The contract's parties, and physicians of its institution (who may receive the patient's family-doctor
        // consults). Not administrators nor service credentials: the terms carry the patient's covered diagnoses.
        const allowed =
          (roles.includes("patient") && subject === terms.patientId) ||
          (roles.includes("physician") && (subject === terms.doctorId || tenantId === terms.institutionId));
        if (!allowed) throw refusal("NOT_CONSULT_PARTICIPANT");
        return view;
      });
    },
  };
}
