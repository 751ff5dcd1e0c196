import { isUuid } from "./ids.js";

// Refusals are recorded by the platform's recordingRefusals (XC-02); consult passes identity's refusals on too.
export { isRefusal, recordingRefusals } from "@ihp/platform";

export function consultResource(consultId: string): string | undefined {
  return isUuid(consultId) ? `consult/${consultId}` : undefined;
}
