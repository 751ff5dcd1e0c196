import { createHash } from "node:crypto";
import { buildCatalogue } from "./domain/catalogue.js";
import { CatalogueError } from "./domain/errors.js";
import type { DrugCatalogue } from "./domain/types.js";

/** Parses and validates a catalogue file's text (format: README.md). Throws CatalogueError naming the bad entry. */
export function parseCatalogue(text: string): DrugCatalogue {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogueError(`catalogue is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return buildCatalogue(json, createHash("sha256").update(text, "utf8").digest("hex"));
}
