import type { Decider, DomainError } from "@ihp/eventsourcing";
import { type ActivityFact, activitySubjectId, namedInstitutionId } from "./activityFacts.js";
import { FEED_ENTRY_RECORDED, type FeedJurisdiction } from "./entries.js";
import type { FeedEvent } from "./feedDecider.js";
import { feedSourceInvalid, prescriptionNotYetKnown } from "./feedErrors.js";
import { activityEntry } from "./minimumNecessaryActivity.js";

/**
 * Report a staff record, consult, prescription, review, dispensing or delivery event to the regulator feed.
 * Addressed to stream activityStreamId(fact). The application resolves what the fact does not say reliably: the
 * institution when the fact names none (a voided prescription: from the prescription's earlier entries) and the
 * institution's jurisdiction (from its registration as the feed recorded it, never from the producer).
 */
export interface RecordActivityEntry {
  readonly sourceEventId: string;
  /** RFC 3339 time of the fact, from the source event's metadata. */
  readonly occurredAt: string;
  /** The fact's institution, or the one the stream's entries name; "" when neither is known. */
  readonly institutionId: string;
  readonly jurisdiction: FeedJurisdiction;
  readonly fact: ActivityFact;
}

/** What an activity stream remembers: the institution its entries name (a voided prescription names none). */
export interface ActivityState {
  readonly institutionId: string | undefined;
}

const MAX_ID = 128;

/**
 * One entry per source event, built by the minimum-necessary mapping. Repeats never reach decide: the runtime
 * answers them from the request id (= source event id), and the event id is derived from it.
 */
export const activityFeedDecider: Decider<RecordActivityEntry, FeedEvent, ActivityState> = {
  initialState: { institutionId: undefined },

  evolve(state, event) {
    return state.institutionId === undefined ? { institutionId: event.data.institutionId } : state;
  },

  decide(command) {
    const invalid = checkSource(command);
    if (invalid !== undefined) return invalid;
    const { sourceEventId, occurredAt, institutionId, jurisdiction, fact } = command;
    const header = { sourceEventId, institutionId, jurisdiction, occurredAt };
    return [{ type: FEED_ENTRY_RECORDED, data: { ...header, ...activityEntry(fact) } }];
  },
};

function checkSource(command: RecordActivityEntry): DomainError | undefined {
  const { fact, institutionId } = command;
  if (command.sourceEventId === "" || command.sourceEventId.length > MAX_ID) return feedSourceInvalid("event id");
  if (command.occurredAt === "") return feedSourceInvalid("time of the fact");
  const subjectId = activitySubjectId(fact);
  if (subjectId === "" || subjectId.length > MAX_ID) return feedSourceInvalid(subjectName(fact));
  if (institutionId.length > MAX_ID) return feedSourceInvalid("institution id");
  if (institutionId === "") {
    // A voided prescription names no institution: unknown until the signed version's entry is in.
    return namedInstitutionId(fact) === undefined ? prescriptionNotYetKnown() : feedSourceInvalid("institution id");
  }
  return undefined;
}

function subjectName(fact: ActivityFact): string {
  switch (fact.type) {
    case "StaffRecordChanged":
      return "practitioner id";
    case "ConsultStarted":
    case "ConsultCompleted":
    case "ConsultTerminated":
    case "ConsultRefused":
      return "consult id";
    case "PrescriptionSigned":
    case "PrescriptionVoided":
    case "PrescriptionReviewed":
    case "PrescriptionDispensed":
      return "prescription id";
    case "DeliveryDispatched":
    case "DeliveryStatusChanged":
      return "delivery id";
    case "RecordSigned":
      return "record id";
  }
}
