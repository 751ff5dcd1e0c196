import { DomainError } from "@ihp/eventsourcing";

// Stable codes of the incident decider (REP-07); errorCatalog.ts and ERRORS.md carry their texts.

export function incidentKindUnknown(): DomainError {
  return new DomainError("INCIDENT_KIND_UNKNOWN", "INVALID_ARGUMENT", "The incident kind must be DATA_LEAK or MAJOR_CYBER.", "REP-07");
}

export function incidentAlreadyReported(): DomainError {
  return new DomainError("INCIDENT_ALREADY_REPORTED", "ALREADY_EXISTS", "This incident has already been reported.", "REP-07");
}

export function incidentNotFound(): DomainError {
  return new DomainError("INCIDENT_NOT_FOUND", "NOT_FOUND", "No such incident.", "REP-07");
}

/** The caller acts for another institution than the incident's (every object a request touches is tenant-checked). */
export function incidentOtherInstitution(): DomainError {
  return new DomainError("INCIDENT_OTHER_INSTITUTION", "PERMISSION_DENIED", "The incident belongs to another institution.", "REP-07");
}

export function notificationTaskUnknown(): DomainError {
  return new DomainError("NOTIFICATION_TASK_UNKNOWN", "NOT_FOUND", "The incident has no notification task for that authority.", "REP-07");
}

export function notificationReferenceRequired(): DomainError {
  return new DomainError("NOTIFICATION_REFERENCE_REQUIRED", "INVALID_ARGUMENT", "Marking an authority notified needs the authority's reference.", "REP-07");
}

export function notificationAlreadyDone(): DomainError {
  return new DomainError("NOTIFICATION_ALREADY_DONE", "FAILED_PRECONDITION", "That authority has already been notified.", "REP-07");
}
