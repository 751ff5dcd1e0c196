import { canonicalJson, type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { type CustodyCommand, type CustodyEvent, custodyDecider, type CustodyState, documentAt, type ManifestItem, refusal } from "../domain/index.js";
import { type Caller, committerOf } from "./caller.js";
import { sha256Hex } from "./copiesSeal.js";
import { isSafeId } from "./ids.js";
import type { RecordsIndex } from "./recordsIndex.js";
import { metadataOf, type RecordStore } from "./store.js";

// Custody of an institution's records (REC-13): rename (ids and retention clocks untouched: nothing here writes to a
// record), a successor designated, the transfer verified item by item against the service's own manifest, closing.

export const custodyStreamId = (institutionId: string): string => `records-custody-${institutionId}`;

export interface CustodyView {
  readonly institutionId: string;
  readonly name: string | undefined;
  readonly successorInstitutionId: string | undefined;
  readonly verifiedFor: string;
  readonly closed: boolean;
}

type Input =
  | { readonly type: "RenameCustodian"; readonly newName: string }
  | { readonly type: "DesignateSuccessor"; readonly successorInstitutionId: string; readonly successorName: string; readonly designationRef: string }
  | { readonly type: "VerifyTransfer"; readonly transferId: string; readonly received: readonly { readonly kind: string; readonly id: string; readonly sha256: string }[] }
  | { readonly type: "CloseCustodian" };

const toEvent = (event: StoredEvent): CustodyEvent => ({ type: event.type, data: event.data }) as unknown as CustodyEvent;

const viewOf = (institutionId: string, state: CustodyState): CustodyView => ({
  institutionId,
  name: state.name ?? undefined,
  successorInstitutionId: state.successorInstitutionId ?? undefined,
  verifiedFor: state.verifiedFor ?? "",
  closed: state.closed,
});

/** Role first: the institution's admin in person (a successor is also designated by the health authority, a regulator). */
function custodyRole(caller: Caller, type: Input["type"] | "Manifest"): string {
  const { principal } = caller;
  if (principal.kind !== "human") throw refusal("CUSTODY_ADMIN_REQUIRED");
  if (principal.roles.includes("institution_admin")) return "institution_admin";
  if (type === "DesignateSuccessor" && principal.roles.includes("regulator")) return "regulator";
  throw refusal("CUSTODY_ADMIN_REQUIRED");
}

export function createCustody(options: { store: EventStore; index: RecordsIndex; records: RecordStore; audit: AuditTrail; clock: () => Date; newEventId: () => string }) {
  const { store, index, records, audit, clock, newEventId } = options;

  /**
   * Everything the institution keeps: each record (its latest version's canonical JSON, SHA-256) and each media blob
   * (its SHA-256 as recorded). The successor's receipt must match it item by item.
   *
   * The ids come from the read model, brought up to the log's head first (recordsIndex.ts): its rows come from each
   * record's RecordOriginated, which is in the same append as the record (no separate index write that could be
   * lost), so every record in the log when the call began is listed. The items themselves are read from the records.
   */
  async function manifest(institutionId: string): Promise<ManifestItem[]> {
    const items: ManifestItem[] = [];
    for (const documentId of await index.recordsOf(institutionId)) {
      const state = await records.state(documentId);
      if (state.status !== "exists" || state.record.status === "DESTROYED") continue;
      const document = documentAt(state.record);
      if (document === undefined) continue;
      items.push({ kind: "RECORD", id: documentId, sha256: sha256Hex(canonicalJson(document)) });
      for (const media of document.media) items.push({ kind: "BLOB", id: media.mediaId, sha256: media.sha256 });
    }
    return items;
  }

  async function state(institutionId: string): Promise<CustodyState> {
    return fold(custodyDecider, (await store.readStream(custodyStreamId(institutionId))).map(toEvent));
  }

  return {
    manifest(caller: Caller, institutionId: string): Promise<ManifestItem[]> {
      return recordingRefusals(audit, caller, "GetCustodyManifest", isSafeId(institutionId) ? `custody/${institutionId}` : undefined, async () => {
        custodyRole(caller, "Manifest");
        if (!isSafeId(institutionId)) throw refusal("INVALID_RECORD_INPUT", "institutionId");
        if (caller.principal.tenantId !== institutionId) throw refusal("NOT_CUSTODIAN");
        return manifest(institutionId);
      });
    },

    act(caller: Caller, institutionId: string, requestId: string, input: Input): Promise<CustodyView> {
      return recordingRefusals(audit, caller, input.type, isSafeId(institutionId) ? `custody/${institutionId}` : undefined, async () => {
        const role = custodyRole(caller, input.type);
        if (!isSafeId(institutionId)) throw refusal("INVALID_RECORD_INPUT", "institutionId");
        if (!isSafeId(requestId)) throw refusal("INVALID_RECORD_INPUT", "requestId");
        const base = { institutionId, committer: { ...committerOf(caller), role }, at: clock() };
        let command: CustodyCommand;
        if (input.type === "VerifyTransfer") {
          // The sent side is never the caller's word: it is what this service holds for the institution.
          const received = input.received.map(({ kind, id, sha256 }): ManifestItem => {
            if (kind !== "RECORD" && kind !== "BLOB") throw refusal("INVALID_RECORD_INPUT", "received.kind");
            return { kind, id, sha256: sha256.toLowerCase() };
          });
          command = { ...base, type: "VerifyTransfer", transferId: input.transferId, sent: await manifest(institutionId), received };
        } else {
          command = { ...base, ...input };
        }
        const result = await handleCommand(
          store,
          custodyDecider,
          { streamId: custodyStreamId(institutionId), command, metadata: metadataOf(caller), requestId, now: base.at },
          { newEventId, toDomainEvent: toEvent },
        );
        return viewOf(institutionId, result.state);
      });
    },

    async view(institutionId: string): Promise<CustodyView> {
      return viewOf(institutionId, await state(institutionId));
    },
  };
}

export type Custody = ReturnType<typeof createCustody>;
