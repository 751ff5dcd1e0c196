import type {
  Consult,
  ConsultMessage,
  ConsultSummary,
  Diagnosis,
  FamilyContract,
  GetConsentTextResponse,
  JoinVideoResponse,
  ProposeFamilyContractRequest,
  RequestConsultRequest,
  SendMessageRequest,
} from "@ihp/contracts/consult";
import { enumName } from "@ihp/contracts";
import type { Signature } from "@ihp/contracts/identity";

// The consult proto carries its enums as strings; the GraphQL enums list the values this gateway knows, and an
// unknown one reads as null (those fields are nullable for that).
const CONSULT_TYPES = ["FOLLOW_UP", "FAMILY_DOCTOR", "INVITED_CONSULTATION"] as const;
const STATUSES = ["WAITING", "ACCEPTED", "IN_PROGRESS", "COMPLETED", "CANCELLED", "EXPIRED", "REFUSED", "TERMINATED_REFERRED"] as const;
const ELIGIBILITIES = ["NOT_REQUIRED", "PENDING", "ELIGIBLE", "INELIGIBLE"] as const;
const FLAGS = ["CONFIRMED", "NEW_DIAGNOSIS"] as const;
const MESSAGE_KINDS = ["TEXT", "IMAGE"] as const;
const SENDER_ROLES = ["PATIENT", "GUARDIAN", "PHYSICIAN"] as const;
const CONTRACT_STATUSES = ["PROPOSED", "SIGNED"] as const;

export type ConsultTypeName = (typeof CONSULT_TYPES)[number];
export type ConsultStatusName = (typeof STATUSES)[number];
export type MessageKindName = (typeof MESSAGE_KINDS)[number];

function known<T extends string>(values: readonly T[], value: string): T | null {
  return (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** The proto's "not set" is the empty string; GraphQL says null. */
const orNull = (value: string): string | null => (value === "" ? null : value);

export interface DiagnosisView {
  readonly code: string;
  readonly name: string;
  readonly version: string;
}

/** GraphQL type Consult. */
export interface ConsultView {
  readonly id: string;
  readonly institutionId: string;
  readonly consultType: ConsultTypeName | null;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly guardianId: string | null;
  readonly status: ConsultStatusName | null;
  readonly physicianId: string | null;
  readonly requestedAt: string;
  readonly acceptBy: string;
  readonly priorRecordId: string | null;
  readonly confirmedDiagnoses: readonly DiagnosisView[];
  readonly eligibility: (typeof ELIGIBILITIES)[number] | null;
  readonly consentVersion: string | null;
  readonly terminationReason: string | null;
  readonly diagnoses: readonly (DiagnosisView & { readonly flag: (typeof FLAGS)[number] | null })[];
  readonly summaryHash: string | null;
  readonly revision: string;
}

export interface ConsultSummaryView {
  readonly id: string;
  readonly institutionId: string;
  readonly consultType: ConsultTypeName | null;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly physicianId: string | null;
  readonly status: ConsultStatusName | null;
  readonly requestedAt: string;
  readonly acceptBy: string;
  readonly updatedAt: string;
}

export interface SignatureView {
  readonly signerId: string;
  readonly certificateSerial: string;
  readonly algorithm: string | null;
  readonly value: string;
  readonly signedAt: string;
  readonly documentHash: string;
}

export interface MessageView {
  readonly id: string;
  readonly consultId: string;
  readonly senderId: string;
  readonly senderRole: (typeof SENDER_ROLES)[number] | null;
  readonly kind: MessageKindName | null;
  readonly text: string | null;
  readonly mediaUri: string | null;
  readonly mediaSha256: string | null;
  readonly sentAt: string;
}

export interface FamilyContractView {
  readonly id: string;
  readonly institutionId: string;
  readonly doctorId: string;
  readonly patientId: string;
  readonly serviceContent: string;
  readonly process: string;
  readonly rightsAndDuties: string;
  readonly risks: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly coveredDiagnoses: readonly DiagnosisView[];
  readonly status: (typeof CONTRACT_STATUSES)[number] | null;
  readonly active: boolean;
  readonly termsSha256: string;
}

const diagnosisView = ({ code, name, version }: Diagnosis): DiagnosisView => ({ code, name, version });

export function consultView(consult: Consult): ConsultView {
  return {
    id: consult.consultId,
    institutionId: consult.institutionId,
    consultType: known(CONSULT_TYPES, consult.consultType),
    departmentCode: consult.departmentCode,
    patientId: consult.patientId,
    guardianId: orNull(consult.guardianId),
    status: known(STATUSES, consult.status),
    physicianId: orNull(consult.physicianId),
    requestedAt: consult.requestedAt,
    acceptBy: consult.acceptBy,
    priorRecordId: orNull(consult.priorRecordId),
    confirmedDiagnoses: consult.confirmedDiagnoses.map(diagnosisView),
    eligibility: known(ELIGIBILITIES, consult.eligibility),
    consentVersion: orNull(consult.consentVersion),
    terminationReason: orNull(consult.terminationReason),
    diagnoses: consult.diagnoses.flatMap(({ diagnosis, flag }) =>
      diagnosis === undefined ? [] : [{ ...diagnosisView(diagnosis), flag: known(FLAGS, flag) }],
    ),
    summaryHash: orNull(consult.summaryHash),
    revision: consult.revision.toString(),
  };
}

export function consultSummaryView(summary: ConsultSummary): ConsultSummaryView {
  return {
    id: summary.consultId,
    institutionId: summary.institutionId,
    consultType: known(CONSULT_TYPES, summary.consultType),
    departmentCode: summary.departmentCode,
    patientId: summary.patientId,
    physicianId: orNull(summary.physicianId),
    status: known(STATUSES, summary.status),
    requestedAt: summary.requestedAt,
    acceptBy: summary.acceptBy,
    updatedAt: summary.updatedAt,
  };
}

export function signatureView(signature: Signature | undefined): SignatureView | null {
  if (signature === undefined) return null;
  return {
    signerId: signature.signerId,
    certificateSerial: signature.certificateSerial,
    algorithm: enumName("SIGNATURE_ALGORITHM_", signature.algorithm),
    value: signature.value.toString("base64"),
    signedAt: signature.signedAt,
    documentHash: signature.documentHash.toString("hex"),
  };
}

export function messageView(message: ConsultMessage): MessageView {
  return {
    id: message.messageId,
    consultId: message.consultId,
    senderId: message.senderId,
    senderRole: known(SENDER_ROLES, message.senderRole),
    kind: known(MESSAGE_KINDS, message.kind),
    text: orNull(message.text),
    mediaUri: orNull(message.mediaUri),
    mediaSha256: orNull(message.mediaSha256),
    sentAt: message.sentAt,
  };
}

export function familyContractView(contract: FamilyContract): FamilyContractView {
  return {
    id: contract.contractId,
    institutionId: contract.institutionId,
    doctorId: contract.doctorId,
    patientId: contract.patientId,
    serviceContent: contract.serviceContent,
    process: contract.process,
    rightsAndDuties: contract.rightsAndDuties,
    risks: contract.risks,
    validFrom: contract.validFrom,
    validUntil: contract.validUntil,
    coveredDiagnoses: contract.coveredDiagnoses.map(diagnosisView),
    status: known(CONTRACT_STATUSES, contract.status),
    active: contract.active,
    termsSha256: contract.termsSha256,
  };
}

export const consentTextView = ({ version, text, sha256 }: GetConsentTextResponse) => ({ version, text, sha256 });

export const videoSessionView = ({ roomId, token, expiresAt }: JoinVideoResponse) => ({ roomId, token, expiresAt });

// Inputs. GraphQL has already checked shapes and enums; every rule is the service's to judge, so nothing is
// refused here and absent optional values travel as the proto's empty values.

export interface DiagnosisInput {
  readonly code: string;
  readonly name: string;
  readonly version: string;
}

const diagnoses = (list: readonly DiagnosisInput[] | null | undefined): Diagnosis[] =>
  (list ?? []).map(({ code, name, version }) => ({ code, name, version }));

export interface RequestConsultInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly consultType: ConsultTypeName;
  readonly departmentCode: string;
  readonly patientId?: string | null;
  readonly priorRecord?: {
    readonly documentId?: string | null;
    readonly hisLinkId?: string | null;
    readonly recordType: string;
    readonly recordDate: string;
    readonly issuingInstitution: string;
    readonly diagnoses: readonly DiagnosisInput[];
  } | null;
  readonly invitation?: {
    readonly invitingPhysicianId: string;
    readonly offlineEncounterId: string;
    readonly diagnoses?: readonly DiagnosisInput[] | null;
  } | null;
  readonly familyContractId?: string | null;
  readonly triageFlags?: readonly string[] | null;
}

/** `requester` is the caller's subject: the patient when no patientId is given. */
export function requestConsultRequest(input: RequestConsultInput, requester: string): RequestConsultRequest {
  const { priorRecord, invitation } = input;
  return {
    requestId: input.requestId,
    institutionId: input.institutionId,
    consultType: input.consultType,
    departmentCode: input.departmentCode,
    patientId: input.patientId ?? requester,
    priorRecord:
      priorRecord == null
        ? undefined
        : {
            documentId: priorRecord.documentId ?? "",
            hisLinkId: priorRecord.hisLinkId ?? "",
            recordType: priorRecord.recordType,
            recordDate: priorRecord.recordDate,
            issuingInstitution: priorRecord.issuingInstitution,
            diagnoses: diagnoses(priorRecord.diagnoses),
          },
    invitation:
      invitation == null
        ? undefined
        : {
            invitingPhysicianId: invitation.invitingPhysicianId,
            offlineEncounterId: invitation.offlineEncounterId,
            diagnoses: diagnoses(invitation.diagnoses),
          },
    familyContractId: input.familyContractId ?? "",
    triageFlags: [...(input.triageFlags ?? [])],
  };
}

export interface ConsultActionInput {
  readonly requestId: string;
  readonly consultId: string;
}

export interface GiveConsentInput extends ConsultActionInput {
  readonly consentVersion: string;
  readonly consentSha256: string;
}

export interface DecideEligibilityInput extends ConsultActionInput {
  readonly eligible: boolean;
  readonly verifiedDiagnoses?: readonly DiagnosisInput[] | null;
}

export function decideEligibilityRequest(input: DecideEligibilityInput) {
  return { requestId: input.requestId, consultId: input.consultId, eligible: input.eligible, verifiedDiagnoses: diagnoses(input.verifiedDiagnoses) };
}

export interface SendMessageInput extends ConsultActionInput {
  readonly kind: MessageKindName;
  readonly text?: string | null;
  readonly mediaUri?: string | null;
  readonly mediaSha256?: string | null;
}

export function sendMessageRequest(input: SendMessageInput): SendMessageRequest {
  return {
    requestId: input.requestId,
    consultId: input.consultId,
    kind: input.kind,
    text: input.text ?? "",
    mediaUri: input.mediaUri ?? "",
    mediaSha256: input.mediaSha256 ?? "",
  };
}

export interface CompleteConsultInput extends ConsultActionInput {
  readonly summary: string;
  readonly diagnoses: readonly DiagnosisInput[];
}

export function completeConsultRequest(input: CompleteConsultInput) {
  return { requestId: input.requestId, consultId: input.consultId, summary: input.summary, diagnoses: diagnoses(input.diagnoses) };
}

export interface TerminateConsultInput extends ConsultActionInput {
  readonly reasonCode: string;
}

export interface ProposeFamilyContractInput {
  readonly requestId: string;
  readonly patientId: string;
  readonly serviceContent: string;
  readonly process: string;
  readonly rightsAndDuties: string;
  readonly risks: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly coveredDiagnoses?: readonly DiagnosisInput[] | null;
}

export function proposeFamilyContractRequest(input: ProposeFamilyContractInput): ProposeFamilyContractRequest {
  return { ...input, coveredDiagnoses: diagnoses(input.coveredDiagnoses) };
}

export interface SignFamilyContractInput {
  readonly requestId: string;
  readonly contractId: string;
  readonly termsSha256: string;
}
