import {
  DeliveryDispatched,
  DeliveryStatusChanged,
  PrescriptionDispensed,
  PrescriptionReviewed,
  ReviewOutcome,
} from "@ihp/contracts/pharmacy";
import type { StoredEvent } from "@ihp/eventsourcing";
import { type BusMessage, envelopedMessage } from "@ihp/messaging";
import { versionOfStream } from "../../application/ids.js";
import { toPrescriptionEvent } from "../../application/prescriptionViews.js";
import { isPrescriptionEventType, type PrescriptionEvent } from "../../domain/prescription/index.js";
import { signatureToProto } from "../signatures.js";

export const PHARMACY_CONTEXT = "pharmacy";
const PROTO_PACKAGE = "ihp.pharmacy.v1";

interface Origin {
  readonly prescriptionId: string;
  readonly serialNumber: string;
  readonly institutionId: string;
}

/**
 * The relay's mapping: review decisions, dispensing, dispatch and tracking leave the service as the integration
 * events of proto/ihp/pharmacy/v1/events.proto; everything else (receipt, screening, roster, refusals) stays private.
 * Prescription and serial come from the stream id, the institution from the event's tenant.
 */
export function pharmacyEventMessage(stored: StoredEvent): BusMessage | null {
  if (!isPrescriptionEventType(stored.type)) return null;
  const ref = versionOfStream(stored.streamId);
  if (ref === undefined) return null;
  const payload = payloadOf(toPrescriptionEvent(stored), { ...ref, institutionId: stored.metadata.tenantId });
  if (payload === null) return null;
  return envelopedMessage(stored, {
    subject: `${PROTO_PACKAGE}.${payload.type}`,
    type: payload.type,
    contentType: `application/x-protobuf; proto=${PROTO_PACKAGE}.${payload.type}`,
    payload: payload.bytes,
  });
}

function payloadOf(event: PrescriptionEvent, ids: Origin): { type: string; bytes: Uint8Array } | null {
  switch (event.type) {
    case "PrescriptionApproved":
    case "PrescriptionReturned":
    case "PrescriptionRejected": {
      const outcome =
        event.type === "PrescriptionApproved"
          ? ReviewOutcome.REVIEW_OUTCOME_APPROVED
          : event.type === "PrescriptionReturned"
            ? ReviewOutcome.REVIEW_OUTCOME_RETURNED
            : ReviewOutcome.REVIEW_OUTCOME_REJECTED;
      const message: PrescriptionReviewed = {
        ...ids,
        outcome,
        reasonCode: event.type === "PrescriptionApproved" ? "" : event.data.reasonCode,
        pharmacistId: event.data.pharmacistId,
        reviewedAt: event.data.reviewedAt,
        signature: signatureToProto(event.data.signature),
      };
      return { type: "PrescriptionReviewed", bytes: PrescriptionReviewed.encode(message).finish() };
    }
    case "PrescriptionDispensed": {
      const message: PrescriptionDispensed = { ...ids, ...event.data };
      return { type: event.type, bytes: PrescriptionDispensed.encode(message).finish() };
    }
    case "DeliveryDispatched": {
      const message: DeliveryDispatched = { ...ids, ...event.data };
      return { type: event.type, bytes: DeliveryDispatched.encode(message).finish() };
    }
    case "DeliveryStatusChanged": {
      const { serialNumber: _serial, ...rest } = ids;
      const message: DeliveryStatusChanged = { ...rest, ...event.data };
      return { type: event.type, bytes: DeliveryStatusChanged.encode(message).finish() };
    }
    default:
      return null;
  }
}
