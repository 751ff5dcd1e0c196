import type { EventStore } from "@ihp/eventsourcing";
import type { ErasureRequest, SealedEventStore } from "@ihp/keyring";
import type { AuditTrail, Principal, Role } from "@ihp/platform";

import { overriding } from "./overriding.js";

/** Audit actions of key events (XC-07 counts them as KEY_EVENT; names only, ids in the resource). */
export const KEY_DESTROYED_ACTION = "SubjectKeyDestroyed";
export const KEY_REISSUED_ACTION = "SubjectKeyReissued";

/**
 * XC-01, XC-07: every destruction of a data key (an erasure order, an approved record or media destruction) and every
 * new key generation after one is also an audit record in the service's own trail, next to the PII-free fence event
 * the key ring writes: so the service's ListAuditRecords — and the daily security report built from every service's —
 * sees it. Ids only: the subject id and retention class as the resource, the actor of the order as the principal.
 * A store without keys is returned as it is.
 */
export function auditingKeyEvents(store: EventStore, audit: AuditTrail): EventStore {
  const sealed = store as Partial<SealedEventStore>;
  const { erase, allowNewKey } = sealed;
  if (typeof erase !== "function" || typeof allowNewKey !== "function") return store;
  const record = (action: string, request: ErasureRequest) =>
    audit.recorded({
      principal: principalOf(request),
      action,
      resource: `subject-key/${request.subject}/${request.retentionClass}`,
      correlationId: request.metadata.correlationId || request.eventId,
    });
  const audited: Record<"erase" | "allowNewKey", (request: ErasureRequest) => Promise<void>> = {
    erase: async (request) => {
      await erase.call(store, request);
      await record(KEY_DESTROYED_ACTION, request);
    },
    allowNewKey: async (request) => {
      await allowNewKey.call(store, request);
      await record(KEY_REISSUED_ACTION, request);
    },
  };
  return overriding(store, audited);
}

function principalOf(request: ErasureRequest): Principal {
  const { actorId, actorRole, tenantId } = request.metadata;
  const roles = actorRole === "" ? [] : (actorRole.split(",") as Role[]);
  return { subject: actorId === "" ? "system" : actorId, roles, tenantId, kind: roles.includes("system") ? "service" : "human" };
}
