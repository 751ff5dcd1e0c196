import type { Patient } from "./types.js";

export type PatientState =
  | { readonly status: "unregistered" }
  | { readonly status: "registered"; readonly patient: Patient };

export const NO_PATIENT: PatientState = { status: "unregistered" };
