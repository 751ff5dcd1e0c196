import { completedYears } from "@ihp/jurisdiction";
import type { CatalogueFacts } from "./catalogue.js";
import { isCivilDate } from "./dates.js";
import type { FindingSeverity, PrescriptionLineData, ScreeningFinding } from "./types.js";

/** Administrations per day of the frequency codes screening understands; others (PRN, …) cannot be checked. */
const TIMES_PER_DAY: Readonly<Record<string, number>> = {
  QD: 1,
  QN: 1,
  QAM: 1,
  QPM: 1,
  BID: 2,
  Q12H: 2,
  TID: 3,
  Q8H: 3,
  QID: 4,
  Q6H: 4,
};

const INTERACTION_SEVERITY: Readonly<Record<string, FindingSeverity>> = {
  MINOR: "INFO",
  MODERATE: "WARNING",
  MAJOR: "CRITICAL",
  CONTRAINDICATED: "CRITICAL",
};

export interface ScreeningInput {
  readonly lines: readonly PrescriptionLineData[];
  readonly patientBirthDate: string;
  readonly issuedOn: string;
  readonly catalogue: CatalogueFacts;
}

/**
 * PHA-03/PHA-04 automated screening: dose per administration and per day, duplicate therapy, interactions, age limits.
 * Whatever cannot be checked is itself a finding, so the pharmacist sees it; nothing here approves anything.
 */
export function screenPrescription(input: ScreeningInput): ScreeningFinding[] {
  const findings: ScreeningFinding[] = [];
  const add = (code: string, severity: FindingSeverity, drugCodes: string[], detail: string): void => {
    findings.push({ code, severity, drugCodes, detail });
  };
  const age =
    isCivilDate(input.patientBirthDate) && isCivilDate(input.issuedOn) && input.patientBirthDate <= input.issuedOn
      ? completedYears(input.patientBirthDate, input.issuedOn, "onAnniversary")
      : undefined;

  for (const line of input.lines) {
    const drug = input.catalogue.drugs.get(line.drugCode);
    if (drug === undefined) {
      add("DRUG_NOT_IN_CATALOGUE", "WARNING", [line.drugCode], "drug not in the catalogue: dose, class and interactions unchecked");
      continue;
    }
    const limits = drug.dose;
    if (limits === undefined) {
      add("NOT_CHECKABLE", "INFO", [line.drugCode], "the catalogue has no dose limits for this drug");
    } else {
      if (limits.minAgeYears > 0) {
        if (age === undefined) add("NOT_CHECKABLE", "WARNING", [line.drugCode], "patient age unknown: age limit unchecked");
        else if (age < limits.minAgeYears) {
          add("AGE_BELOW_MINIMUM", "CRITICAL", [line.drugCode], `patient aged ${age} is below the minimum age ${limits.minAgeYears}`);
        }
      }
      const perDose = Number(line.dose);
      if (line.dose.trim() === "" || !Number.isFinite(perDose)) {
        add("NOT_CHECKABLE", "WARNING", [line.drugCode], "dose is not a number");
      } else if (line.doseUnit !== limits.unit) {
        add("DOSE_UNIT_MISMATCH", "WARNING", [line.drugCode], `dose unit ${line.doseUnit} differs from the catalogue's ${limits.unit}`);
      } else {
        if (perDose > limits.maxPerDose) {
          add("DOSE_ABOVE_MAX_PER_DOSE", "CRITICAL", [line.drugCode], `${perDose} ${limits.unit} per dose exceeds ${limits.maxPerDose} ${limits.unit}`);
        } else if (perDose < limits.minPerDose) {
          add("DOSE_BELOW_MIN_PER_DOSE", "WARNING", [line.drugCode], `${perDose} ${limits.unit} per dose is below ${limits.minPerDose} ${limits.unit}`);
        }
        const times = TIMES_PER_DAY[line.frequency.toUpperCase()];
        if (times === undefined) {
          add("NOT_CHECKABLE", "INFO", [line.drugCode], `frequency ${line.frequency} has no fixed daily count: daily dose unchecked`);
        } else if (perDose * times > limits.maxPerDay) {
          add("DAILY_DOSE_ABOVE_MAX", "CRITICAL", [line.drugCode], `${perDose * times} ${limits.unit} per day exceeds ${limits.maxPerDay} ${limits.unit}`);
        }
      }
    }
  }

  const byClass = new Map<string, string[]>();
  for (const line of input.lines) {
    const drug = input.catalogue.drugs.get(line.drugCode);
    if (drug === undefined) continue;
    const key = drug.therapeuticClass === "" ? `drug:${drug.code}` : drug.therapeuticClass;
    byClass.set(key, [...(byClass.get(key) ?? []), line.drugCode]);
  }
  for (const [therapeuticClass, codes] of byClass) {
    if (codes.length > 1) add("DUPLICATE_THERAPY", "WARNING", codes, `${codes.length} lines of ${therapeuticClass}`);
  }

  for (const interaction of input.catalogue.interactions) {
    const severity = INTERACTION_SEVERITY[interaction.severity.toUpperCase()] ?? "WARNING";
    add("INTERACTION", severity, [...interaction.drugCodes], `${interaction.severity}: ${interaction.description}`);
  }
  return findings;
}
