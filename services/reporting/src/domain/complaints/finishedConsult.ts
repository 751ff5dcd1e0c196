/**
 * A consult as the feed recorded it (its start, and its completion or termination), which is all reporting needs to
 * let a patient rate or complain about it: no call to consult, whose own events the feed already holds.
 */
export type FinishedConsultFacts = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly patientId: string;
  readonly physicianId: string;
  readonly departmentCode: string;
  /** Completed or terminated. */
  readonly finished: boolean;
};
