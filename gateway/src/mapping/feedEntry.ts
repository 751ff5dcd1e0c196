import { FeedCategory, type FeedEntry } from "@ihp/contracts/reporting";

export type FeedCategoryName = "INSTITUTION_LICENCE" | "REGULATOR_CONNECTION";

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

/** GraphQL type FeedEntry; the payload names its GraphQL type, which graphql-js's default resolveType reads. */
export interface FeedEntryView {
  readonly position: string;
  readonly sourceEventId: string;
  readonly category: FeedCategoryName | null;
  readonly institutionId: string;
  readonly jurisdiction: string;
  readonly occurredAt: string;
  readonly payload: InstitutionLicenceEntryView | RegulatorConnectionEntryView | null;
}

const CATEGORIES = new Map<FeedCategory, FeedCategoryName>([
  [FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE, "INSTITUTION_LICENCE"],
  [FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION, "REGULATOR_CONNECTION"],
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

function payloadView(payload: FeedEntry["payload"]): FeedEntryView["payload"] {
  switch (payload?.$case) {
    case "institutionLicence":
      return { __typename: "InstitutionLicenceEntry", ...payload.value };
    case "regulatorConnection":
      return { __typename: "RegulatorConnectionEntry", ...payload.value };
    case undefined:
      return null;
  }
}
