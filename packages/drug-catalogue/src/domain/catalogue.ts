import type { z } from "zod";
import { CatalogueError } from "./errors.js";
import { catalogueFileSchema, drugSchema, interactionSchema } from "./schema.js";
import type { Drug, DrugCatalogue, Interaction } from "./types.js";

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(entry)"}: ${issue.message}`)
    .join("; ");
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a parsed catalogue file and builds the lookups. `sha256` is computed by the caller over the file's
 * bytes (hashing is I/O-adjacent and kept out of the pure domain). Throws CatalogueError naming the bad entry.
 */
export function buildCatalogue(json: unknown, sha256: string): DrugCatalogue {
  const file = catalogueFileSchema.safeParse(json);
  if (!file.success) throw new CatalogueError(`catalogue header is invalid: ${describe(file.error)}`);

  const byCode = new Map<string, Drug>();
  const classes = new Set<string>();
  file.data.drugs.forEach((raw, index) => {
    const label = `drugs[${index}]${labelOf(raw)}`;
    const parsed = drugSchema.safeParse(raw);
    if (!parsed.success) throw new CatalogueError(`${label} is invalid: ${describe(parsed.error)}`);
    const drug = parsed.data;
    if (byCode.has(drug.code)) throw new CatalogueError(`${label} repeats the code of an earlier entry`);
    if (drug.category === "TCM_DECOCTION_PIECE" && drug.dose.unit !== "g") {
      throw new CatalogueError(`${label} is invalid: dose.unit: decoction pieces are dosed in g`);
    }
    byCode.set(drug.code, deepFreeze(drug as Drug));
    classes.add(drug.therapeuticClass);
  });

  const interactions: Interaction[] = file.data.interactions.map((raw, index) => {
    const parsed = interactionSchema.safeParse(raw);
    if (!parsed.success) throw new CatalogueError(`interactions[${index}] is invalid: ${describe(parsed.error)}`);
    for (const side of ["a", "b"] as const) {
      const ref = parsed.data[side];
      if (!byCode.has(ref) && !classes.has(ref)) {
        throw new CatalogueError(
          `interactions[${index}] is invalid: ${side}: "${ref}" is neither a drug code nor a therapeutic class of this catalogue`,
        );
      }
    }
    return deepFreeze(parsed.data);
  });

  const all = Object.freeze([...byCode.values()]);
  const matches = (ref: string, drug: Drug): boolean => ref === drug.code || ref === drug.therapeuticClass;
  return Object.freeze({
    version: file.data.version,
    sha256,
    drug: (code: string) => byCode.get(code),
    drugs: () => all,
    interactionsBetween: (a: Drug, b: Drug): readonly Interaction[] =>
      interactions.filter((x) => (matches(x.a, a) && matches(x.b, b)) || (matches(x.a, b) && matches(x.b, a))),
  });
}

function labelOf(raw: unknown): string {
  if (typeof raw === "object" && raw !== null && "code" in raw && typeof raw.code === "string") {
    return ` (code "${raw.code.slice(0, 80)}")`;
  }
  return "";
}
