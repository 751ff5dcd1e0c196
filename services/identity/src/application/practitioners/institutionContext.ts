import type { EventStore } from "@ihp/eventsourcing";
import { JurisdictionError, profileAt } from "@ihp/jurisdiction";
import { refusal } from "../../domain/errors.js";
import type { EligibilitySettings, InstitutionFacts } from "../../domain/practitioners/index.js";
import { institutionStreamId } from "../ids.js";
import { loadInstitution } from "../institutionEvents.js";

/** What practitioner decisions need from the institution they practise at, and the profile version used (XC-08). */
export interface InstitutionContext {
  readonly facts: InstitutionFacts;
  readonly settings: EligibilitySettings;
  readonly profileVersion: string;
  /** REP-01: whether the institution is connected to the regulator's platform, as read. */
  readonly regulatorConnected: boolean;
}

/**
 * Reads the institution's own stream (same service, same log: the approved 诊疗科目 as of now) and the jurisdiction
 * profile in effect. INSTITUTION_NOT_FOUND when it does not exist.
 */
export async function institutionContext(store: EventStore, institutionId: string, now: Date): Promise<InstitutionContext> {
  const { institution } = await loadInstitution(store, institutionStreamId(institutionId));
  let profile;
  try {
    profile = profileAt(institution.jurisdiction, now);
  } catch (error) {
    if (error instanceof JurisdictionError && error.code === "NO_PROFILE_IN_EFFECT") throw refusal("NO_PROFILE_IN_EFFECT");
    throw error;
  }
  const { physicianMinIndependentYears, pharmacistMinYears, reviewerAffiliations } = profile.settings;
  return {
    facts: { institutionId, subjectCodes: institution.subjectCodes },
    settings: { physicianMinIndependentYears, pharmacistMinYears, reviewerAffiliations },
    profileVersion: profile.version,
    regulatorConnected: institution.regulatorConnected,
  };
}
