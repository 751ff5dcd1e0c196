import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { type MedicalRecord, refusal } from "../domain/index.js";
import type { Caller } from "./caller.js";
import type { RecordStore } from "./store.js";

/**
 * Records awaiting co-signature (REC-05) in the caller's institution, for a physician in person: every record pending
 * now, then each one as its author signs it, and once more (SIGNED) when it is co-signed and leaves the list, until
 * the signal ends. What is sent is the record without its clinical content (header, author, status): opening it is
 * a read like any other, with its access event.
 */
export function createPendingCosignFeed(options: { store: EventStore; records: RecordStore; audit: AuditTrail }) {
  const { store, records, audit } = options;
  return async function watch(caller: Caller, signal: AbortSignal, send: (record: MedicalRecord) => Promise<void>): Promise<void> {
    await recordingRefusals(audit, caller, "WatchPendingCosign", undefined, () => {
      const { principal } = caller;
      if (principal.kind !== "human" || !principal.roles.includes("physician")) return Promise.reject(refusal("RECORD_ACCESS_DENIED"));
      return Promise.resolve();
    });
    const sent = new Set<string>();
    for await (const event of store.subscribe({ signal })) {
      const documentId = event.data["documentId"];
      if (typeof documentId !== "string") continue;
      if (event.type === "RecordCosigned" && sent.has(documentId)) {
        // REC-05: co-signed, it leaves the list: sent once more, now SIGNED (header only, as before).
        sent.delete(documentId);
        await send(await records.record(documentId));
        continue;
      }
      if (event.type !== "RecordAttested" || event.data["status"] !== "PENDING_COSIGN") continue;
      if (sent.has(documentId)) continue;
      const record = await records.record(documentId);
      const mine = record.header.custodian.institutionId === caller.principal.tenantId && record.author.practitionerId !== caller.principal.subject;
      if (!mine || record.status !== "PENDING_COSIGN") continue;
      sent.add(documentId);
      await send(record);
    }
  };
}
