import { readFile } from "node:fs/promises";
import type { DrugCatalogue } from "./domain/types.js";
import { parseCatalogue } from "./parseCatalogue.js";

export async function loadCatalogueFile(path: string | URL): Promise<DrugCatalogue> {
  return parseCatalogue(await readFile(path, "utf8"));
}

/** Resolved from this file so it works from src/ (tests) and dist/ (built) alike: both sit beside samples/. */
export const SAMPLE_CATALOGUE_URL = new URL("../samples/sample-catalogue.json", import.meta.url);

let sample: Promise<DrugCatalogue> | undefined;

/** The illustrative sample shipped in samples/ (README.md: codes are not an official import). Loaded once. */
export function sampleCatalogue(): Promise<DrugCatalogue> {
  sample ??= loadCatalogueFile(SAMPLE_CATALOGUE_URL);
  return sample;
}
