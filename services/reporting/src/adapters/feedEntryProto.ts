import { FeedCategory, type FeedEntry } from "@ihp/contracts/reporting";
import type { FeedRecord } from "../application/feedQueries.js";

/** A feed record as the contract's FeedEntry (proto/ihp/reporting/v1/feed.proto). */
export function toFeedEntry(record: FeedRecord): FeedEntry {
  const { data } = record;
  const header = {
    position: record.position.toString(),
    sourceEventId: data.sourceEventId,
    institutionId: data.institutionId,
    jurisdiction: data.jurisdiction,
    occurredAt: data.occurredAt,
  };
  switch (data.category) {
    case "INSTITUTION_LICENCE": {
      const { entry } = data;
      return {
        ...header,
        category: FeedCategory.FEED_CATEGORY_INSTITUTION_LICENCE,
        payload: {
          $case: "institutionLicence",
          value: {
            name: entry.name,
            grade: entry.grade,
            licenceNumber: entry.licenceNumber,
            licenceValidFrom: entry.licenceValidFrom,
            licenceValidUntil: entry.licenceValidUntil,
            subjectCodes: [...entry.subjectCodes],
            hostLicenceNumber: entry.hostLicenceNumber,
          },
        },
      };
    }
    case "REGULATOR_CONNECTION": {
      const { entry } = data;
      return {
        ...header,
        category: FeedCategory.FEED_CATEGORY_REGULATOR_CONNECTION,
        payload: {
          $case: "regulatorConnection",
          value: { connected: entry.connected, platformReference: entry.platformReference },
        },
      };
    }
  }
}
