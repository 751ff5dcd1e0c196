import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, denialError, type Role } from "@ihp/platform";
import { type BusinessHours, type ReviewCoverage, type RosterCommand, reviewCoverage, type Shift, shiftsOf } from "../domain/roster/index.js";
import type { Caller } from "./caller.js";
import { derivedId, requireInstitutionId, requireRequestId } from "./ids.js";
import { rosterBooks } from "./rosterBooks.js";
import { authorizeOn, type PharmacyAction, permitted, roleGate } from "./policy.js";
import type { IdentityPort } from "./ports.js";
import { recordingRefusals } from "@ihp/platform";

export interface RosterCommandsOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly hours: BusinessHours;
  /**
   * Asks identity (on pharmacy's own behalf) whether a pharmacist may review at the roster's institution (PHA-02)
   * before a shift is scheduled. Only scheduling calls it; the coverage timer builds a roster without it.
   */
  readonly identity?: Pick<IdentityPort, "checkReviewer"> | undefined;
}

export interface CoverageView extends ReviewCoverage {
  readonly at: string;
}

export interface Roster {
  schedule(
    caller: Caller,
    input: { readonly requestId: string; readonly institutionId: string; readonly pharmacistId: string; readonly startsAt: string; readonly endsAt: string },
  ): Promise<Shift & { readonly institutionId: string }>;
  cancel(caller: Caller, input: { readonly requestId: string; readonly institutionId: string; readonly shiftId: string }): Promise<void>;
  /** PHA-06: coverage now; records the gap alert (once per gap) and its end as a side effect. */
  coverage(caller: Caller, institutionId: string): Promise<CoverageView>;
  /** The same check on the service's own timer, as the service (MonitorReviewCoverage): not reachable over gRPC. */
  monitorCoverage(caller: Caller, institutionId: string): Promise<CoverageView>;
}

/** The review roster (PHA-06): shifts per institution as events, and the coverage check patients and alerts read. */
export function createRoster(options: RosterCommandsOptions): Roster {
  const { store, audit, clock } = options;
  const books = rosterBooks(store, options.newEventId);

  /** Records the command in the books of the month of `now` (PHA-06, see rosterBooks). */
  async function execute(caller: Caller, role: Role, institutionId: string, requestId: string, command: RosterCommand, now = clock()) {
    const who = {
      actorId: caller.principal.subject,
      actorRole: role,
      tenantId: institutionId,
      correlationId: caller.correlationId,
      causationId: requestId,
      ...caller.trace,
    };
    return books.execute(institutionId, command, { who, requestId, now });
  }

  function allowed(action: PharmacyAction, caller: Caller, rawInstitutionId: string): { role: Role; institutionId: string } {
    const gate = roleGate(action, caller.principal);
    if (!gate.allowed) throw denialError(gate);
    const institutionId = requireInstitutionId(rawInstitutionId);
    return { role: permitted(authorizeOn(action, caller.principal, { institutionId })), institutionId };
  }

  return {
    schedule(caller, input) {
      return recordingRefusals(audit, caller, "ScheduleShift", undefined, async () => {
        const { role, institutionId } = allowed("ScheduleShift", caller, input.institutionId);
        const requestId = requireRequestId(input.requestId);
        const shiftId = derivedId("shift", requestId);
        const { pharmacistId, startsAt, endsAt } = input;
        // A shift counts as review coverage (PHA-06), so it may name only someone identity confirms reviews here: not
        // a pharmacist of another institution, nor an id that names nobody. Refused with identity's code.
        if (options.identity === undefined) throw new Error("the roster needs identity to schedule shifts");
        await options.identity.checkReviewer({ pharmacistId, institutionId }, { token: undefined, deadline: caller.deadline });
        const result = await execute(caller, role, institutionId, requestId, { type: "ScheduleShift", shiftId, pharmacistId, startsAt, endsAt });
        const shift = shiftsOf(result.state).find((candidate) => candidate.shiftId === shiftId);
        if (shift === undefined) throw new Error("scheduled shift missing from the roster");
        return { ...shift, institutionId };
      });
    },

    cancel(caller, input) {
      return recordingRefusals(audit, caller, "CancelShift", undefined, async () => {
        const { role, institutionId } = allowed("CancelShift", caller, input.institutionId);
        const requestId = requireRequestId(input.requestId);
        await execute(caller, role, institutionId, requestId, { type: "CancelShift", shiftId: input.shiftId });
      });
    },

    coverage(caller, rawInstitutionId) {
      return checkCoverage("GetReviewCoverage", caller, rawInstitutionId);
    },

    monitorCoverage(caller, rawInstitutionId) {
      return checkCoverage("MonitorReviewCoverage", caller, rawInstitutionId);
    },
  };

  function checkCoverage(action: "GetReviewCoverage" | "MonitorReviewCoverage", caller: Caller, rawInstitutionId: string): Promise<CoverageView> {
    return recordingRefusals(audit, caller, action, undefined, async () => {
      const { role, institutionId } = allowed(action, caller, rawInstitutionId);
      const at = clock();
      const read = await books.current(institutionId, at);
      let coverage = reviewCoverage(shiftsOf(read.state), options.hours, at);
      // Only opening the month's books or a change of gap state appends (the decider answers [] otherwise): no write
      // per patient query.
      if (!read.open || coverage.gap !== read.state.gapOpen) {
        const check: RosterCommand = { type: "CheckReviewCoverage", hours: options.hours, at };
        const { state } = await execute(caller, role, institutionId, `coverage:${at.toISOString()}`, check, at);
        coverage = reviewCoverage(shiftsOf(state), options.hours, at);
      }
      return { ...coverage, at: at.toISOString() };
    });
  }
}
