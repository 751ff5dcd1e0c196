import { enumName } from "@ihp/contracts";
import type { FeedEntry } from "@ihp/contracts/reporting";
import type * as Gql from "../../gen/graphql.js";

type Payload = NonNullable<FeedEntry["payload"]>;
type PayloadTypeName = NonNullable<Gql.FeedPayloadResolvers["__resolveType"] extends (...args: never[]) => infer R ? Awaited<R> : never>;

/** The GraphQL type of each payload of the contract: a payload the schema lacks, or a type it does not have, fails to compile. */
const TYPENAME = {
  institutionLicence: "InstitutionLicenceEntry",
  regulatorConnection: "RegulatorConnectionEntry",
  staffRecord: "StaffRecordEntry",
  consultStarted: "ConsultStartedEntry",
  consultCompleted: "ConsultCompletedEntry",
  consultTerminated: "ConsultTerminatedEntry",
  consultRefused: "ConsultRefusedEntry",
  prescriptionSigned: "PrescriptionSignedEntry",
  prescriptionVoided: "PrescriptionVoidedEntry",
  prescriptionReview: "PrescriptionReviewEntry",
  dispensing: "DispensingEntry",
  deliveryDispatched: "DeliveryDispatchedEntry",
  deliveryStatus: "DeliveryStatusEntry",
  adverseEvent: "AdverseEventEntry",
  satisfaction: "SatisfactionEntry",
  complaint: "ComplaintEntry",
  emr: "EmrEntry",
} as const satisfies Record<Payload["$case"], PayloadTypeName>;

/** GraphQL type FeedEntry; the payload names its GraphQL type, which graphql-js's default resolveType reads. */
export type FeedEntryView = Omit<Gql.FeedEntry, "payload"> & {
  readonly payload: (Gql.FeedPayload & { readonly __typename: PayloadTypeName }) | null;
};

// The payloads are decoded protobuf messages: they hold exactly the contract's fields, and the schema exposes those,
// enums by their names (as strings: see AdverseEventEntry in the SDL).
function payloadFields(payload: Payload): Gql.FeedPayload {
  switch (payload.$case) {
    case "adverseEvent": {
      const { change, kind, severity, scopeKind, ...entry } = payload.value;
      return {
        ...entry,
        change: enumName("ADVERSE_EVENT_CHANGE_", change) ?? "",
        kind: enumName("ADVERSE_EVENT_KIND_", kind) ?? "",
        severity: enumName("ADVERSE_EVENT_SEVERITY_", severity) ?? "",
        scopeKind: enumName("SUSPENSION_SCOPE_KIND_", scopeKind) ?? "",
      };
    }
    case "complaint":
      return { ...payload.value, status: enumName("COMPLAINT_STATUS_", payload.value.status) ?? "" };
    default:
      return payload.value;
  }
}

export function feedEntryView({ category, payload, ...entry }: FeedEntry): FeedEntryView {
  return {
    ...entry,
    category: enumName("FEED_CATEGORY_", category),
    payload: payload === undefined ? null : { __typename: TYPENAME[payload.$case], ...payloadFields(payload) },
  };
}
