/**
 * Transport kinds mirror `DomainErrorKind` in @ihp/eventsourcing (ARCHITECTURE §7) so that a service can rethrow a
 * JurisdictionError as its DomainError one-to-one. This package has no dependencies, so the union is restated here.
 */
export type JurisdictionErrorKind = "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "NOT_FOUND";

/** Stable codes; README.md lists them. */
export type JurisdictionErrorCode =
  | "NO_PROFILE_IN_EFFECT"
  | "UNKNOWN_PROFILE_VERSION"
  | "UNKNOWN_JURISDICTION"
  | "INVALID_DATE"
  | "DATES_OUT_OF_ORDER"
  | "INVALID_ARGUMENT"
  | "CALENDAR_NOT_COVERED"
  | "INVALID_PROFILE_DATA";

const kindOf: { readonly [C in JurisdictionErrorCode]: JurisdictionErrorKind } = {
  NO_PROFILE_IN_EFFECT: "FAILED_PRECONDITION",
  UNKNOWN_PROFILE_VERSION: "NOT_FOUND",
  UNKNOWN_JURISDICTION: "INVALID_ARGUMENT",
  INVALID_DATE: "INVALID_ARGUMENT",
  DATES_OUT_OF_ORDER: "INVALID_ARGUMENT",
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  // A stale holiday calendar must stop the computation rather than silently ignore holidays (REP-02).
  CALENDAR_NOT_COVERED: "FAILED_PRECONDITION",
  INVALID_PROFILE_DATA: "FAILED_PRECONDITION",
};

/** A lookup or helper refused its input. Messages carry no personal data (dates of birth are not echoed). */
export class JurisdictionError extends Error {
  override readonly name = "JurisdictionError";
  readonly kind: JurisdictionErrorKind;
  constructor(
    readonly code: JurisdictionErrorCode,
    message: string,
    readonly ruleId?: string,
  ) {
    super(message);
    this.kind = kindOf[code];
  }
}
