import { FeedCategory, type FeedEntry } from "@ihp/contracts/reporting";
import type { SupervisionEntry } from "../domain/adverseEvents/supervisionEntries.js";

type Payload = NonNullable<FeedEntry["payload"]>;

/** The feed payload of an adverse-event, satisfaction or complaint entry: literals of the schema's fields only. */
export function supervisionPayload(supervision: SupervisionEntry): { category: FeedCategory; payload: Payload } {
  switch (supervision.category) {
    case "ADVERSE_EVENT": {
      const { entry } = supervision;
      return {
        category: FeedCategory.FEED_CATEGORY_ADVERSE_EVENT,
        payload: {
          $case: "adverseEvent",
          value: {
            adverseEventId: entry.adverseEventId,
            change: entry.change,
            kind: entry.kind,
            severity: entry.severity,
            scopeKind: entry.scopeKind,
            scopeValue: entry.scopeValue,
            suspended: entry.suspended,
            at: entry.at,
          },
        },
      };
    }
    case "SATISFACTION": {
      const { entry } = supervision;
      return {
        category: FeedCategory.FEED_CATEGORY_SATISFACTION,
        payload: {
          $case: "satisfaction",
          value: { consultId: entry.consultId, physicianId: entry.physicianId, departmentCode: entry.departmentCode, score: entry.score, ratedAt: entry.ratedAt },
        },
      };
    }
    case "COMPLAINT": {
      const { entry } = supervision;
      return {
        category: FeedCategory.FEED_CATEGORY_COMPLAINT,
        payload: {
          $case: "complaint",
          value: { complaintId: entry.complaintId, consultId: entry.consultId, categoryCode: entry.categoryCode, status: entry.status, at: entry.at, late: entry.late },
        },
      };
    }
  }
}
