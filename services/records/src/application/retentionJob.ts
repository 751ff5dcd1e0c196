import type { EventStore, StoredEvent } from "@ihp/eventsourcing";
import { beijingDay } from "@ihp/jurisdiction";
import { type AuditTrail, type Logger, recordingRefusals } from "@ihp/platform";
import { type DueItem, dueOn, type MedicalRecord, retentionSubjectsOf } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { derivedId } from "./ids.js";
import { requireRole } from "./lifecycle.js";
import { type IndexEntry, indexEntryOf, retentionOf } from "./retentionFacts.js";
import { createRecordStore, type RecordStore } from "./store.js";

// REC-02, REC-03, §9: what falls due for destruction. A list put before the institution head, never an order:
// nothing is destroyed without an approval (lifecycleDestruction.ts). Held, sealed and destroyed items are left out.

export type DueEntry = DueItem & { readonly patientId: string; readonly institutionId: string };

/** Where the daily job keeps each day's list (ids, dates and profile versions only; no personal or clinical data). */
export const RETENTION_REVIEW_STREAM = "records-retention-review";

/** The index entries of every record, grouped by patient and custodian (the clock is per patient in an institution). */
async function indexByPatient(store: EventStore, institutionId: string | undefined): Promise<Map<string, IndexEntry[]>> {
  // The index events are not sealed: read the log as stored rather than opening every clinical value in it.
  const log = (store as Partial<{ sealedLog: EventStore }>).sealedLog ?? store;
  const groups = new Map<string, IndexEntry[]>();
  const seen = new Set<string>();
  let after = 0n;
  for (;;) {
    const page: readonly StoredEvent[] = await log.readAll({ after, limit: 1_000 });
    if (page.length === 0) return groups;
    after = page.at(-1)!.position;
    for (const event of page) {
      if (event.type !== "RecordIndexed" || !event.streamId.startsWith("records-patient-")) continue;
      const entry = indexEntryOf(event.data);
      if (entry === undefined || seen.has(entry.documentId)) continue;
      if (institutionId !== undefined && entry.institutionId !== institutionId) continue;
      seen.add(entry.documentId);
      const key = `${entry.institutionId}\u0000${entry.patientId}`;
      groups.set(key, [...(groups.get(key) ?? []), entry]);
    }
  }
}

/** Everything past its minimum period at `at`, for one institution or (the daily job) all of them. */
export async function dueForDestruction(deps: { store: EventStore; records: RecordStore }, at: Date, institutionId?: string): Promise<DueEntry[]> {
  const due: DueEntry[] = [];
  for (const entries of (await indexByPatient(deps.store, institutionId)).values()) {
    const records: MedicalRecord[] = [];
    for (const entry of entries) records.push(await deps.records.record(entry.documentId));
    const facts = retentionOf(records, at);
    const items = dueOn(records.flatMap((record) => retentionSubjectsOf(record, facts)), at);
    const [first] = entries;
    if (first !== undefined) due.push(...items.map((item) => ({ ...item, patientId: first.patientId, institutionId: first.institutionId })));
  }
  return due.sort((a, b) => a.retainUntil.localeCompare(b.retainUntil) || a.documentId.localeCompare(b.documentId) || a.mediaId.localeCompare(b.mediaId));
}

/** ListDueForDestruction: records staff and the institution admin, for their own institution, on the service's day. */
export function createDueList(deps: { store: EventStore; records: RecordStore; audit: AuditTrail; clock: () => Date }) {
  return (caller: Caller): Promise<{ day: string; items: DueEntry[] }> =>
    recordingRefusals(deps.audit, caller, "ListDueForDestruction", undefined, async () => {
      requireRole(caller, ["records_officer", "institution_admin"]);
      const at = deps.clock();
      return { day: beijingDay(at), items: await dueForDestruction(deps, at, caller.principal.tenantId) };
    });
}

/**
 * The daily job (service host `jobs`): computes the day's list for every institution and records it once per day in
 * RETENTION_REVIEW_STREAM, so that what fell due and when is in the log. It destroys nothing.
 */
export function retentionReviewJob(options: { everyMs: number; clock: () => Date }) {
  return {
    name: "records-retention-review",
    everyMs: options.everyMs,
    run: async (deps: { store: EventStore; newId: () => string; logger: Logger }): Promise<void> => {
      const at = options.clock();
      const day = beijingDay(at);
      const items = (await dueForDestruction({ store: deps.store, records: createRecordStore(deps.store, deps.newId) }, at)).map(({ patientId: _patient, ...item }) => item);
      const metadata = { actorId: "svc:records", actorRole: "records", tenantId: "platform", correlationId: `retention-${day}`, causationId: `retention-${day}`, occurredAt: at.toISOString() };
      const event = { id: derivedId("RetentionReviewListed", day), type: "RetentionReviewListed", schemaVersion: 1, data: { day, items }, metadata };
      await deps.store.append(RETENTION_REVIEW_STREAM, [event], "any");
      deps.logger.info({ day, due: items.length }, "records due for destruction listed (approval needed)");
    },
  };
}
