import type { EventEnvelope } from "@ihp/contracts";
import { type BusMessage, decodeEnvelope } from "@ihp/messaging";
import { type FeedFact, type SourceMessage, UndecodableMessageError } from "../application/sourceMessage.js";
import { protobufContentType } from "./contentType.js";

/** Decodes one event type's protobuf payload into the fact the domain reads. */
export type FactDecoder = (payload: Uint8Array) => FeedFact;

/**
 * A reader of one context's bus messages: the EventEnvelope, then — for the event types in `decoders` — its
 * protobuf payload (content type "application/x-protobuf; proto=<protoPackage>.<Type>", as envelopedMessage
 * writes it). Other types are "ignored". Throws UndecodableMessageError, naming ids and the problem but no payload
 * content, when it cannot read a message.
 */
export function sourceMessageDecoder(
  protoPackage: string,
  decoders: Readonly<Record<string, FactDecoder>>,
): (message: BusMessage) => SourceMessage {
  return (message) => {
    let envelope: EventEnvelope;
    try {
      envelope = decodeEnvelope(message).envelope;
    } catch (error) {
      throw new UndecodableMessageError(`message ${message.id}: not a readable event envelope`, { cause: error });
    }
    const decoder = Object.hasOwn(decoders, envelope.type) ? decoders[envelope.type] : undefined;
    if (decoder === undefined) return { kind: "ignored", type: envelope.type };
    if (!sameMediaType(envelope.contentType, protobufContentType(`${protoPackage}.${envelope.type}`))) {
      throw new UndecodableMessageError(`event ${envelope.id} (${envelope.type}): unexpected content type`);
    }
    let fact: FeedFact;
    try {
      fact = decoder(envelope.payload);
    } catch (error) {
      const problem = `event ${envelope.id} (${envelope.type}): payload does not decode`;
      throw new UndecodableMessageError(problem, { cause: error });
    }
    const metadata = envelope.metadata;
    return {
      kind: "fact",
      event: { sourceEventId: envelope.id, occurredAt: metadata?.occurredAt ?? "", fact },
      source: {
        correlationId: metadata?.correlationId ?? "",
        traceparent: metadata?.traceparent,
        tracestate: metadata?.tracestate,
      },
    };
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
