// @ihp/reporting: the reporting service (regulator feed, REP-04). Exports are listed, never re-exported wholesale.
export { loadReportingConfig, reportingConfigSchema } from "./config.js";
export type { ReportingConfig } from "./config.js";
export { startReportingService } from "./service.js";
export type { ReportingService, ReportingServiceOptions } from "./service.js";
export { FEED_DURABLE, FEED_SOURCES, IDENTITY_SUBJECTS } from "./application/feedConsumer.js";
export type { FeedSource, SourceContextName } from "./application/feedConsumer.js";
export { auditRefusalRecorder } from "./application/refusals.js";
export type { FeedRefusal, RefusalRecorder } from "./application/refusals.js";
export { FEED_CONTENT_TYPE, FEED_SUBJECT } from "./adapters/feedPublisher.js";
export { FEED_STREAMS } from "./adapters/busConnection.js";
export { feedDecider, feedStreamId } from "./domain/feed/feedDecider.js";
export type { FeedEvent, FeedState, RecordFeedEntry } from "./domain/feed/feedDecider.js";
export { activityFeedDecider } from "./domain/feed/activityDecider.js";
export type { ActivityState, RecordActivityEntry } from "./domain/feed/activityDecider.js";
export { FEED_ENTRY_RECORDED, UNKNOWN_JURISDICTION } from "./domain/feed/entries.js";
export type {
  FeedCategory,
  FeedEntryRecordedData,
  FeedJurisdiction,
  InstitutionLicenceEntry,
  RegulatorConnectionEntry,
} from "./domain/feed/entries.js";
export type {
  ActivityEntry,
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
} from "./domain/feed/activityEntries.js";
export { REPORTING_ERRORS } from "./errorCatalog.js";
