import { ConsultType, PriorRecordType, type RequestConsultRequest } from "@ihp/contracts/consult";
import { afterAll, beforeAll } from "vitest";
import { type ConsultHarness, DIABETES, GUANGXI, PATIENT, requestId, startConsultHarness } from "./consultHarness.js";
import { ConsultDriver, followUpInput } from "./consultOperations.js";

// Shared by the consult gateway tests (consult.int.test.ts, consult.requests.int.test.ts): the harness and its driver,
// and the fixtures below.

export let h: ConsultHarness;
export let driver: ConsultDriver;

/**
 * One consult harness for the calling suite, and a driver as its patient and physician: started before its tests,
 * closed after them. Tests read both through these module bindings.
 */
export function useConsultHarness(): void {
  beforeAll(async () => {
    h = await startConsultHarness();
    driver = await ConsultDriver.create(h);
  });
  afterAll(() => h?.close());
}

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
