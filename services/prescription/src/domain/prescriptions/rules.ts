import { canonicalJson } from "@ihp/eventsourcing";
import type { Drug, DrugCatalogue, SpecialClass } from "@ihp/drug-catalogue";
import type { JurisdictionProfile, LongTermExcludedDrugClass, SpecialManagementDrugClass } from "@ihp/jurisdiction";
import { ageParts, daysBetween, requiresGuardian } from "@ihp/jurisdiction";
import { refusal } from "../errors.js";
import type { Actor, ConsultSnapshot, Content, ContentInput, EnteredLine, Line, LineInput } from "./types.js";

/** RX-09: a Western or Chinese patent medicine prescription holds at most this many drugs. */
export const MAX_LINES = 5;
const MAX_TEXT = 500;

/** Administrations per day of each frequency code: the only usages accepted (RX-09: no "遵医嘱"). */
export const FREQUENCIES: Readonly<Record<string, number>> = {
  QD: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  QN: 1,
  QOD: 0.5,
  QW: 1 / 7,
  BIW: 2 / 7,
  Q6H: 4,
  Q8H: 3,
  Q12H: 2,
  ST: 1,
};

const VAGUE_USAGE = /遵医嘱|遵嘱|医嘱|自用|按说明|酌情|as directed|as needed|see doctor/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const CLASS_OF: { readonly [C in SpecialManagementDrugClass]: SpecialClass } = {
  narcotic: "NARCOTIC",
  psychotropic_i: "PSYCHOTROPIC_I",
  psychotropic_ii: "PSYCHOTROPIC_II",
  medical_toxic: "MEDICAL_TOXIC",
  radioactive: "RADIOACTIVE",
  precursor_chemical: "PRECURSOR",
};

/** Chronic infections a long-term antimicrobial may treat, by ICD-10 category range. */
const CHRONIC_INFECTION: Readonly<Record<"chronic_tuberculosis" | "chronic_fungal_infection", RegExp>> = {
  chronic_tuberculosis: /^A1[5-9]/,
  chronic_fungal_infection: /^B(3[5-9]|4[0-9])/,
};

export interface ContentContext {
  readonly consult: ConsultSnapshot;
  readonly catalogue: DrugCatalogue;
  readonly profile: JurisdictionProfile;
  readonly issuedOn: string;
  readonly actor: Actor;
  /** Lines of the version being revised: a line submitted unchanged keeps who proposed and confirmed it. */
  readonly previous: readonly Line[];
}

function textOk(value: string): boolean {
  return value.length <= MAX_TEXT && !CONTROL.test(value);
}

/** Decimal text as a prescriber writes a number ("500", "0.25") or as a number prints ("1e-7"); nothing else. */
const DECIMAL = /^\d+(\.\d+)?(e[+-]?\d+)?$/;

/** The positive number a dose or quantity states, or undefined when it states none. */
function positiveDecimal(text: string): number | undefined {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function lineKey(line: EnteredLine): string {
  const { drugCode, dose, doseUnit, route, frequency, daysSupply, quantity, quantityUnit, instructions } = line;
  return canonicalJson({ drugCode, dose, doseUnit, route, frequency, daysSupply, quantity, quantityUnit, instructions });
}

/** RX-02: the consult must be open to prescribing; the consult's own reason code when it gives a known one. */
export function checkConsultOpen(consult: ConsultSnapshot): void {
  if (!consult.prescribingBlocked) return;
  if (consult.blockedReason === "CONSULT_TERMINATED" || consult.blockedReason === "CONSULT_NOT_IN_PROGRESS") {
    throw refusal(consult.blockedReason);
  }
  throw refusal("CONSULT_CLOSED_TO_PRESCRIBING");
}

/** RX-01: a person acting must be the consult's assigned physician; a service may only propose. */
export function checkPrescriber(consult: ConsultSnapshot, actor: Actor): void {
  if (actor.kind === "human" && actor.id !== consult.physicianId) throw refusal("NOT_ASSIGNED_PHYSICIAN");
}

/** RX-04: blocked by a special-management class, or (Guangxi) by the high-risk list. */
export function isBlockedDrug(profile: JurisdictionProfile, drug: Drug): boolean {
  const blocked = profile.settings.blockedDrugClasses.map((name) => CLASS_OF[name]);
  if (drug.specialClasses.some((special) => blocked.includes(special))) return true;
  const extra = profile.settings.extraHighRiskDrugs;
  // The profile says whether a high-risk list applies; the catalogue flags its members (and the profile may name more).
  return extra.kind === "list" && (drug.highRisk || extra.drugCodes.includes(drug.code));
}

function excludedFromLongTerm(profile: JurisdictionProfile, drug: Drug, diagnosisCodes: readonly string[]): boolean {
  const rules = profile.settings.longTermRx;
  const excluded = new Set<LongTermExcludedDrugClass>(rules.excludedDrugClasses);
  if (Object.entries(CLASS_OF).some(([name, special]) => excluded.has(name as LongTermExcludedDrugClass) && drug.specialClasses.includes(special))) {
    return true;
  }
  if (drug.specialStorage && excluded.has("special_storage")) return true;
  if (drug.antimicrobial && excluded.has("antimicrobial")) {
    const allowed = rules.antimicrobialAllowedFor.some((kind) => diagnosisCodes.some((code) => CHRONIC_INFECTION[kind].test(code)));
    if (!allowed) return true;
  }
  return !drug.longTermAllowed;
}

/**
 * Checks a draft's content against the catalogue, the consult and the jurisdiction (RX-02, RX-04, RX-07, RX-08,
 * RX-09) and returns it as recorded, or throws the first refusal. Nothing about who may sign (RX-01, RX-05, RX-06) is here.
 * The checks run in a fixed order, so the same draft always gets the same refusal.
 */
export function checkContent(input: ContentInput, ctx: ContentContext): Content {
  const { catalogue, profile, consult } = ctx;
  if (input.lines.length === 0) throw refusal("NO_LINES");
  const texts = [input.extensionReason, input.assessmentNote, ...input.diagnosisCodes];
  for (const line of input.lines) texts.push(line.instructions, line.approvedName, line.doseUnit, line.quantityUnit);
  if (!texts.every(textOk)) throw refusal("INVALID_TEXT");

  const drugs = catalogueDrugs(input.lines, catalogue);
  const age = ageParts(consult.patientBirthDate, ctx.issuedOn);
  const entered = checkLines(input.lines, drugs, age, profile);
  const diagnoses = confirmedDiagnoses(input.diagnosisCodes, consult);
  checkWeight(input, drugs, age);
  checkSupply(input, drugs, profile);

  const previous = new Map(ctx.previous.map((line) => [lineKey(line), line]));
  const lines: Line[] = entered.map((line, index) => {
    const drug = drugs[index]!;
    const kept = previous.get(lineKey(line));
    return {
      ...line,
      lineId: `L${index + 1}`,
      approvedName: drug.approvedName,
      form: drug.form,
      strength: drug.strength,
      proposedBy: kept?.proposedBy ?? { ...ctx.actor },
      confirmedBy: kept?.confirmedBy ?? "",
    };
  });
  return {
    lines,
    diagnoses,
    diagnosisCodes: diagnoses.map((diagnosis) => diagnosis.code),
    emergency: input.emergency,
    extensionReason: input.extensionReason.trim(),
    longTerm: input.longTerm,
    assessmentNote: input.longTerm ? input.assessmentNote.trim() : "",
    patientWeightKg: input.patientWeightKg,
    guardianPresent: input.guardianPresent,
    accompanyingPhysicianPresent: input.accompanyingPhysicianPresent,
  };
}

type Age = ReturnType<typeof ageParts>;

/** RX-09: every line a catalogue drug, at most five of them, no repeats; decoction pieces never mixed with others. */
function catalogueDrugs(lines: readonly LineInput[], catalogue: DrugCatalogue): Drug[] {
  const drugs: Drug[] = [];
  for (const [index, line] of lines.entries()) {
    const drug = catalogue.drug(line.drugCode);
    if (drug === undefined) throw refusal("UNKNOWN_DRUG", `line ${index + 1}`);
    drugs.push(drug);
  }
  const pieces = drugs.filter((drug) => drug.category === "TCM_DECOCTION_PIECE").length;
  if (pieces > 0 && pieces < drugs.length) throw refusal("DECOCTION_PIECES_MIXED");
  if (pieces === 0 && drugs.length > MAX_LINES) throw refusal("TOO_MANY_LINES", `${drugs.length} drugs`);
  if (new Set(drugs.map((drug) => drug.code)).size < drugs.length) throw refusal("DUPLICATE_DRUG");
  return drugs;
}

/**
 * RX-09 writing rules per line (dose, quantity, usage, approved name, age), RX-04 drugs the jurisdiction blocks.
 * Returns the lines with dose and quantity as numbers.
 */
function checkLines(lines: readonly LineInput[], drugs: readonly Drug[], age: Age, profile: JurisdictionProfile): EnteredLine[] {
  const ageYears = age.years + age.months / 12;
  return lines.map((line, index) => {
    const drug = drugs[index]!;
    const at = `line ${index + 1}`;
    const dose = positiveDecimal(line.dose);
    if (dose === undefined) throw refusal("INVALID_DOSE", at);
    const quantity = positiveDecimal(line.quantity);
    if (quantity === undefined || line.quantityUnit.trim() === "") throw refusal("INVALID_QUANTITY", at);
    if (!Number.isSafeInteger(line.daysSupply) || line.daysSupply < 1) throw refusal("INVALID_DAYS_SUPPLY", at);
    if (line.approvedName !== "" && line.approvedName !== drug.approvedName) throw refusal("APPROVED_NAME_REQUIRED", at);
    if (VAGUE_USAGE.test(line.instructions) || VAGUE_USAGE.test(line.frequency)) throw refusal("USAGE_VAGUE", at);
    const perDay = FREQUENCIES[line.frequency];
    if (perDay === undefined || !drug.routes.includes(line.route)) throw refusal("INVALID_USAGE", at);
    if (line.doseUnit !== drug.dose.unit) throw refusal("DOSE_UNIT_MISMATCH", at);
    if (dose > drug.dose.maxPerDose || dose * Math.max(perDay, 1) > drug.dose.maxPerDay) {
      throw refusal("DOSE_OUT_OF_RANGE", at);
    }
    if (drug.dose.minAgeYears !== undefined && ageYears < drug.dose.minAgeYears) throw refusal("DRUG_AGE_RESTRICTED", at);
    if (isBlockedDrug(profile, drug)) throw refusal("SPECIAL_CONTROL_DRUG", at);
    return { ...line, dose, quantity };
  });
}

/** RX-02: at least one diagnosis, each confirmed offline in the consult; returned without repeats. */
function confirmedDiagnoses(codes: readonly string[], consult: ConsultSnapshot): Content["diagnoses"] {
  if (codes.length === 0) throw refusal("DIAGNOSIS_REQUIRED");
  const confirmed = new Map(consult.confirmedDiagnoses.map((diagnosis) => [diagnosis.code, diagnosis]));
  const diagnoses = [];
  for (const code of new Set(codes)) {
    const diagnosis = confirmed.get(code);
    if (diagnosis === undefined) throw refusal("DIAGNOSIS_NOT_CONFIRMED_OFFLINE");
    diagnoses.push({ ...diagnosis });
  }
  return diagnoses;
}

/** RX-09: a plausible weight when given; required for weight-based doses under one year. */
function checkWeight(input: ContentInput, drugs: readonly Drug[], age: Age): void {
  if (input.patientWeightKg !== 0 && !(input.patientWeightKg >= 0.3 && input.patientWeightKg <= 300)) {
    throw refusal("INVALID_WEIGHT");
  }
  if (age.years < 1 && input.patientWeightKg === 0 && drugs.some((drug) => drug.dose.weightBased === true)) {
    throw refusal("PATIENT_WEIGHT_REQUIRED");
  }
}

/** RX-07 supply limits with their stated-reason extension, or RX-08's long-term limits; all profile settings. */
function checkSupply(input: ContentInput, drugs: readonly Drug[], profile: JurisdictionProfile): void {
  const longest = Math.max(...input.lines.map((line) => line.daysSupply));
  const rules = profile.settings.longTermRx;
  if (input.longTerm) {
    if (drugs.some((drug) => excludedFromLongTerm(profile, drug, input.diagnosisCodes))) throw refusal("LONG_TERM_DRUG_EXCLUDED");
    if (longest > rules.stableMaxDays) throw refusal("LONG_TERM_TOO_LONG", `${longest} days`);
    if (longest > rules.assessmentAboveDays && input.assessmentNote.trim() === "") throw refusal("LONG_TERM_ASSESSMENT_REQUIRED");
    return;
  }
  const { general, emergency } = profile.settings.supplyDays;
  const limit = input.emergency ? emergency : general;
  const reasoned = input.extensionReason.trim() !== "";
  if (longest > limit && (!reasoned || longest > rules.stableMaxDays)) {
    throw refusal("SUPPLY_EXCEEDS_LIMIT", `${longest} days, limit ${limit}`);
  }
}

/** RX-08: a long-term supply over the assessment threshold needs the patient's confirmation. */
export function needsPatientConfirmation(profile: JurisdictionProfile, content: Content): boolean {
  if (!content.longTerm) return false;
  return Math.max(...content.lines.map((line) => line.daysSupply)) > profile.settings.longTermRx.assessmentAboveDays;
}

/** RX-05: a young child's prescription needs a verified guardian and both attestations. */
export function checkGuardian(profile: JurisdictionProfile, consult: ConsultSnapshot, content: Content, issuedOn: string): void {
  if (!requiresGuardian(profile, consult.patientBirthDate, issuedOn)) return;
  if (consult.guardianId === "" || !consult.guardianVerified) throw refusal("GUARDIAN_REQUIRED");
  if (!content.guardianPresent || !content.accompanyingPhysicianPresent) throw refusal("GUARDIAN_ATTESTATION_REQUIRED");
}

/** An RX-05 condition a young child's prescription still lacks. */
export type MissingAttestation = "VERIFIED_GUARDIAN" | "GUARDIAN_PRESENT" | "ACCOMPANYING_PHYSICIAN_PRESENT";

/**
 * RX-05 ahead of signing: what checkGuardian would refuse if the physician signed on `issuedOn`, all of it at once,
 * so a draft can show it (the refusal itself stays at signing: a draft may be saved before the guardian is there).
 */
export function missingAttestations(profile: JurisdictionProfile, consult: ConsultSnapshot, content: Content, issuedOn: string): MissingAttestation[] {
  if (!requiresGuardian(profile, consult.patientBirthDate, issuedOn)) return [];
  const missing: MissingAttestation[] = [];
  if (consult.guardianId === "" || !consult.guardianVerified) missing.push("VERIFIED_GUARDIAN");
  if (!content.guardianPresent) missing.push("GUARDIAN_PRESENT");
  if (!content.accompanyingPhysicianPresent) missing.push("ACCOMPANYING_PHYSICIAN_PRESENT");
  return missing;
}

/** RX-06: `validUntil` is still open on `day` (both civil dates in Beijing time). */
export function isValidOn(issuedOn: string, validUntil: string, day: string): boolean {
  return daysBetween(issuedOn, day) >= 0 && daysBetween(day, validUntil) >= 0;
}
