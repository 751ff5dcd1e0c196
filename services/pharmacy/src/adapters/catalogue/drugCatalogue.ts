import type { DrugCatalogue } from "@ihp/drug-catalogue";
import type { CatalogueLookup } from "../../application/ports.js";
import type { DrugFacts } from "../../domain/catalogue.js";

/** @ihp/drug-catalogue as the review's CatalogueLookup. */
export function catalogueLookup(catalogue: DrugCatalogue): CatalogueLookup {
  const facts = (code: string): DrugFacts | undefined => {
    const drug = catalogue.drug(code);
    if (drug === undefined) return undefined;
    return {
      code: drug.code,
      therapeuticClass: drug.therapeuticClass,
      prescriptionOnly: drug.prescriptionOnly,
      dose: {
        unit: drug.dose.unit,
        minPerDose: drug.dose.minPerDose,
        maxPerDose: drug.dose.maxPerDose,
        maxPerDay: drug.dose.maxPerDay,
        minAgeYears: drug.dose.minAgeYears ?? 0,
      },
    };
  };
  return {
    drug: facts,
    interactionsBetween(a, b) {
      const first = catalogue.drug(a);
      const second = catalogue.drug(b);
      if (first === undefined || second === undefined) return [];
      return catalogue.interactionsBetween(first, second).map((interaction) => ({
        drugCodes: [a, b] as const,
        severity: interaction.severity,
        description: interaction.note,
      }));
    },
  };
}
