import { ConsultServiceService } from "@ihp/contracts/consult";
import { ClinicalObjectKind } from "@ihp/contracts/identity";
import { PharmacyServiceService } from "@ihp/contracts/pharmacy";
import { isHumanClinician } from "@ihp/platform";
import { GatewayError } from "../../errors/gatewayError.js";
import { callScope, type HttpContext } from "../../http/context.js";
import type { ContextDeps } from "../module.js";

/** The object a step-up names (StepUpInput and StartStepUpInput). */
export interface StepUpObjectInput {
  readonly consultId?: string | null;
  readonly prescriptionId?: string | null;
  readonly serialNumber?: string | null;
}

/**
 * IDN-03: a step-up (and its passkey challenge) names the object about to be acted on, and every act checks that
 * exact binding. Identity cannot see other services' objects: the owning service is asked first, with the caller's
 * own token (consult GetConsult; pharmacy GetPrescription for a prescription under review), so an id that names
 * nothing, or an object the caller may not act on, is refused with that service's code before any step-up exists.
 * Over raw gRPC a step-up for a made-up id can still be recorded, but it binds nothing: no act names that id.
 * Only a caller identity could accept (a person with a clinical role) has the object looked up: anyone else goes
 * straight to identity, which refuses them before reading anything, so a patient's or a service's token learns
 * nothing here about whether an id exists.
 */
export async function stepUpObject(
  deps: ContextDeps,
  context: HttpContext,
  input: StepUpObjectInput,
): Promise<{ consultId: string; objectKind: ClinicalObjectKind; objectId: string }> {
  const prescriptionId = input.prescriptionId ?? "";
  const consultId = input.consultId ?? "";
  if (consultId !== "" && prescriptionId !== "") throw new GatewayError("BAD_USER_INPUT"); // a step-up binds one object
  if (prescriptionId === "" && consultId === "") return { consultId, objectKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_UNSPECIFIED, objectId: "" };
  const actor = await context.caller.actor();
  const objectKind = prescriptionId === "" ? ClinicalObjectKind.CLINICAL_OBJECT_KIND_UNSPECIFIED : ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION;
  if (!isHumanClinician(actor.principal)) return { consultId, objectKind, objectId: prescriptionId };
  const scope = callScope(deps, context, actor);
  if (prescriptionId !== "") {
    const pharmacy = deps.downstream.service("pharmacy", PharmacyServiceService);
    await pharmacy.getPrescription({ prescriptionId, serialNumber: input.serialNumber ?? "" }, scope);
  } else {
    await deps.downstream.service("consult", ConsultServiceService).getConsult({ consultId }, scope);
  }
  return { consultId, objectKind, objectId: prescriptionId };
}
