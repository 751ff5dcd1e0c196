import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail, denialError } from "@ihp/platform";
import type { Kysely } from "kysely";
import { refusal } from "../../domain/errors.js";
import type { Caller } from "../caller.js";
import { requireInstitutionId } from "../ids.js";
import { institutionResource, recordingRefusals } from "../refusals.js";
import { practitionerResource, requirePractitionerId } from "./ids.js";
import { authorizePractitioner, mayAttempt } from "./policy.js";
import { listPractitioners, type OpenSealed, type Page, type PageRequest, type PractitionerSummaryEntry } from "./practitionerDirectory.js";
import { findPractitioner, type PractitionerView } from "./practitionerEvents.js";
import type { PractitionerReadModels } from "./practitionersProjection.js";

export interface PractitionerQueries {
  /** From the practitioner's own stream (read-your-writes). */
  get(caller: Caller, practitionerId: string): Promise<PractitionerView>;
  list(caller: Caller, institutionId: string, page: PageRequest): Promise<Page<PractitionerSummaryEntry>>;
}

export function createPractitionerQueries(options: {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly readModels: Kysely<PractitionerReadModels>;
  /** Opens the names the read model keeps sealed. */
  readonly openSealed: OpenSealed;
}): PractitionerQueries {
  const { store, audit } = options;
  return {
    get(caller, rawId) {
      return recordingRefusals(audit, caller, "GetPractitioner", practitionerResource(rawId), async () => {
        const attempt = mayAttempt("GetPractitioner", caller.principal);
        if (!attempt.allowed) throw denialError(attempt);
        const practitionerId = requirePractitionerId(rawId);
        const view = await findPractitioner(store, practitionerId);
        if (view === undefined) throw refusal("PRACTITIONER_NOT_FOUND");
        const grant = authorizePractitioner("GetPractitioner", caller.principal, view.practitioner.institutionId, practitionerId);
        if (!grant.allowed) throw denialError(grant);
        return view;
      });
    },

    list(caller, rawInstitutionId, page) {
      return recordingRefusals(audit, caller, "ListPractitioners", institutionResource(rawInstitutionId), async () => {
        const institutionId = requireInstitutionId(rawInstitutionId);
        const grant = authorizePractitioner("ListPractitioners", caller.principal, institutionId);
        if (!grant.allowed) throw denialError(grant);
        return listPractitioners(options.readModels, institutionId, page, options.openSealed);
      });
    },
  };
}
