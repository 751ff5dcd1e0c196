// @ihp/contracts/reporting: the regulator feed contract (proto/ihp/reporting/v1).
export {
  FeedCategory,
  FeedEntry,
  InstitutionLicenceEntry,
  ListFeedRequest,
  ListFeedResponse,
  RegulatorConnectionEntry,
  RegulatorFeedServiceClient,
  RegulatorFeedServiceService,
  StreamFeedRequest,
  StreamFeedResponse,
  feedCategoryFromJSON,
  feedCategoryToJSON,
} from "./gen/ihp/reporting/v1/feed.js";
export type { RegulatorFeedServiceServer } from "./gen/ihp/reporting/v1/feed.js";
export {
  ConsultCompletedEntry,
  ConsultRefusedEntry,
  ConsultStartedEntry,
  ConsultTerminatedEntry,
  DeliveryDispatchedEntry,
  DeliveryStatusEntry,
  DispensingEntry,
  PrescribedDrug,
  PrescriptionReviewEntry,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  StaffRecordEntry,
} from "./gen/ihp/reporting/v1/feed.js";
export {
  GetIncidentRequest,
  GetIncidentResponse,
  IncidentServiceClient,
  IncidentServiceService,
  IncidentTaskStatus,
  MarkAuthorityNotifiedRequest,
  MarkAuthorityNotifiedResponse,
  NotificationTask,
  ReportIncidentRequest,
  ReportIncidentResponse,
} from "./gen/ihp/reporting/v1/incidents.js";
export type { IncidentServiceServer } from "./gen/ihp/reporting/v1/incidents.js";
export {
  AnomalyCaseServiceClient,
  AnomalyCaseServiceService,
  CloseAnomalyCaseRequest,
  CloseAnomalyCaseResponse,
  OpenAnomalyCaseRequest,
  OpenAnomalyCaseResponse,
} from "./gen/ihp/reporting/v1/anomalies.js";
export type { AnomalyCaseServiceServer } from "./gen/ihp/reporting/v1/anomalies.js";
