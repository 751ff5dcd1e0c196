import { ConsultType, PriorRecordType, type RequestConsultRequest } from "@ihp/contracts/consult";
import { DIABETES, GUANGXI, PATIENT, requestId } from "./consultHarness.js";
import { followUpInput } from "./consultOperations.js";

// Shared by the consult gateway tests (consult.int.test.ts, consult.requests.int.test.ts).

export const UNKNOWN_ID = "0195b000-0000-7000-8000-00000000ffff";

export interface Edge {
  readonly node: { readonly id: string; readonly status: string };
}
export const ids = (connection: unknown): string[] => (connection as { edges: Edge[] }).edges.map((edge) => edge.node.id);

export function priorRecord(): Record<string, unknown> {
  return followUpInput()["priorRecord"] as Record<string, unknown>;
}

/** The same follow-up as the service's own request message (for the check below the gateway). */
export function serviceFollowUp(): RequestConsultRequest {
  return {
    requestId: requestId(),
    institutionId: GUANGXI,
    consultType: ConsultType.CONSULT_TYPE_FOLLOW_UP,
    departmentCode: "03.07",
    patientId: PATIENT,
    priorRecord: {
      documentId: "doc-0001",
      hisLinkId: "",
      recordType: PriorRecordType.PRIOR_RECORD_TYPE_OUTPATIENT_RECORD,
      recordDate: "2026-03-01",
      issuingInstitution: "示范市第一人民医院",
      diagnoses: [DIABETES],
    },
    invitation: undefined,
    familyContractId: "",
    triageFlags: [],
  };
}
