import type { Decider, DomainEvent } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";

/**
 * RX-11: every look at prescriber-by-drug statistics (统方) is itself a recorded fact, with who asked and why, before
 * any number is returned.
 */
export type RecordStatisticsQuery = {
  readonly type: "RecordStatisticsQuery";
  readonly queryId: string;
  readonly institutionId: string;
  readonly purpose: string;
  readonly by: string;
  readonly at: Date;
};

export type StatisticsQueriedData = {
  readonly queryId: string;
  readonly institutionId: string;
  readonly purpose: string;
  readonly by: string;
  readonly at: string;
};

export type StatisticsQueried = DomainEvent<"PrescribingStatisticsQueried", StatisticsQueriedData>;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

export const governanceDecider: Decider<RecordStatisticsQuery, StatisticsQueried, null> = {
  initialState: null,
  evolve: (state) => state,
  decide(command) {
    const purpose = command.purpose.trim();
    if (purpose.length < 4 || purpose.length > 200 || CONTROL.test(purpose)) return refusal("PURPOSE_REQUIRED");
    const { queryId, institutionId, by } = command;
    return [{ type: "PrescribingStatisticsQueried", data: { queryId, institutionId, purpose, by, at: command.at.toISOString() } }];
  },
};
