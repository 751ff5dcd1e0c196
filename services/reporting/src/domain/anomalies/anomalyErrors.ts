import { DomainError } from "@ihp/eventsourcing";

// Stable codes of the anomaly-case decider (REP-05); errorCatalog.ts and ERRORS.md carry their texts.

export function anomalyCaseExists(): DomainError {
  return new DomainError("ANOMALY_CASE_EXISTS", "ALREADY_EXISTS", "An anomaly case with this id is already open.", "REP-05");
}

export function anomalyCaseNotFound(): DomainError {
  return new DomainError("ANOMALY_CASE_NOT_FOUND", "NOT_FOUND", "No such anomaly case.", "REP-05");
}

export function anomalyCaseOtherInstitution(): DomainError {
  return new DomainError("ANOMALY_CASE_OTHER_INSTITUTION", "PERMISSION_DENIED", "The anomaly case belongs to another institution.", "REP-05");
}

export function rectificationNoteRequired(): DomainError {
  return new DomainError("RECTIFICATION_NOTE_REQUIRED", "INVALID_ARGUMENT", "Closing an anomaly case needs a rectification note.", "REP-05");
}

export function anomalyCaseClosed(): DomainError {
  return new DomainError("ANOMALY_CASE_CLOSED", "FAILED_PRECONDITION", "The anomaly case is already closed.", "REP-05");
}

export function workingDayCalendarNotLoaded(): DomainError {
  return new DomainError(
    "WORKING_DAY_CALENDAR_NOT_LOADED",
    "FAILED_PRECONDITION",
    "The deadline runs into a year whose working-day calendar is not loaded yet.",
    "REP-05",
  );
}
