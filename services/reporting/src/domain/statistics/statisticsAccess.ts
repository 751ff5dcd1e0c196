import { DomainError } from "@ihp/eventsourcing";
import { JURISDICTIONS, type JurisdictionCode } from "@ihp/jurisdiction";

// REP-04: who may read which supervision statistics. Deny by default; the role is checked before this (the caller
// authorizes REGULATOR or INSTITUTION_ADMIN first), then the scope asked for against the caller's tenant.

/** What the figures cover: one institution, or every institution of a jurisdiction ("national": every one). */
export type StatisticsScope =
  | { readonly kind: "institution"; readonly institutionId: string }
  | { readonly kind: "jurisdiction"; readonly jurisdiction: JurisdictionCode };

export interface StatisticsRequester {
  readonly roles: readonly string[];
  /** The token's tenant: a jurisdiction code for regulators, an institution id for institution admins. */
  readonly tenantId: string;
}

export interface ScopeRequest {
  readonly institutionId: string;
  readonly jurisdiction: string;
}

export const STATISTICS_ERRORS = {
  STATISTICS_SCOPE_INVALID: { kind: "INVALID_ARGUMENT", message: "Name exactly one of institutionId and jurisdiction." },
  INVALID_JURISDICTION: { kind: "INVALID_ARGUMENT", message: "The jurisdiction is not one the platform knows." },
  REGULATOR_JURISDICTION_UNKNOWN: { kind: "PERMISSION_DENIED", message: "Your account is not assigned to a supervised jurisdiction." },
  JURISDICTION_NOT_ALLOWED: { kind: "PERMISSION_DENIED", message: "You may only read the feed of your own jurisdiction." },
  STATISTICS_INSTITUTION_NOT_ALLOWED: { kind: "PERMISSION_DENIED", message: "You may only read the statistics of your own institution." },
} as const;

export type StatisticsErrorCode = keyof typeof STATISTICS_ERRORS;

export function statisticsError(code: StatisticsErrorCode): DomainError {
  const { kind, message } = STATISTICS_ERRORS[code];
  return new DomainError(code, kind, message, "REP-04");
}

const asJurisdiction = (code: string): JurisdictionCode | undefined => JURISDICTIONS.find((known) => known === code);

/**
 * The scope a caller may read, or the refusal. A regulator reads their own jurisdiction ("national": any) and any
 * institution registered in it — `institutionJurisdiction` is where the feed has the institution registered
 * ("unknown" when not registered: only a national regulator reads it). An institution admin reads their own
 * institution only.
 */
export function decideStatisticsScope(
  requester: StatisticsRequester,
  request: ScopeRequest,
  institutionJurisdiction: string | undefined,
): StatisticsScope | DomainError {
  const { institutionId, jurisdiction } = request;
  if ((institutionId === "") === (jurisdiction === "")) return statisticsError("STATISTICS_SCOPE_INVALID");
  const requested = jurisdiction === "" ? undefined : asJurisdiction(jurisdiction);
  if (jurisdiction !== "" && requested === undefined) return statisticsError("INVALID_JURISDICTION");
  const scope: StatisticsScope =
    requested === undefined ? { kind: "institution", institutionId } : { kind: "jurisdiction", jurisdiction: requested };
  if (requester.roles.includes("regulator")) {
    if (requester.tenantId === "national") return scope;
    const own = asJurisdiction(requester.tenantId);
    if (own === undefined) return statisticsError("REGULATOR_JURISDICTION_UNKNOWN");
    const asked = scope.kind === "jurisdiction" ? scope.jurisdiction : institutionJurisdiction;
    return asked === own ? scope : statisticsError("JURISDICTION_NOT_ALLOWED");
  }
  if (requester.roles.includes("institution_admin") && scope.kind === "institution" && scope.institutionId === requester.tenantId) {
    return scope;
  }
  return statisticsError("STATISTICS_INSTITUTION_NOT_ALLOWED");
}

/** Whether deciding needs the institution's registered jurisdiction (a non-national regulator asking for an institution). */
export function needsInstitutionJurisdiction(requester: StatisticsRequester, request: ScopeRequest): boolean {
  return requester.roles.includes("regulator") && requester.tenantId !== "national" && request.institutionId !== "" && request.jurisdiction === "";
}
