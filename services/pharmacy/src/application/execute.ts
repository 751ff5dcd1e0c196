import { type EventStore, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import type { Role } from "@ihp/platform";
import { type PrescriptionCommand, type PrescriptionState, prescriptionDecider } from "../domain/prescription/index.js";
import { toPrescriptionEvent } from "./prescriptionViews.js";

/** Who acts, for which institution, in which request: the metadata every appended event carries. */
export interface Acting {
  readonly actorId: string;
  readonly role: Role | "system";
  readonly institutionId: string;
  readonly correlationId: string;
  /** The request (or bus message) that caused it; also the idempotency key. */
  readonly requestId: string;
  readonly trace: { readonly traceparent?: string | undefined; readonly tracestate?: string | undefined };
  /** XC-08: the jurisdiction profile version the decision used, when it used one. */
  readonly profileVersion?: string | undefined;
}

export interface Executor {
  readonly store: EventStore;
  readonly newEventId: () => string;
}

/** read → fold → decide → append on one prescription version, idempotent by request id. */
export async function executeOnPrescription(
  executor: Executor,
  streamId: string,
  acting: Acting,
  command: PrescriptionCommand,
  now: Date,
): Promise<{ readonly state: PrescriptionState; readonly events: readonly StoredEvent[]; readonly repeated: boolean }> {
  const { traceparent, tracestate } = acting.trace;
  return handleCommand(
    executor.store,
    prescriptionDecider,
    {
      streamId,
      command,
      metadata: {
        actorId: acting.actorId,
        actorRole: acting.role,
        tenantId: acting.institutionId,
        correlationId: acting.correlationId,
        causationId: acting.requestId,
        ...(traceparent === undefined ? {} : { traceparent }),
        ...(tracestate === undefined ? {} : { tracestate }),
      },
      profileVersionOf: () => acting.profileVersion,
      requestId: acting.requestId,
      now,
    },
    { newEventId: executor.newEventId, toDomainEvent: toPrescriptionEvent },
  );
}
