import type { Consult } from "./types.js";

export type ConsultState =
  | { readonly status: "none" }
  /** The request was refused: the stream holds only the refusal, the consult never existed. */
  | { readonly status: "refused"; readonly code: string }
  | { readonly status: "exists"; readonly consult: Consult };

export const NO_CONSULT: ConsultState = { status: "none" };
