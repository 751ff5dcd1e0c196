import type { EventEnvelope } from "@ihp/contracts";
import {
  hospitalGradeToJSON,
  InstitutionRegistered,
  LicenceChanged,
  RegulatorConnectionChanged,
} from "@ihp/contracts/identity";
import { type BusMessage, decodeEnvelope } from "@ihp/messaging";
import type { IdentityFact } from "../domain/feed/facts.js";
import { type IdentityMessage, UndecodableMessageError } from "../application/identityMessage.js";
import { protobufContentType } from "./contentType.js";

// The identity events the feed reports, each with its decoder. Anything else on ihp.identity.v1.> is ignored.
const DECODERS: Readonly<Record<string, (payload: Uint8Array) => IdentityFact>> = {
  InstitutionRegistered: (payload) => {
    const { institution } = InstitutionRegistered.decode(payload);
    if (institution === undefined) throw new Error("InstitutionRegistered without an institution");
    // The whole institution goes on: the domain's minimum-necessary mapping is the one place that picks fields.
    const grade = hospitalGradeToJSON(institution.grade);
    return { type: "InstitutionRegistered", institution: { ...institution, grade } };
  },
  LicenceChanged: (payload) => ({ ...LicenceChanged.decode(payload), type: "LicenceChanged" }),
  RegulatorConnectionChanged: (payload) => ({
    ...RegulatorConnectionChanged.decode(payload),
    type: "RegulatorConnectionChanged",
  }),
};

/**
 * Reads an identity bus message: the EventEnvelope, then its protobuf payload (content type
 * "application/x-protobuf; proto=ihp.identity.v1.<Type>"). Throws UndecodableMessageError, naming ids and the
 * problem but no payload content, when it cannot.
 */
export function decodeIdentityMessage(message: BusMessage): IdentityMessage {
  let envelope: EventEnvelope;
  try {
    envelope = decodeEnvelope(message).envelope;
  } catch (error) {
    throw new UndecodableMessageError(`message ${message.id}: not a readable event envelope`, { cause: error });
  }
  const decoder = Object.hasOwn(DECODERS, envelope.type) ? DECODERS[envelope.type] : undefined;
  if (decoder === undefined) return { kind: "ignored", type: envelope.type };
  if (!sameMediaType(envelope.contentType, protobufContentType(`ihp.identity.v1.${envelope.type}`))) {
    throw new UndecodableMessageError(`event ${envelope.id} (${envelope.type}): unexpected content type`);
  }
  let fact: IdentityFact;
  try {
    fact = decoder(envelope.payload);
  } catch (error) {
    const problem = `event ${envelope.id} (${envelope.type}): payload does not decode`;
    throw new UndecodableMessageError(problem, { cause: error });
  }
  const metadata = envelope.metadata;
  return {
    kind: "fact",
    command: { sourceEventId: envelope.id, occurredAt: metadata?.occurredAt ?? "", fact },
    source: {
      correlationId: metadata?.correlationId ?? "",
      traceparent: metadata?.traceparent,
      tracestate: metadata?.tracestate,
    },
  };
}

/** Media types compare without case and white space around parameters ("a/b; proto=x" = "a/b;proto=x"). */
function sameMediaType(actual: string, expected: string): boolean {
  const normalise = (value: string): string =>
    value
      .split(";")
      .map((part) => part.trim())
      .join(";")
      .toLowerCase();
  return normalise(actual) === normalise(expected);
}
