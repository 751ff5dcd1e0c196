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
  EmrEntry,
  PrescribedDrug,
  PrescriptionReviewEntry,
  PrescriptionSignedEntry,
  PrescriptionVoidedEntry,
  StaffRecordEntry,
} from "./gen/ihp/reporting/v1/feed.js";
export {
  GetIncidentRequest,
  GetIncidentResponse,
  IncidentAuthority,
  IncidentKind,
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
export {
  AdverseEventChange,
  AdverseEventEntry,
  AdverseEventKind,
  AdverseEventServiceClient,
  AdverseEventServiceService,
  AdverseEventSeverity,
  CheckSuspensionsRequest,
  CheckSuspensionsResponse,
  LiftSuspensionRequest,
  LiftSuspensionResponse,
  ListSuspensionsRequest,
  ListSuspensionsResponse,
  ReportAdverseEventRequest,
  ReportAdverseEventResponse,
  Suspension,
  SuspensionScopeKind,
} from "./gen/ihp/reporting/v1/adverse_events.js";
export type { AdverseEventServiceServer } from "./gen/ihp/reporting/v1/adverse_events.js";
export {
  AdvanceComplaintRequest,
  AdvanceComplaintResponse,
  ComplaintCategory,
  ComplaintEntry,
  ComplaintStatus,
  FeedbackServiceClient,
  FeedbackServiceService,
  FileComplaintRequest,
  FileComplaintResponse,
  RateConsultRequest,
  RateConsultResponse,
  SatisfactionEntry,
} from "./gen/ihp/reporting/v1/feedback.js";
export type { FeedbackServiceServer } from "./gen/ihp/reporting/v1/feedback.js";
export {
  AnomalyRectificationMessage,
  GetDeliveryStatusRequest,
  GetDeliveryStatusResponse,
  PendingUpload,
  RegulatorDeliveryServiceClient,
  RegulatorDeliveryServiceService,
  ReplayDeadLettersRequest,
  ReplayDeadLettersResponse,
  UploadKind,
} from "./gen/ihp/reporting/v1/delivery.js";
export type { RegulatorDeliveryServiceServer } from "./gen/ihp/reporting/v1/delivery.js";
export {
  AnomalyCaseDue,
  Durations,
  FigureCount,
  GetSupervisionDashboardRequest,
  GetSupervisionDashboardResponse,
  SupervisionStatisticsServiceClient,
  SupervisionStatisticsServiceService,
} from "./gen/ihp/reporting/v1/statistics.js";
export type { SupervisionStatisticsServiceServer } from "./gen/ihp/reporting/v1/statistics.js";
