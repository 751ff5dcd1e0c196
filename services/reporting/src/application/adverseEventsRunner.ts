import { type Decider, type DomainEvent, DomainError, type EventStore, handleCommand, isRequestId, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import { createAuditTrail, denialError, type Decision, type Principal, type RemoteError } from "@ihp/platform";
import { invalidRequestId } from "../domain/ids.js";

/**
 * How the supervision handlers (adverse events, suspensions, ratings, complaints) run a decider: one append per
 * command, idempotent by request id (INVALID_REQUEST_ID unless it is one), tenant recorded in metadata; a refusal (a
 * decider's DomainError or a denied role) writes nothing but its AccessRefused audit record (XC-01/XC-02) and is
 * thrown.
 */
export interface SupervisionRunner {
  readonly newId: () => string;
  run<C, E extends DomainEvent, S>(
    principal: Principal,
    action: string,
    target: { readonly decider: Decider<C, E, S>; readonly streamId: string; readonly tenantId: string; readonly ruleId: string },
    command: C,
    requestId?: string,
  ): Promise<{ readonly events: readonly StoredEvent[]; readonly repeated: boolean }>;
  /** Records the refusal (ours, or another service's passed on) and throws it. */
  refuse(principal: Principal, action: string, resource: string, ruleId: string, error: DomainError | RemoteError): Promise<never>;
  /** Refuses a denied authorization decision; returns when allowed. */
  allow(principal: Principal, action: string, resource: string, ruleId: string, decision: Decision): Promise<void>;
}

export function supervisionRunner(store: EventStore, clock: () => Date): SupervisionRunner {
  const newId = (): string => uuidv7(clock().getTime());
  const trail = createAuditTrail({ store, context: "reporting", clock, newId });

  async function refuse(principal: Principal, action: string, resource: string, ruleId: string, error: DomainError | RemoteError): Promise<never> {
    await trail.refused({ principal, action, reason: error.code, resource, ruleId, correlationId: newId(), trace: {} });
    throw error;
  }

  return {
    newId,
    refuse,
    async allow(principal, action, resource, ruleId, decision) {
      if (!decision.allowed) await refuse(principal, action, resource, ruleId, denialError(decision) as DomainError);
    },
    async run(principal, action, target, command, requestId) {
      if (requestId !== undefined && !isRequestId(requestId)) return refuse(principal, action, target.streamId, target.ruleId, invalidRequestId());
      const correlationId = requestId ?? newId();
      try {
        const result = await handleCommand(
          store,
          target.decider,
          {
            streamId: target.streamId,
            command,
            metadata: {
              actorId: principal.subject,
              actorRole: principal.roles[0] ?? "",
              tenantId: target.tenantId,
              correlationId,
              causationId: correlationId,
            },
            ...(requestId === undefined ? {} : { requestId }),
            now: clock(),
          },
          { newEventId: newId },
        );
        return { events: result.events, repeated: result.repeated };
      } catch (error) {
        // Only the decider's refusals are audited; a store failure is not a refusal.
        if (error instanceof DomainError && error.kind !== "ABORTED") return refuse(principal, action, target.streamId, target.ruleId, error);
        throw error;
      }
    },
  };
}
