import type { Institution } from "./types.js";

export type InstitutionState =
  | { readonly status: "unregistered" }
  | { readonly status: "registered"; readonly institution: Institution };

export const UNREGISTERED: InstitutionState = { status: "unregistered" };
