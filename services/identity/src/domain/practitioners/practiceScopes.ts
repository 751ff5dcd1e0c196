import type { Profession } from "./types.js";

/**
 * Practice scopes (执业范围) a practitioner's certificate names, with the professions they belong to and the
 * 诊疗科目 (top-level codes of diagnosisSubjects.ts) a practitioner of that scope may serve in.
 *
 * Physicians: the clinical, stomatology and TCM scopes of 《关于医师执业注册中执业范围的暂行规定》 (卫医发〔2001〕169号),
 * written from secondary reproductions; the subject mapping is this platform's reading, not an official table.
 * CHECK THE LIST AND MAPPING WITH THE HOSPITAL'S MEDICAL AFFAIRS OFFICE BEFORE PRODUCTION: a missing subject refuses a
 * lawful assignment (OUT_OF_SCOPE), an extra one allows an unlawful one.
 * Nurses: one scope (护理), any department. Pharmacists: 药学 / 中药学, no departments (they review, not receive).
 */
interface ScopeDefinition {
  readonly profession: Profession;
  readonly label: string;
  /** Top-level 诊疗科目 codes; "*" for every subject. */
  readonly subjects: readonly string[];
}

export const PRACTICE_SCOPES: ReadonlyMap<string, ScopeDefinition> = new Map<string, ScopeDefinition>([
  ["INTERNAL_MEDICINE", { profession: "PHYSICIAN", label: "内科专业", subjects: ["03", "16", "17", "18", "19", "28"] }],
  ["SURGERY", { profession: "PHYSICIAN", label: "外科专业", subjects: ["04", "08", "19", "26", "27"] }],
  ["OBSTETRICS_GYNAECOLOGY", { profession: "PHYSICIAN", label: "妇产科专业", subjects: ["05", "06"] }],
  ["PAEDIATRICS", { profession: "PHYSICIAN", label: "儿科专业", subjects: ["07", "09"] }],
  ["EYE_ENT", { profession: "PHYSICIAN", label: "眼耳鼻咽喉科专业", subjects: ["10", "11"] }],
  ["DERMATOLOGY_VENEREOLOGY", { profession: "PHYSICIAN", label: "皮肤病与性病专业", subjects: ["13", "14"] }],
  ["PSYCHIATRY", { profession: "PHYSICIAN", label: "精神卫生专业", subjects: ["15"] }],
  ["OCCUPATIONAL_DISEASE", { profession: "PHYSICIAN", label: "职业病专业", subjects: ["23"] }],
  ["IMAGING_RADIOTHERAPY", { profession: "PHYSICIAN", label: "医学影像和放射治疗专业", subjects: ["32"] }],
  ["LABORATORY_PATHOLOGY", { profession: "PHYSICIAN", label: "医学检验、病理专业", subjects: ["30", "31"] }],
  ["GENERAL_PRACTICE", { profession: "PHYSICIAN", label: "全科医学专业", subjects: ["02"] }],
  ["EMERGENCY_MEDICINE", { profession: "PHYSICIAN", label: "急救医学专业", subjects: ["20"] }],
  ["REHABILITATION", { profession: "PHYSICIAN", label: "康复医学专业", subjects: ["21", "22"] }],
  ["PREVENTIVE_CARE", { profession: "PHYSICIAN", label: "预防保健专业", subjects: ["01"] }],
  ["SPECIAL_MILITARY_MEDICINE", { profession: "PHYSICIAN", label: "特种医学与军事医学专业", subjects: ["25"] }],
  ["STOMATOLOGY", { profession: "PHYSICIAN", label: "口腔专业", subjects: ["12"] }],
  ["TCM", { profession: "PHYSICIAN", label: "中医专业", subjects: ["50"] }],
  ["INTEGRATED_TCM_WESTERN", { profession: "PHYSICIAN", label: "中西医结合专业", subjects: ["52"] }],
  ["ETHNIC_MEDICINE", { profession: "PHYSICIAN", label: "民族医专业", subjects: ["51"] }],
  ["NURSING", { profession: "NURSE", label: "护理", subjects: ["*"] }],
  ["PHARMACY", { profession: "PHARMACIST", label: "药学", subjects: [] }],
  ["TCM_PHARMACY", { profession: "PHARMACIST", label: "中药学", subjects: [] }],
]);

/** The top-level code of a 诊疗科目 code: "03.07" → "03". */
export function topLevelSubject(code: string): string {
  return code.split(".")[0] ?? code;
}

/** IDN-06: a department a practitioner with these scopes may serve in. */
export function scopesCover(scopeCodes: readonly string[], departmentCode: string): boolean {
  const top = topLevelSubject(departmentCode);
  return scopeCodes.some((scope) => {
    const subjects = PRACTICE_SCOPES.get(scope)?.subjects ?? [];
    return subjects.includes("*") || subjects.includes(top);
  });
}

/**
 * IDN-06: a department inside an institution's approved subjects. An approved top-level subject (内科 "03") covers
 * its specialties ("03.07"); an approved specialty covers only itself.
 */
export function subjectsCover(approved: readonly string[], departmentCode: string): boolean {
  return approved.includes(departmentCode) || approved.includes(topLevelSubject(departmentCode));
}
