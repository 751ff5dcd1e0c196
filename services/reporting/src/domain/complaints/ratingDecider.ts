import type { Decider, DomainError } from "@ihp/eventsourcing";
import { supervisionFeedEvent } from "../adverseEvents/supervisionEntries.js";
import { supervisionError } from "../adverseEvents/supervisionErrors.js";
import type { FeedJurisdiction } from "../feed/entries.js";
import type { FeedEvent } from "../feed/feedDecider.js";
import type { FinishedConsultFacts } from "./finishedConsult.js";

// REP-04 satisfaction: one rating per consult, by its patient, once it is finished. The comment is sealed in the log
// and never fed: the regulator gets the score, the consult, its physician and department.

export const MAX_COMMENT_LENGTH = 500;

export type RateConsult = {
  readonly type: "RateConsult";
  readonly consultId: string;
  readonly score: number;
  readonly comment: string;
  readonly raterId: string;
  readonly consult: FinishedConsultFacts | undefined;
  readonly jurisdiction: FeedJurisdiction;
  readonly now: string;
};

export type ConsultRated = {
  readonly type: "ConsultRated";
  readonly data: {
    readonly consultId: string;
    readonly institutionId: string;
    readonly patientId: string;
    readonly score: number;
    readonly comment: string;
    readonly ratedAt: string;
  };
};

export type RatingEvent = ConsultRated | FeedEvent;

export const ratingStreamId = (consultId: string): string => `reporting-rating-${consultId}`;

export const ratingDecider: Decider<RateConsult, RatingEvent, { readonly rated: boolean }> = {
  initialState: { rated: false },
  evolve: (state, event) => (event.type === "ConsultRated" ? { rated: true } : state),
  decide(command, state) {
    return rate(command, state);
  },
};

function rate(command: RateConsult, state: { readonly rated: boolean }): readonly RatingEvent[] | DomainError {
  const comment = command.comment.trim();
  if (!Number.isInteger(command.score) || command.score < 1 || command.score > 5 || comment.length > MAX_COMMENT_LENGTH) {
    return supervisionError("RATING_INVALID");
  }
  const consult = command.consult;
  if (consult === undefined || !consult.finished || consult.patientId !== command.raterId) return supervisionError("CONSULT_NOT_FINISHED");
  if (state.rated) return supervisionError("CONSULT_ALREADY_RATED");
  const { consultId, score, now } = command;
  const { institutionId, patientId, physicianId, departmentCode } = consult;
  const header = { sourceEventId: `satisfaction:${consultId}`, institutionId, jurisdiction: command.jurisdiction, occurredAt: now };
  return [
    { type: "ConsultRated", data: { consultId, institutionId, patientId, score, comment, ratedAt: now } },
    supervisionFeedEvent(header, { category: "SATISFACTION", entry: { consultId, physicianId, departmentCode, score, ratedAt: now } }),
  ];
}
