/**
 * What the identity service tells us (its integration events, ihp.identity.v1), as the feed decider reads it.
 *
 * Only the fields the feed may need are declared. The adapter hands over the whole decoded event, so objects of
 * these types usually carry more (host institution name, connection flag, revision, and whatever later versions
 * add): the minimum-necessary mapping (minimumNecessary.ts) copies field by field and never spreads, so nothing
 * undeclared can reach the feed (REP-04).
 */

/** 医疗机构执业许可证: number and validity (ISO dates). */
export interface LicenceFact {
  readonly number: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface RegisteredInstitutionFact {
  readonly institutionId: string;
  readonly name: string;
  /** Hospital grade as the contract's enum name, e.g. "HOSPITAL_GRADE_TERTIARY_A". */
  readonly grade: string;
  readonly licence: LicenceFact | undefined;
  readonly subjectCodes: readonly string[];
  /** Jurisdiction profile code the institution operates under. */
  readonly jurisdiction: string;
  readonly hostLicenceNumber: string;
}

export interface InstitutionRegisteredFact {
  readonly type: "InstitutionRegistered";
  readonly institution: RegisteredInstitutionFact;
}

export interface LicenceChangedFact {
  readonly type: "LicenceChanged";
  readonly institutionId: string;
  readonly licence: LicenceFact | undefined;
  /** The new approved subjects; empty means unchanged (ChangeLicenceRequest: "replaces … when non-empty"). */
  readonly subjectCodes: readonly string[];
}

export interface RegulatorConnectionChangedFact {
  readonly type: "RegulatorConnectionChanged";
  readonly institutionId: string;
  readonly connected: boolean;
  readonly platformReference: string;
}

export type IdentityFact = InstitutionRegisteredFact | LicenceChangedFact | RegulatorConnectionChangedFact;

/** The institution a fact is about: the feed keeps one stream per institution. */
export function institutionIdOf(fact: IdentityFact): string {
  return fact.type === "InstitutionRegistered" ? fact.institution.institutionId : fact.institutionId;
}

const INSTITUTION_FACTS: ReadonlySet<string> = new Set(["InstitutionRegistered", "LicenceChanged", "RegulatorConnectionChanged"]);

/** Whether a fact is about the institution itself (its feed stream) rather than an activity at it. */
export function isInstitutionFact<Fact extends { readonly type: string }>(
  fact: IdentityFact | Fact,
): fact is IdentityFact {
  return INSTITUTION_FACTS.has(fact.type);
}
