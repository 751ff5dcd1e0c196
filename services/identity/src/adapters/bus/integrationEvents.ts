import { InstitutionRegistered, LicenceChanged, RegulatorConnectionChanged } from "@ihp/contracts/identity";
import type { StoredEvent } from "@ihp/eventsourcing";
import { envelopedMessage, type BusMessage } from "@ihp/messaging";
import { toInstitutionEvent } from "../../application/institutionEvents.js";
import { staffRecordPayload } from "./staffRecordMessage.js";
import { isInstitutionEventType } from "../../domain/institutions/index.js";
import { gradeToProto } from "../grades.js";

export const IDENTITY_CONTEXT = "identity";
const PROTO_PACKAGE = "ihp.identity.v1";

/** What one domain event becomes on the bus: the integration message's type name and its protobuf bytes. */
interface Payload {
  readonly type: string;
  readonly bytes: Uint8Array;
}

/**
 * The relay's mapping (ARCHITECTURE §5): institution events leave the service as the integration events of
 * proto/ihp/identity/v1 on ihp.identity.v1.<Type>, inside an EventEnvelope whose payload is the protobuf encoding.
 * Everything else — AccessRefused in particular — stays private (null).
 */
export function identityEventMessage(event: StoredEvent): BusMessage | null {
  const payload = payloadOf(event);
  if (payload === null) return null;
  return envelopedMessage(event, {
    subject: `${PROTO_PACKAGE}.${payload.type}`,
    type: payload.type,
    contentType: `application/x-protobuf; proto=${PROTO_PACKAGE}.${payload.type}`,
    payload: payload.bytes,
  });
}

function payloadOf(stored: StoredEvent): Payload | null {
  if (!isInstitutionEventType(stored.type)) return null;
  const event = toInstitutionEvent(stored);
  switch (event.type) {
    case "InstitutionRegistered": {
      const { data } = event;
      const message: InstitutionRegistered = {
        institution: {
          institutionId: data.institutionId,
          name: data.name,
          grade: gradeToProto(data.grade),
          licence: { ...data.licence },
          subjectCodes: [...data.subjectCodes],
          jurisdiction: data.jurisdiction,
          hostInstitutionName: data.hostInstitutionName,
          hostLicenceNumber: data.hostLicenceNumber,
          regulatorConnected: false,
          revision: BigInt(stored.revision),
        },
      };
      return { type: event.type, bytes: InstitutionRegistered.encode(message).finish() };
    }
    case "LicenceChanged": {
      const { data } = event;
      const message: LicenceChanged = {
        institutionId: data.institutionId,
        licence: { ...data.licence },
        subjectCodes: [...data.subjectCodes],
      };
      return { type: event.type, bytes: LicenceChanged.encode(message).finish() };
    }
    case "RegulatorConnectionChanged": {
      const message: RegulatorConnectionChanged = { ...event.data };
      return { type: event.type, bytes: RegulatorConnectionChanged.encode(message).finish() };
    }
  }
}

/**
 * The relay's mapping with practitioners' staff records (REP-03): StaffRecordChanged leaves as
 * ihp.identity.v1.StaffRecordChanged; `openIdNumber` unseals the ID number the contract carries to the regulator.
 */
export function identityEventMapping(deps: {
  readonly openIdNumber: (sealed: string, practitionerId: string) => string;
}): (event: StoredEvent) => BusMessage | null {
  return (event) => {
    const staffRecord = staffRecordPayload(event, deps.openIdNumber);
    if (staffRecord === null) return identityEventMessage(event);
    const type = "StaffRecordChanged";
    return envelopedMessage(event, {
      subject: `${PROTO_PACKAGE}.${type}`,
      type,
      contentType: `application/x-protobuf; proto=${PROTO_PACKAGE}.${type}`,
      payload: staffRecord,
    });
  };
}
