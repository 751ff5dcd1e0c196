// GraphQL documents and inputs of the prescription module tests.

const PRESCRIPTION_FIELDS = /* GraphQL */ `
  id consultId institutionId patientId physicianId version status reviewStatus reviewReasonCode
  serialNumber predecessorSerialNumber issuedOn validUntil
  lines { lineId drugCode approvedName form strength dose doseUnit route frequency daysSupply quantity quantityUnit
    instructions proposedByKind confirmedBy }
  diagnosisCodes emergency extensionReason longTerm longTermConfirmed longTermConfirmationNeeded missingAttestations revision
`;

export const DRAFT = /* GraphQL */ `
  mutation Draft($input: DraftPrescriptionInput!) { draftPrescription(input: $input) { ${PRESCRIPTION_FIELDS} } }
`;
export const REVISE = /* GraphQL */ `
  mutation Revise($input: RevisePrescriptionInput!) { revisePrescription(input: $input) { ${PRESCRIPTION_FIELDS} } }
`;
export const CONFIRM_LINES = /* GraphQL */ `
  mutation ConfirmLines($input: ConfirmPrescriptionLinesInput!) { confirmPrescriptionLines(input: $input) { ${PRESCRIPTION_FIELDS} } }
`;
export const CONFIRM_LONG_TERM = /* GraphQL */ `
  mutation ConfirmLongTerm($input: ConfirmLongTermPlanInput!) { confirmLongTermPlan(input: $input) { ${PRESCRIPTION_FIELDS} } }
`;
export const SIGN = /* GraphQL */ `
  mutation Sign($input: SignPrescriptionInput!) { signPrescription(input: $input) { ${PRESCRIPTION_FIELDS} } }
`;
export const GET = /* GraphQL */ `
  query Get($id: ID!) { prescription(id: $id) { ${PRESCRIPTION_FIELDS} } }
`;
export const MINE = /* GraphQL */ `
  query Mine($first: Int, $after: String) {
    myPrescriptions(first: $first, after: $after) {
      edges { cursor node { id consultId patientId physicianId version status reviewStatus serialNumber issuedOn validUntil drugNames updatedAt } }
      pageInfo { endCursor hasNextPage startCursor hasPreviousPage }
    }
  }
`;
export const STATISTICS = /* GraphQL */ `
  query Statistics($input: PrescribingStatisticsInput!) {
    prescribingStatistics(input: $input) { queryId totals { physicianId drugCode approvedName prescriptions } }
  }
`;

/** A GraphQL PrescriptionLineInput: metformin 500 mg twice a day for 7 days unless overridden. */
export function lineInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    drugCode: "metformin-hcl-tab-0.5g",
    dose: 500,
    doseUnit: "mg",
    route: "PO",
    frequency: "BID",
    daysSupply: 7,
    quantity: 14,
    quantityUnit: "片",
    instructions: "餐中服用",
    ...overrides,
  };
}

/** A GraphQL PrescriptionContentInput for type 2 diabetes (E11.9, confirmed offline in every test consult). */
export function contentInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { lines: [lineInput()], diagnosisCodes: ["E11.9"], ...overrides };
}

/** Salbutamol inhaler for asthma (J45.9), as prescribed to the children's consults. */
export function asthmaContent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    lines: [lineInput({ drugCode: "salbutamol-sulfate-aerosol-100ug", dose: 100, doseUnit: "μg", route: "INH", frequency: "QID", quantity: 1, quantityUnit: "瓶", instructions: "喘息时吸入" })],
    diagnosisCodes: ["J45.9"],
    ...overrides,
  };
}
