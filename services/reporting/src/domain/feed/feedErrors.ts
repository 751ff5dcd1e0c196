import { DomainError } from "@ihp/eventsourcing";

// Stable codes of the feed decider (ERRORS.md). The consumer tells transient refusals (redeliver later) from
// permanent ones (alert and acknowledge) by code: see isTransientFeedRefusal.

/**
 * The institution has no registration in the feed yet: a licence or connection change arrived before
 * InstitutionRegistered (JetStream redelivers a failed message while later ones go on, so order can invert).
 * Transient: the bus redelivers it, by then the registration is usually in.
 */
export function institutionNotYetKnown(): DomainError {
  return new DomainError(
    "INSTITUTION_NOT_YET_KNOWN",
    "FAILED_PRECONDITION",
    "The institution's registration has not reached the regulator feed yet.",
    "REP-04",
  );
}

/**
 * A voided prescription (whose event names no institution) arrived before the feed recorded the signed version it
 * voids. Transient, like INSTITUTION_NOT_YET_KNOWN: redelivered until the signed version is in, bounded by maxDeliver.
 */
export function prescriptionNotYetKnown(): DomainError {
  return new DomainError(
    "PRESCRIPTION_NOT_YET_KNOWN",
    "FAILED_PRECONDITION",
    "The voided prescription has not reached the regulator feed yet.",
    "REP-04",
  );
}

/** The registration names a jurisdiction the platform has no profile for; the entry could not be routed. */
export function institutionJurisdictionUnknown(): DomainError {
  return new DomainError(
    "INSTITUTION_JURISDICTION_UNKNOWN",
    "INVALID_ARGUMENT",
    "The institution's jurisdiction is not one the platform knows.",
    "REP-04",
  );
}

/**
 * The source event lacks what every entry needs (event id, institution id, time, the id of what it is about, a licence
 * on a licence change).
 */
export function feedSourceInvalid(what: string): DomainError {
  const message = `The reported event is incomplete: ${what}.`;
  return new DomainError("FEED_SOURCE_INVALID", "INVALID_ARGUMENT", message, "REP-04");
}

const TRANSIENT: ReadonlySet<string> = new Set(["INSTITUTION_NOT_YET_KNOWN", "PRESCRIPTION_NOT_YET_KNOWN"]);

export function isTransientFeedRefusal(error: DomainError): boolean {
  return TRANSIENT.has(error.code) || error.kind === "ABORTED";
}
