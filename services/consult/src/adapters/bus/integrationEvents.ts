import { ConsultCompleted, ConsultRefused, ConsultStarted, ConsultTerminated } from "@ihp/contracts/consult";
import type { StoredEvent } from "@ihp/eventsourcing";
import { type BusMessage, envelopedMessage } from "@ihp/messaging";
import { toConsultEvent } from "../../application/consultEvents.js";
import { isConsultEventType } from "../../domain/consults/index.js";

export const CONSULT_CONTEXT = "consult";
const PROTO_PACKAGE = "ihp.consult.v1";

interface Payload {
  readonly type: string;
  readonly bytes: Uint8Array;
}

/**
 * The relay's mapping: four facts leave the service (proto/ihp/consult/v1/events.proto), with the minimum fields the
 * regulator feed needs — no names, no summary text, no messages. Everything else stays private (null).
 */
export function consultEventMessage(stored: StoredEvent): BusMessage | null {
  const payload = payloadOf(stored);
  if (payload === null) return null;
  return envelopedMessage(stored, {
    subject: `${PROTO_PACKAGE}.${payload.type}`,
    type: payload.type,
    contentType: `application/x-protobuf; proto=${PROTO_PACKAGE}.${payload.type}`,
    payload: payload.bytes,
  });
}

function payloadOf(stored: StoredEvent): Payload | null {
  if (!isConsultEventType(stored.type)) return null;
  const event = toConsultEvent(stored);
  switch (event.type) {
    case "ConsultStarted": {
      const { data } = event;
      const message: ConsultStarted = { ...data };
      return { type: "ConsultStarted", bytes: ConsultStarted.encode(message).finish() };
    }
    case "ConsultCompleted": {
      const { data } = event;
      const message: ConsultCompleted = {
        consultId: data.consultId,
        institutionId: data.institutionId,
        physicianId: data.physicianId,
        completedAt: data.completedAt,
        diagnoses: data.diagnoses.map(({ code, name, version }) => ({ code, name, version })),
        summaryHash: data.signature.documentHash,
      };
      return { type: "ConsultCompleted", bytes: ConsultCompleted.encode(message).finish() };
    }
    case "ConsultTerminated": {
      const { data } = event;
      const message: ConsultTerminated = {
        consultId: data.consultId,
        institutionId: data.institutionId,
        physicianId: data.physicianId,
        reasonCode: data.reasonCode,
        terminatedAt: data.terminatedAt,
        referredOffline: true,
      };
      return { type: "ConsultTerminated", bytes: ConsultTerminated.encode(message).finish() };
    }
    case "ConsultRequestRefused": {
      const { data } = event;
      const message: ConsultRefused = {
        consultId: data.consultId,
        institutionId: data.institutionId,
        reasonCode: data.code,
        refusedAt: data.refusedAt,
        consultType: data.consultType,
        departmentCode: data.departmentCode,
      };
      return { type: "ConsultRefused", bytes: ConsultRefused.encode(message).finish() };
    }
    case "FollowUpEligibilityDecided": {
      const { data } = event;
      if (data.eligible) return null;
      const tenant = stored.metadata.tenantId;
      const message: ConsultRefused = {
        consultId: data.consultId,
        institutionId: tenant,
        reasonCode: data.reasonCode,
        refusedAt: data.decidedAt,
        consultType: "FOLLOW_UP",
        departmentCode: "",
      };
      return { type: "ConsultRefused", bytes: ConsultRefused.encode(message).finish() };
    }
    default:
      return null;
  }
}
