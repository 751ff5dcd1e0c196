import { isInstitutionId } from "./ids.js";
export { recordingRefusals } from "@ihp/platform";

/** The audit resource for an institution id from a request; left out when malformed (not ours to echo). */
export function institutionResource(institutionId: string | undefined): string | undefined {
  return institutionId !== undefined && isInstitutionId(institutionId) ? `institution/${institutionId}` : undefined;
}
