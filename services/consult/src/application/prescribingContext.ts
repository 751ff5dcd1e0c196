import type { EventStore } from "@ihp/eventsourcing";
import { type AuditTrail } from "@ihp/platform";
import type { Consult } from "../domain/consults/index.js";
import { refusal, sharedRefusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import { loadConsult } from "./consultEvents.js";
import { requireConsultId } from "./ids.js";
import { consultResource, recordingRefusals } from "./refusals.js";

export interface PrescribingContext {
  readonly consult: Consult;
  readonly prescribingBlocked: boolean;
  readonly blockedReason: string;
}

/**
 * ConsultContextService.GetPrescribingContext (RX-01, RX-02, CON-05, CON-07): the consult's own physician (a human,
 * IDN-03) or a system principal. Prescribing is open only while the consult is in progress.
 */
export function createPrescribingContext(options: { store: EventStore; audit: AuditTrail }) {
  return (caller: Caller, rawId: string): Promise<PrescribingContext> =>
    recordingRefusals(options.audit, caller, "GetPrescribingContext", consultResource(rawId), async () => {
      const { principal } = caller;
      const consultId = requireConsultId(rawId);
      const system = principal.roles.includes("system");
      if (!system) {
        if (!principal.roles.includes("physician")) throw refusal("NOT_ASSIGNED_PHYSICIAN");
        if (principal.kind !== "human") throw sharedRefusal("HUMAN_CLINICIAN_REQUIRED");
      }
      const { consult } = await loadConsult(options.store, consultId);
      if (!system && consult.physicianId !== principal.subject) throw refusal("NOT_ASSIGNED_PHYSICIAN");
      const blockedReason =
        consult.status === "IN_PROGRESS" ? "" : consult.status === "TERMINATED_REFERRED" ? "CONSULT_TERMINATED" : "CONSULT_NOT_IN_PROGRESS";
      return { consult, prescribingBlocked: blockedReason !== "", blockedReason };
    });
}
