import { ConsultCompleted, ConsultStarted, ConsultTerminated } from "@ihp/contracts/consult";
import { decodeEnvelope, type DeliveredMessage } from "@ihp/messaging";
import type { CareRelationships } from "../../application/care/careRelationships.js";

/** The consult facts identity's care relationships are built from (proto/ihp/consult/v1/events.proto). */
export const CONSULT_CARE_SUBJECTS = ["ihp.consult.v1.ConsultStarted", "ihp.consult.v1.ConsultCompleted", "ihp.consult.v1.ConsultTerminated"];
export const CARE_DURABLE = "identity-care-relationships";

/** Records each consult start and end; a message of another type is acknowledged and ignored. */
export function consultCareHandler(care: CareRelationships): (message: DeliveredMessage) => Promise<void> {
  return async (message) => {
    const { envelope } = decodeEnvelope(message);
    const source = { messageId: envelope.id, correlationId: envelope.metadata?.correlationId ?? "" };
    switch (envelope.type) {
      case "ConsultStarted": {
        const started = ConsultStarted.decode(envelope.payload);
        const { consultId, institutionId, patientId, physicianId, startedAt } = started;
        await care.started({ consultId, institutionId, patientId, physicianId, startedAt }, source);
        return;
      }
      case "ConsultCompleted": {
        const completed = ConsultCompleted.decode(envelope.payload);
        await care.ended({ consultId: completed.consultId, institutionId: completed.institutionId, endedAt: completed.completedAt }, source);
        return;
      }
      case "ConsultTerminated": {
        const terminated = ConsultTerminated.decode(envelope.payload);
        await care.ended({ consultId: terminated.consultId, institutionId: terminated.institutionId, endedAt: terminated.terminatedAt }, source);
        return;
      }
      default:
        return;
    }
  };
}
