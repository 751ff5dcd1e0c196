import {
  type AdverseEventEntry,
  type ComplaintEntry,
  type ConsultCompletedEntry,
  type ConsultRefusedEntry,
  type ConsultStartedEntry,
  type ConsultTerminatedEntry,
  type DeliveryDispatchedEntry,
  type DeliveryStatusEntry,
  type DispensingEntry,
  type EmrEntry,
  FeedCategory,
  type FeedEntry,
  type PrescriptionReviewEntry,
  type PrescriptionSignedEntry,
  type PrescriptionVoidedEntry,
  type SatisfactionEntry,
  type StaffRecordEntry,
} from "@ihp/contracts/reporting";

export type FeedCategoryName =
  | "INSTITUTION_LICENCE"
  | "REGULATOR_CONNECTION"
  | "STAFF_RECORD"
  | "CONSULT"
  | "PRESCRIPTION"
  | "PRESCRIPTION_REVIEW"
  | "DISPENSING"
  | "DELIVERY"
  | "ADVERSE_EVENT"
  | "SATISFACTION"
  | "COMPLAINT"
  | "EMR";

export interface InstitutionLicenceEntryView {
  readonly __typename: "InstitutionLicenceEntry";
  readonly name: string;
  readonly grade: string;
  readonly licenceNumber: string;
  readonly licenceValidFrom: string;
  readonly licenceValidUntil: string;
  readonly subjectCodes: readonly string[];
  readonly hostLicenceNumber: string;
}

export interface RegulatorConnectionEntryView {
  readonly __typename: "RegulatorConnectionEntry";
  readonly connected: boolean;
  readonly platformReference: string;
}

/** A payload of the activity categories: the contract's message, named for graphql-js's default resolveType. */
type Named<TypeName extends string, Message> = Readonly<Message> & { readonly __typename: TypeName };

export type ActivityEntryView =
  | Named<"StaffRecordEntry", StaffRecordEntry>
  | Named<"ConsultStartedEntry", ConsultStartedEntry>
  | Named<"ConsultCompletedEntry", ConsultCompletedEntry>
  | Named<"ConsultTerminatedEntry", ConsultTerminatedEntry>
  | Named<"ConsultRefusedEntry", ConsultRefusedEntry>
  | Named<"PrescriptionSignedEntry", PrescriptionSignedEntry>
  | Named<"PrescriptionVoidedEntry", PrescriptionVoidedEntry>
  | Named<"PrescriptionReviewEntry", PrescriptionReviewEntry>
  | Named<"DispensingEntry", DispensingEntry>
  | Named<"DeliveryDispatchedEntry", DeliveryDispatchedEntry>
  | Named<"DeliveryStatusEntry", DeliveryStatusEntry>
  | Named<"AdverseEventEntry", AdverseEventEntry>
  | Named<"SatisfactionEntry", SatisfactionEntry>
  | Named<"ComplaintEntry", ComplaintEntry>
  | Named<"EmrEntry", EmrEntry>;

/** GraphQL type FeedEntry; the payload names its GraphQL type, which graphql-js's default resolveType reads. */
export interface FeedEntryView {
  readonly position: string;
  readonly sourceEventId: string;
  readonly category: FeedCategoryName | null;
  readonly institutionId: string;
  readonly jurisdiction: string;
  readonly occurredAt: string;
  readonly payload: InstitutionLicenceEntryView | RegulatorConnectionEntryView | ActivityEntryView | null;
}

const CATEGORIES = new Map<FeedCategory, FeedCategoryName>([
  [FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE, "INSTITUTION_LICENCE"],
  [FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION, "REGULATOR_CONNECTION"],
  [FeedCategory.FEED_CATEGORY_STAFF_RECORD, "STAFF_RECORD"],
  [FeedCategory.FEED_CATEGORY_CONSULT, "CONSULT"],
  [FeedCategory.FEED_CATEGORY_PRESCRIPTION, "PRESCRIPTION"],
  [FeedCategory.FEED_CATEGORY_PRESCRIPTION_REVIEW, "PRESCRIPTION_REVIEW"],
  [FeedCategory.FEED_CATEGORY_DISPENSING, "DISPENSING"],
  [FeedCategory.FEED_CATEGORY_DELIVERY, "DELIVERY"],
  [FeedCategory.FEED_CATEGORY_ADVERSE_EVENT, "ADVERSE_EVENT"],
  [FeedCategory.FEED_CATEGORY_SATISFACTION, "SATISFACTION"],
  [FeedCategory.FEED_CATEGORY_COMPLAINT, "COMPLAINT"],
  [FeedCategory.FEED_CATEGORY_EMR, "EMR"],
]);

export function feedEntryView(entry: FeedEntry): FeedEntryView {
  return {
    position: entry.position,
    sourceEventId: entry.sourceEventId,
    category: CATEGORIES.get(entry.category) ?? null,
    institutionId: entry.institutionId,
    jurisdiction: entry.jurisdiction,
    occurredAt: entry.occurredAt,
    payload: payloadView(entry.payload),
  };
}

// The payloads are decoded protobuf messages: they hold exactly the contract's fields, and the schema exposes those.
function payloadView(payload: FeedEntry["payload"]): FeedEntryView["payload"] {
  switch (payload?.$case) {
    case "institutionLicence":
      return { __typename: "InstitutionLicenceEntry", ...payload.value };
    case "regulatorConnection":
      return { __typename: "RegulatorConnectionEntry", ...payload.value };
    case "staffRecord":
      return { __typename: "StaffRecordEntry", ...payload.value };
    case "consultStarted":
      return { __typename: "ConsultStartedEntry", ...payload.value };
    case "consultCompleted":
      return { __typename: "ConsultCompletedEntry", ...payload.value };
    case "consultTerminated":
      return { __typename: "ConsultTerminatedEntry", ...payload.value };
    case "consultRefused":
      return { __typename: "ConsultRefusedEntry", ...payload.value };
    case "prescriptionSigned":
      return { __typename: "PrescriptionSignedEntry", ...payload.value };
    case "prescriptionVoided":
      return { __typename: "PrescriptionVoidedEntry", ...payload.value };
    case "prescriptionReview":
      return { __typename: "PrescriptionReviewEntry", ...payload.value };
    case "dispensing":
      return { __typename: "DispensingEntry", ...payload.value };
    case "deliveryDispatched":
      return { __typename: "DeliveryDispatchedEntry", ...payload.value };
    case "deliveryStatus":
      return { __typename: "DeliveryStatusEntry", ...payload.value };
    case "adverseEvent":
      return { __typename: "AdverseEventEntry", ...payload.value };
    case "satisfaction":
      return { __typename: "SatisfactionEntry", ...payload.value };
    case "complaint":
      return { __typename: "ComplaintEntry", ...payload.value };
    case "emr":
      return { __typename: "EmrEntry", ...payload.value };
    case undefined:
      return null;
  }
}
