import type { DeliveryOutcome, RegulatorAdapter } from "../../application/delivery/regulatorAdapter.js";
import type { RegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { type HttpEndpoint, httpPost, statusFailure } from "./httpPost.js";

/** The generic JSON push: POST /messages { messages: [...] } → { acks: [{ messageId, serial }] }. */
export function jsonPushAdapter(endpoint: HttpEndpoint): RegulatorAdapter {
  return {
    name: "json-push",
    mode: "push",
    async deliver(messages) {
      const body = JSON.stringify({ messages: messages.map(wireMessage) });
      const answer = await httpPost(endpoint, "messages", body, "application/json");
      if (answer.status < 200 || answer.status > 299) return messages.map((m) => ({ messageId: m.messageId, ok: false, reason: statusFailure(answer.status) }));
      return acksOf(answer.text);
    },
  };
}

/** The wire form: the message's ids, type, institution and time, and its minimum-necessary body. */
export function wireMessage(message: RegulatorMessage) {
  const { messageId, businessId, type, institutionId, occurredAt, body } = message;
  return { messageId, businessId, type, institutionId, occurredAt, body };
}

/** Acknowledgements of a JSON answer; anything not shaped like one is ignored (its message counts as unanswered). */
export function acksOf(text: string): DeliveryOutcome[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const acks = (parsed as { acks?: unknown }).acks;
  if (!Array.isArray(acks)) return [];
  return acks.flatMap((ack: { messageId?: unknown; serial?: unknown }) =>
    typeof ack.messageId === "string" && typeof ack.serial === "string" && ack.serial !== "" ? [{ messageId: ack.messageId, ok: true as const, serial: ack.serial }] : [],
  );
}
