import { enumName } from "@ihp/contracts";
import { type Signature, signatureAlgorithmToJSON } from "@ihp/contracts/identity";
import type {
  DispensePrescriptionRequest,
  GetReviewCoverageResponse,
  OrderLine,
  Prescription,
  RecordPaymentRequest,
  StreamReviewQueueResponse,
} from "@ihp/contracts/pharmacy";
import type * as Gql from "../../gen/graphql.js";
import { GatewayError } from "../../errors/gatewayError.js";
import { absentAsNull, nullAsAbsent } from "../../grpc/optionals.js";

/** Lines, diagnosis codes, ids and times read as the contract has them; enums by name, absent fields as null. */
export function prescriptionView(prescription: Prescription): Gql.PharmacyPrescription {
  const { status, findings, delivery, revision, pharmacistSignature, ...fields } = prescription;
  return {
    ...absentAsNull(fields),
    // The prescription's line type; what only the prescription's own view has is null here.
    lines: fields.lines.map((line) => ({ ...absentAsNull(line), lineId: null, proposedByKind: null, confirmedBy: null })),
    status: enumName("REVIEW_STATUS_", status),
    findings: findings.map((finding) => ({ ...finding, severity: enumName("FINDING_SEVERITY_", finding.severity) })),
    pharmacistSignature: pharmacistSignature === undefined ? null : signatureView(pharmacistSignature),
    delivery: delivery === undefined ? null : { ...delivery, status: enumName("DELIVERY_STATUS_", delivery.status) },
    revision: revision.toString(),
  };
}

function signatureView(signature: Signature): Gql.PharmacistSignature {
  const algorithm = signatureAlgorithmToJSON(signature.algorithm).replace(/^SIGNATURE_ALGORITHM_/, "");
  return { ...signature, algorithm, documentHash: signature.documentHash.toString("hex") };
}

export function coverageView(coverage: GetReviewCoverageResponse): Gql.ReviewCoverage {
  const { expectedReviewAt, expectedDelayMinutes, ...fields } = coverage;
  // Minutes until a shift fit an Int by far.
  const delay = expectedDelayMinutes === undefined ? null : Number(expectedDelayMinutes);
  return { ...fields, expectedReviewAt: expectedReviewAt ?? null, expectedDelayMinutes: delay };
}

/** Null for a change the gateway cannot show (a kind it does not know, or no item): the subscriber skips it. */
export function queueChangeView(change: StreamReviewQueueResponse): Gql.ReviewQueueChange | null {
  const kind = enumName("REVIEW_QUEUE_CHANGE_KIND_", change.kind);
  return kind === null || change.item === undefined ? null : { kind, item: prescriptionView(change.item) };
}

// Inputs, as graphql-js hands them over after coercing them against the schema; the others are their requests as they are.

export function paymentRequest(input: Gql.RecordPrescriptionPaymentInput): RecordPaymentRequest {
  // The contract's amount is unsigned: a negative Int cannot even be encoded, so it is the caller's input at fault.
  if (input.amountFen < 0) throw new GatewayError("BAD_USER_INPUT");
  return { ...input, amountFen: BigInt(input.amountFen) };
}

export function dispenseRequest(input: Gql.DispensePrescriptionInput): DispensePrescriptionRequest {
  return nullAsAbsent(input);
}

export function orderLines(lines: readonly Gql.PharmacyOrderLineInput[]): OrderLine[] {
  return lines.map(nullAsAbsent);
}

/** "" (an over-the-counter line) is null in the schema. */
export function orderSerials(serialNumbers: readonly string[]): (string | null)[] {
  return serialNumbers.map((serial) => (serial === "" ? null : serial));
}
