// What the review needs to know about drugs: the catalogue's facts, handed to the pure screening in the command.

export interface DoseLimits {
  readonly unit: string;
  readonly minPerDose: number;
  readonly maxPerDose: number;
  readonly maxPerDay: number;
  /** Youngest age in whole years the drug is labelled for; 0 for none. */
  readonly minAgeYears: number;
}

export interface DrugFacts {
  readonly code: string;
  readonly therapeuticClass: string;
  /** 处方药: sold only against an approved prescription (PHA-07). */
  readonly prescriptionOnly: boolean;
  readonly dose: DoseLimits | undefined;
}

export interface InteractionFacts {
  readonly drugCodes: readonly [string, string];
  /** MINOR, MODERATE, MAJOR, CONTRAINDICATED. */
  readonly severity: string;
  readonly description: string;
}

/** The catalogue's answer for one prescription's lines: every line's drug (undefined when unknown) and interactions. */
export interface CatalogueFacts {
  readonly drugs: ReadonlyMap<string, DrugFacts | undefined>;
  readonly interactions: readonly InteractionFacts[];
}
