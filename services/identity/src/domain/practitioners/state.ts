import type { Practitioner } from "./types.js";

export type PractitionerState =
  | { readonly status: "unregistered" }
  | { readonly status: "registered"; readonly practitioner: Practitioner };

export const NO_PRACTITIONER: PractitionerState = { status: "unregistered" };
