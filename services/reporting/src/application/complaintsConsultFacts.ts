import type { EventStore } from "@ihp/eventsourcing";
import type { FinishedConsultFacts } from "../domain/complaints/finishedConsult.js";
import { isReportingId } from "../domain/ids.js";
import { feedRecordOf } from "./feedQueries.js";

/**
 * A consult as the feed recorded it from consult's events (stream reporting-consult-<id>): who it was for, who
 * treated, where, and whether it finished. Undefined when the feed has no start of it (never started, or not yet
 * consumed: the caller gets CONSULT_NOT_FINISHED and may try again).
 */
export async function consultFacts(store: EventStore, consultId: string): Promise<FinishedConsultFacts | undefined> {
  if (!isReportingId(consultId)) return undefined;
  let facts: FinishedConsultFacts | undefined;
  let finished = false;
  for (const event of await store.readStream(`reporting-consult-${consultId}`)) {
    const data = feedRecordOf(event)?.data;
    if (data?.category !== "CONSULT") continue;
    if (data.kind === "STARTED") {
      const { patientId, physicianId, departmentCode } = data.entry;
      facts = { consultId, institutionId: data.institutionId, patientId, physicianId, departmentCode, finished: false };
    }
    if (data.kind === "COMPLETED" || data.kind === "TERMINATED") finished = true;
  }
  return facts === undefined ? undefined : { ...facts, finished };
}
