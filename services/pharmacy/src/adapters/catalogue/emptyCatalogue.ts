import type { CatalogueLookup } from "../../application/ports.js";

/**
 * A catalogue that knows no drug: every line is screened as DRUG_NOT_IN_CATALOGUE and every order line needs an
 * approved prescription. The safe default when no catalogue is configured; the pharmacist still reviews everything.
 */
export const EMPTY_CATALOGUE: CatalogueLookup = {
  drug: () => undefined,
  interactionsBetween: () => [],
};
