import type { EventStore } from "@ihp/eventsourcing";
import type { AuditTrail } from "@ihp/platform";
import type { Consult, ConsultCompletedData, ConsultStartedData, MessageSentData, RecordingStoredData } from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import { completionOf, loadConsult } from "./consultEvents.js";
import { requireConsultId } from "./ids.js";
import { consultResource, recordingRefusals } from "./refusals.js";

/** What the records service assembles the outpatient record from (REC-01): a completed consult's clinical source. */
export interface RecordSource {
  readonly consult: Consult;
  readonly startedAt: string;
  readonly completion: ConsultCompletedData;
  readonly transcript: readonly MessageSentData[];
  readonly recordings: readonly RecordingStoredData[];
}

/**
 * ConsultRecordSourceService.GetRecordSource: only the records service's own credential (role `records`, kind
 * service) — not `system`, not a person — and only for a completed consult. Read-only: it appends nothing but the
 * audit record of a refusal.
 */
export function createRecordSource(options: { store: EventStore; audit: AuditTrail }) {
  return (caller: Caller, rawId: string): Promise<RecordSource> =>
    recordingRefusals(options.audit, caller, "GetRecordSource", consultResource(rawId), async () => {
      const { principal } = caller;
      if (principal.kind !== "service" || !principal.roles.includes("records")) throw refusal("RECORD_SOURCE_CREDENTIAL_REQUIRED");
      const view = await loadConsult(options.store, requireConsultId(rawId));
      const completion = completionOf(view);
      if (completion === undefined) throw refusal("CONSULT_NOT_COMPLETED");
      const dataOf = <T>(type: string): T[] => view.history.filter((event) => event.type === type).map((event) => event.data as unknown as T);
      const started = dataOf<ConsultStartedData>("ConsultStarted")[0];
      return {
        consult: view.consult,
        startedAt: started?.startedAt ?? completion.completedAt,
        completion,
        transcript: dataOf<MessageSentData>("MessageSent"),
        recordings: dataOf<RecordingStoredData>("RecordingStored"),
      };
    });
}
