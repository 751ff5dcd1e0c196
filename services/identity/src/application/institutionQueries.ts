import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, denialError } from "@ihp/platform";
import type { Caller } from "./caller.js";
import { institutionStreamId, requireInstitutionId } from "./ids.js";
import { type InstitutionView, loadInstitution } from "./institutionEvents.js";
import { authorizeInstitution } from "./policy.js";
import { institutionResource, recordingRefusals } from "./refusals.js";

export interface InstitutionQueriesOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
}

export interface InstitutionQueries {
  /** One institution as its admins, the platform operator and regulators see it. */
  get(caller: Caller, institutionId: string): Promise<InstitutionView>;
}

/**
 * GetInstitution reads the institution's own stream rather than a read model: it is a handful of events, and the
 * caller sees its own writes at once, with the revision the contract reports.
 */
export function createInstitutionQueries(options: InstitutionQueriesOptions): InstitutionQueries {
  return {
    get(caller, rawId) {
      return recordingRefusals(options.audit, caller, "GetInstitution", institutionResource(rawId), async () => {
        const grant = authorizeInstitution("GetInstitution", caller.principal, rawId);
        if (!grant.allowed) throw denialError(grant);
        const institutionId = requireInstitutionId(rawId);
        return loadInstitution(options.store, institutionStreamId(institutionId));
      });
    },
  };
}
