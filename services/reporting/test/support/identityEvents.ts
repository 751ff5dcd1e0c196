import { EventEnvelope } from "@ihp/contracts";
import {
  HospitalGrade,
  type Institution,
  InstitutionRegistered,
  LicenceChanged,
  RegulatorConnectionChanged,
} from "@ihp/contracts/identity";
import { uuidv7 } from "@ihp/eventsourcing";
import type { BusMessage } from "@ihp/messaging";

// Identity's integration events as they travel on the bus: an EventEnvelope whose payload is the event's protobuf.
// Built by hand here: the tests must not depend on the identity service's code.

export interface EnvelopeOptions {
  readonly id?: string;
  readonly occurredAt?: string;
  readonly contentType?: string;
}

export function identityMessage(type: string, payload: Uint8Array, options: EnvelopeOptions = {}): BusMessage {
  return contextMessage("identity", type, payload, options);
}

/** A message as the relay of `context` (identity, consult, prescription, pharmacy) publishes it. */
export function contextMessage(context: string, type: string, payload: Uint8Array, options: EnvelopeOptions = {}): BusMessage {
  const id = options.id ?? uuidv7();
  const envelope: EventEnvelope = {
    id,
    type,
    schemaVersion: 1,
    streamId: `${context}-x`,
    streamRevision: 0n,
    logPosition: "1",
    metadata: {
      actorId: "admin-1",
      actorRole: "institution_admin",
      tenantId: "tenant-1",
      correlationId: `corr-${id}`,
      causationId: id,
      traceparent: "",
      tracestate: "",
      occurredAt: options.occurredAt ?? "2026-03-01T08:00:00.000Z",
      profileVersion: "",
      requestId: "",
    },
    hash: "0".repeat(64),
    contentType: options.contentType ?? `application/x-protobuf; proto=ihp.${context}.v1.${type}`,
    payload: Buffer.from(payload),
  };
  return { subject: `ihp.${context}.v1.${type}`, id, data: EventEnvelope.encode(envelope).finish(), headers: {} };
}

export function institution(overrides: Partial<Institution> = {}): Institution {
  return {
    institutionId: uuidv7(),
    name: "天津市第一互联网医院",
    grade: HospitalGrade.HOSPITAL_GRADE_TERTIARY_A,
    licence: { number: "PDY00001X12010011A1001", validFrom: "2026-01-01", validUntil: "2030-12-31" },
    subjectCodes: ["03.07", "04"],
    jurisdiction: "tianjin",
    hostInstitutionName: "天津市第一中心医院",
    hostLicenceNumber: "12010011A1001",
    regulatorConnected: false,
    revision: 0n,
    ...overrides,
  };
}

export function registered(value: Institution, options?: EnvelopeOptions): BusMessage {
  return identityMessage("InstitutionRegistered", InstitutionRegistered.encode({ institution: value }).finish(), options);
}

export function licenceChanged(institutionId: string, subjectCodes: string[] = [], options?: EnvelopeOptions): BusMessage {
  const payload = LicenceChanged.encode({
    institutionId,
    licence: { number: "PDY00002X12010011A1001", validFrom: "2026-03-01", validUntil: "2031-02-28" },
    subjectCodes,
  }).finish();
  return identityMessage("LicenceChanged", payload, options);
}

export function connectionChanged(institutionId: string, connected = true, options?: EnvelopeOptions): BusMessage {
  const payload = RegulatorConnectionChanged.encode({ institutionId, connected, platformReference: "TJ-JG-2026-0042" }).finish();
  return identityMessage("RegulatorConnectionChanged", payload, options);
}
