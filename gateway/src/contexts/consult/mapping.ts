import {
  type Consult,
  type ConsultMessage,
  ConsultStatus,
  type ConsultSummary,
  ConsultType,
  type DecideEligibilityRequest,
  type Diagnosis,
  type FamilyContract,
  MessageKind,
  PriorRecordType,
  type ProposeFamilyContractRequest,
  type RequestConsultRequest,
  type SendMessageRequest,
  type CompleteConsultRequest,
} from "@ihp/contracts/consult";
import { enumName, enumValue } from "@ihp/contracts";
import type { Signature } from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { absentAsNull, nullAsAbsent } from "../../grpc/optionals.js";

// Views: the consult proto's enums by their GraphQL names (a value this gateway does not know reads as null, those
// fields are nullable for that) and its absent optional fields as null.

export function consultView(consult: Consult): Gql.Consult {
  return {
    ...absentAsNull(consult),
    id: consult.consultId,
    consultType: enumName("CONSULT_TYPE_", consult.consultType),
    status: enumName("CONSULT_STATUS_", consult.status),
    eligibility: enumName("CONSULT_ELIGIBILITY_", consult.eligibility),
    diagnoses: consult.diagnoses.flatMap(({ diagnosis, flag }) =>
      diagnosis === undefined ? [] : [{ ...diagnosis, flag: enumName("CONSULT_DIAGNOSIS_FLAG_", flag) }],
    ),
    revision: consult.revision.toString(),
  };
}

export const consultSummaryView = (summary: ConsultSummary): Gql.ConsultSummary => ({
  ...absentAsNull(summary),
  id: summary.consultId,
  consultType: enumName("CONSULT_TYPE_", summary.consultType),
  status: enumName("CONSULT_STATUS_", summary.status),
});

export function signatureView(signature: Signature | undefined): Gql.ConsultSignature | null {
  if (signature === undefined) return null;
  return {
    ...signature,
    algorithm: enumName("SIGNATURE_ALGORITHM_", signature.algorithm),
    value: signature.value.toString("base64"),
    documentHash: signature.documentHash.toString("hex"),
  };
}

export const messageView = (message: ConsultMessage): Gql.ConsultMessage => ({
  ...absentAsNull(message),
  id: message.messageId,
  senderRole: enumName("SENDER_ROLE_", message.senderRole),
  kind: enumName("MESSAGE_KIND_", message.kind),
});

export const familyContractView = (contract: FamilyContract): Gql.FamilyContract => ({
  ...contract,
  id: contract.contractId,
  status: enumName("FAMILY_CONTRACT_STATUS_", contract.status),
});

// Requests. GraphQL has already checked shapes and enums; every rule is the service's to judge, so nothing is
// refused here and absent optional values travel as absent fields.

const diagnoses = (list: readonly Diagnosis[] | null | undefined): Diagnosis[] => [...(list ?? [])];

/** `requester` is the caller's subject: the patient when no patientId is given. */
export function requestConsultRequest(input: Gql.RequestConsultInput, requester: string): RequestConsultRequest {
  const { priorRecord, invitation } = input;
  return {
    ...nullAsAbsent(input),
    consultType: enumValue(ConsultType, "CONSULT_TYPE_", input.consultType),
    patientId: input.patientId ?? requester,
    priorRecord:
      priorRecord == null
        ? undefined
        : {
            ...nullAsAbsent(priorRecord),
            recordType: enumValue(PriorRecordType, "PRIOR_RECORD_TYPE_", priorRecord.recordType),
            diagnoses: diagnoses(priorRecord.diagnoses),
          },
    invitation: invitation == null ? undefined : { ...invitation, diagnoses: diagnoses(invitation.diagnoses) },
    triageFlags: [...(input.triageFlags ?? [])],
  };
}

export const statusValues = (names: readonly Gql.ConsultStatus[] | null | undefined): ConsultStatus[] =>
  (names ?? []).map((name) => enumValue(ConsultStatus, "CONSULT_STATUS_", name));

export const decideEligibilityRequest = (input: Gql.DecideConsultEligibilityInput): DecideEligibilityRequest => ({
  ...input,
  verifiedDiagnoses: diagnoses(input.verifiedDiagnoses),
});

export const sendMessageRequest = (input: Gql.SendConsultMessageInput): SendMessageRequest => ({
  ...nullAsAbsent(input),
  kind: enumValue(MessageKind, "MESSAGE_KIND_", input.kind),
});

export const completeConsultRequest = (input: Gql.CompleteConsultInput): CompleteConsultRequest => ({ ...input, diagnoses: diagnoses(input.diagnoses) });

export const proposeFamilyContractRequest = (input: Gql.ProposeFamilyContractInput): ProposeFamilyContractRequest => ({
  ...input,
  coveredDiagnoses: diagnoses(input.coveredDiagnoses),
});
