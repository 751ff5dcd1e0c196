// @ihp/drug-catalogue: a versioned drug catalogue (codes, special classes, dose ranges, interactions), validated on
// load. Lookups are pure; file I/O lives in loadCatalogue.ts.
export type {
  DoseRange,
  Drug,
  DrugCatalogue,
  DrugCategory,
  Interaction,
  InteractionSeverity,
  SpecialClass,
} from "./domain/types.js";
export { SPECIAL_CLASSES } from "./domain/types.js";
export { CatalogueError } from "./domain/errors.js";
export type { CatalogueErrorCode } from "./domain/errors.js";
export { buildCatalogue } from "./domain/catalogue.js";
export { CATALOGUE_FORMAT, CATALOGUE_FORMAT_VERSION } from "./domain/schema.js";
export { parseCatalogue } from "./parseCatalogue.js";
export { SAMPLE_CATALOGUE_URL, loadCatalogueFile, sampleCatalogue } from "./loadCatalogue.js";
