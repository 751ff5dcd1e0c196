import { ConsultServiceService } from "@ihp/contracts/consult";
import { ClinicalObjectKind } from "@ihp/contracts/identity";
import { PharmacyServiceService } from "@ihp/contracts/pharmacy";
import { GatewayError } from "../../errors/gatewayError.js";
import type { HttpContext } from "../../http/context.js";
import type { ContextDeps } from "../module.js";
import { signedIn } from "./calls.js";

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
  const scope = await signedIn(deps, context);
  if (prescriptionId !== "") {
    const pharmacy = deps.downstream.service("pharmacy", PharmacyServiceService);
    await pharmacy.getPrescription({ prescriptionId, serialNumber: input.serialNumber ?? "" }, scope);
    return { consultId: "", objectKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_PRESCRIPTION, objectId: prescriptionId };
  }
  await deps.downstream.service("consult", ConsultServiceService).getConsult({ consultId }, scope);
  return { consultId, objectKind: ClinicalObjectKind.CLINICAL_OBJECT_KIND_UNSPECIFIED, objectId: "" };
}
