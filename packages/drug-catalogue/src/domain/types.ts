/** RX-04. The special-management classes (特殊管理药品) a catalogue entry may belong to. */
export type SpecialClass =
  | "NARCOTIC" // 麻醉药品
  | "PSYCHOTROPIC_I" // 第一类精神药品
  | "PSYCHOTROPIC_II" // 第二类精神药品
  | "MEDICAL_TOXIC" // 医疗用毒性药品
  | "RADIOACTIVE" // 放射性药品
  | "PRECURSOR"; // 药品类易制毒化学品 (and compound preparations containing them)

export const SPECIAL_CLASSES: readonly SpecialClass[] = [
  "NARCOTIC",
  "PSYCHOTROPIC_I",
  "PSYCHOTROPIC_II",
  "MEDICAL_TOXIC",
  "RADIOACTIVE",
  "PRECURSOR",
];

/** RX-09: Western and Chinese patent medicines share a prescription form; decoction pieces get their own. */
export type DrugCategory = "WESTERN" | "CHINESE_PATENT" | "TCM_DECOCTION_PIECE";

export interface DoseRange {
  /** Unit of every number below, e.g. "mg", "μg", "U", "ml", "g", "pill", "MBq". */
  readonly unit: string;
  readonly minPerDose: number;
  readonly maxPerDose: number;
  readonly maxPerDay: number;
  /** Youngest age (completed years) the label allows; absent when the label sets none. */
  readonly minAgeYears?: number;
  /** Dosed per kg of body weight in children: a prescription for an infant then needs the weight (RX-09). */
  readonly weightBased?: boolean;
}

export interface Drug {
  /** Catalogue id, stable across catalogue versions. */
  readonly code: string;
  /** 国家医保药品代码. */
  readonly nhsaCode: string;
  /** 药品标识码 (YPID). */
  readonly ypid: string;
  /** 药品本位码. */
  readonly standardCode: string;
  /** Approved (generic) name, 通用名 (RX-09 requires it on the prescription). */
  readonly approvedName: string;
  readonly form: string;
  readonly strength: string;
  readonly category: DrugCategory;
  readonly prescriptionOnly: boolean;
  readonly specialClasses: readonly SpecialClass[];
  readonly antimicrobial: boolean;
  /** Cold chain or other special storage (RX-08 long-term exclusion). */
  readonly specialStorage: boolean;
  /** On the Guangxi list of higher-risk drugs (RX-04, Guangxi arts. 5, 29). */
  readonly highRisk: boolean;
  /** Route codes, e.g. "PO", "SC", "INH". */
  readonly routes: readonly string[];
  readonly dose: DoseRange;
  readonly therapeuticClass: string;
  /** Suitable for a long-term prescription (RX-08) as far as the label goes. */
  readonly longTermAllowed: boolean;
}

export type InteractionSeverity = "MINOR" | "MODERATE" | "MAJOR" | "CONTRAINDICATED";

export interface Interaction {
  /** A therapeutic class or a drug code. */
  readonly a: string;
  /** A therapeutic class or a drug code. */
  readonly b: string;
  readonly severity: InteractionSeverity;
  readonly note: string;
}

export interface DrugCatalogue {
  readonly version: string;
  /** Hex SHA-256 of the catalogue file's bytes: what a decision records to say which catalogue it used. */
  readonly sha256: string;
  drug(code: string): Drug | undefined;
  drugs(): readonly Drug[];
  /** Every table entry that matches the pair, whichever side each drug is on (by code or therapeutic class). */
  interactionsBetween(a: Drug, b: Drug): readonly Interaction[];
}
