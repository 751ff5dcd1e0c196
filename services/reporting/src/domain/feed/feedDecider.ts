import type { Decider, DomainError, DomainEvent } from "@ihp/eventsourcing";
import { JURISDICTIONS, type JurisdictionCode } from "@ihp/jurisdiction";
import { FEED_ENTRY_RECORDED, type FeedEntryRecordedData, type InstitutionLicenceEntry } from "./entries.js";
import { type IdentityFact, institutionIdOf } from "./facts.js";
import { feedSourceInvalid, institutionJurisdictionUnknown, institutionNotYetKnown } from "./feedErrors.js";
import { connectionEntry, licenceEntryFromChange, licenceEntryFromRegistration } from "./minimumNecessary.js";

/** Report one of identity's institution events to the regulator feed. Addressed to stream feedStreamId(institutionId). */
export interface RecordFeedEntry {
  readonly sourceEventId: string;
  /** RFC 3339 time of the fact, from the source event's metadata. */
  readonly occurredAt: string;
  readonly fact: IdentityFact;
}

export type FeedEvent = DomainEvent<typeof FEED_ENTRY_RECORDED, FeedEntryRecordedData>;

/** What one institution's feed stream remembers: where it is supervised and the licence entry last reported. */
export interface FeedState {
  readonly institution: KnownInstitution | undefined;
}

interface KnownInstitution {
  readonly jurisdiction: JurisdictionCode;
  readonly licence: InstitutionLicenceEntry;
}

const MAX_ID = 128;

export function feedStreamId(institutionId: string): string {
  return `reporting-feed-${institutionId}`;
}

/**
 * One stream per institution. Its state is folded from the entries it recorded, so a licence change can carry the
 * name, grade and jurisdiction that only the registration told us. Repeats of a source event never reach decide:
 * the runtime answers them from the request id (= source event id), and the event id is derived from it too.
 */
export const feedDecider: Decider<RecordFeedEntry, FeedEvent, FeedState> = {
  initialState: { institution: undefined },

  evolve(state, event) {
    const { data } = event;
    // Only licence entries change what the stream remembers; an institution's stream holds no activity entries.
    return data.category === "INSTITUTION_LICENCE"
      ? { institution: { jurisdiction: data.jurisdiction, licence: data.entry } }
      : state;
  },

  decide(command, state) {
    const invalid = checkSource(command);
    if (invalid !== undefined) return invalid;
    const { fact, sourceEventId, occurredAt } = command;
    const header = { sourceEventId, institutionId: institutionIdOf(fact), occurredAt };
    switch (fact.type) {
      case "InstitutionRegistered": {
        const jurisdiction = asJurisdiction(fact.institution.jurisdiction);
        if (jurisdiction === undefined) return institutionJurisdictionUnknown();
        const entry = licenceEntryFromRegistration(fact.institution);
        return [recorded({ ...header, jurisdiction, category: "INSTITUTION_LICENCE", entry })];
      }
      case "LicenceChanged": {
        const known = state.institution;
        if (known === undefined) return institutionNotYetKnown();
        const { licence } = fact;
        if (licence === undefined) return feedSourceInvalid("licence change without a licence");
        const entry = licenceEntryFromChange(known.licence, licence, fact.subjectCodes);
        return [recorded({ ...header, jurisdiction: known.jurisdiction, category: "INSTITUTION_LICENCE", entry })];
      }
      case "RegulatorConnectionChanged": {
        const known = state.institution;
        if (known === undefined) return institutionNotYetKnown();
        const entry = connectionEntry(fact);
        return [recorded({ ...header, jurisdiction: known.jurisdiction, category: "REGULATOR_CONNECTION", entry })];
      }
    }
  },
};

function recorded(data: FeedEntryRecordedData): FeedEvent {
  return { type: FEED_ENTRY_RECORDED, data };
}

function checkSource(command: RecordFeedEntry): DomainError | undefined {
  const institutionId = institutionIdOf(command.fact);
  if (command.sourceEventId === "" || command.sourceEventId.length > MAX_ID) return feedSourceInvalid("event id");
  if (institutionId === "" || institutionId.length > MAX_ID) return feedSourceInvalid("institution id");
  if (command.occurredAt === "") return feedSourceInvalid("time of the fact");
  return undefined;
}

function asJurisdiction(code: string): JurisdictionCode | undefined {
  return JURISDICTIONS.find((known) => known === code);
}
