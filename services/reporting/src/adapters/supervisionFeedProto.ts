import { enumValue } from "@ihp/contracts";
import {
  AdverseEventChange,
  AdverseEventKind,
  AdverseEventSeverity,
  ComplaintStatus,
  FeedCategory,
  type FeedEntry,
  SuspensionScopeKind,
} from "@ihp/contracts/reporting";
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
            change: enumValue(AdverseEventChange, "ADVERSE_EVENT_CHANGE_", entry.change),
            kind: enumValue(AdverseEventKind, "ADVERSE_EVENT_KIND_", entry.kind),
            severity: enumValue(AdverseEventSeverity, "ADVERSE_EVENT_SEVERITY_", entry.severity),
            scopeKind: enumValue(SuspensionScopeKind, "SUSPENSION_SCOPE_KIND_", entry.scopeKind),
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
          value: {
            complaintId: entry.complaintId,
            consultId: entry.consultId,
            categoryCode: entry.categoryCode,
            status: enumValue(ComplaintStatus, "COMPLAINT_STATUS_", entry.status),
            at: entry.at,
            late: entry.late,
          },
        },
      };
    }
  }
}
