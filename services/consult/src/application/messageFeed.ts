import { type EventStore, subscribeToStream } from "@ihp/eventsourcing";
import type { AuditTrail } from "@ihp/platform";
import type { MessageSentData } from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import { loadConsult } from "./consultEvents.js";
import { consultStreamId, requireConsultId } from "./ids.js";
import { requireParticipant } from "./policy.js";
import { consultResource, recordingRefusals } from "./refusals.js";

const CLOSING = new Set(["ConsultCompleted", "ConsultTerminated"]);

/**
 * The live feed of one consult's messages: its history, then each new message as it is appended (catch-up
 * subscription to the consult's own stream after the last event read, so none is lost between the two), until the
 * consult closes or the signal aborts. Only the consult's patient, guardian or physician may watch.
 *
 * Issue 15: the subscription is to the stream, not the whole log — starting costs a read of the stream by its index
 * however old the consult, and other consults' events wake nobody here (stores without stream subscriptions fall
 * back to filtering the log: see subscribeToStream).
 */
export function createMessageFeed(options: { store: EventStore; audit: AuditTrail }) {
  return async function watch(caller: Caller, rawId: string, signal: AbortSignal, send: (message: MessageSentData) => Promise<void>): Promise<void> {
    const { history, consult } = await recordingRefusals(options.audit, caller, "WatchMessages", consultResource(rawId), async () => {
      requireParticipant(caller.principal);
      const view = await loadConsult(options.store, requireConsultId(rawId));
      const { subject } = caller.principal;
      if (![view.consult.patientId, view.consult.guardianId, view.consult.physicianId].filter((id) => id !== "").includes(subject)) {
        throw refusal("NOT_CONSULT_PARTICIPANT");
      }
      return view;
    });
    for (const event of history) if (event.type === "MessageSent") await send(event.data as unknown as MessageSentData);
    const last = history.at(-1);
    if (last === undefined || consult.status === "COMPLETED" || consult.status === "TERMINATED_REFERRED") return;
    const streamId = consultStreamId(consult.consultId);
    for await (const event of subscribeToStream(options.store, streamId, { after: last, signal })) {
      if (event.type === "MessageSent") await send(event.data as unknown as MessageSentData);
      if (CLOSING.has(event.type)) return;
    }
  };
}
