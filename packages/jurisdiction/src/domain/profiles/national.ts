import type { JurisdictionSettings } from "../types.js";

/**
 * National defaults, the single place every jurisdiction starts from (REQUIREMENTS §9 "Configurable default").
 * Published: never edit; a change is a new entry in profileData.ts with a later effectiveFrom.
 */
export const NATIONAL_2026_01_01: JurisdictionSettings = {
  // CON-02: National diagnosis measures art. 16 ("不得对首诊患者开展互联网诊疗活动"); Guangxi art. 5.
  firstVisit: "banned",
  // CON-04: only a definite offline diagnosis is required (National art. 16; Tianjin art. 20; Supervision Rules).
  priorRecordWindow: { kind: "none" },
  // RX-04: National art. 19 names narcotic and psychotropic "等特殊管理药品"; the five special-management kinds.
  blockedDrugClasses: ["narcotic", "psychotropic_i", "psychotropic_ii", "medical_toxic", "radioactive", "precursor_chemical"],
  extraHighRiskDrugs: { kind: "none" },
  // RX-05: "6岁以下" includes age 6 (Civil Code art. 1259); a year completes the day after the birthday (art. 201).
  paediatricGuardianAgeLimit: { years: 6, inclusive: true, ageCompletes: "dayAfterAnniversary" },
  // RX-06: Rx Measures art. 18 "处方开具当日有效 … 有效期最长不得超过3天".
  rxValidity: { defaultDays: 1, maxDays: 3, issueDayCounts: true },
  // RX-07: Rx Measures art. 19 "一般不得超过7日用量；急诊处方一般不得超过3日用量 … 医师应当注明理由".
  supplyDays: { general: 7, emergency: 3, longerNeedsReason: true },
  // RX-08: Long-term Rx Norms: 4 weeks = 28 days, 12 weeks = 84 days.
  longTermRx: {
    normalMaxDays: 28,
    stableMaxDays: 84,
    assessmentAboveDays: 28,
    excludedDrugClasses: [
      "medical_toxic",
      "radioactive",
      "precursor_chemical",
      "narcotic",
      "psychotropic_i",
      "psychotropic_ii",
      "antimicrobial",
      "special_storage",
    ],
    antimicrobialAllowedFor: ["chronic_tuberculosis", "chronic_fungal_infection"],
  },
  // PHA-02 / §9: in-house or contracted by default.
  reviewerAffiliations: ["in_house", "contracted"],
  // PHA-02: Rx Review Norms "3年及以上门急诊或病区处方调剂工作经验".
  pharmacistMinYears: 3,
  // IDN-04: National art. 25 "具有3年以上独立临床工作经验".
  physicianMinIndependentYears: 3,
  retention: {
    // REC-02: Tianjin art. 21 "不得少于15年"; EMR Norms art. 19 and Records Provisions art. 29 count from the last visit.
    clinicalRecordYears: 15,
    clinicalRecordCountedFrom: "lastVisit",
    // REC-03 / §9: 3 years (Tianjin art. 21) also meets Yinchuan's ≥3 months of clinician video (art. 8).
    mediaYears: 3,
    mediaCountedFrom: "consultEnd",
    // PHA-09: Rx Measures art. 50.
    prescriptionYears: {
      ordinary: 1,
      emergency: 1,
      paediatric: 1,
      medical_toxic: 2,
      psychotropic_ii: 2,
      narcotic: 3,
      psychotropic_i: 3,
    },
    prescriptionsAreClinicalRecords: true,
    destruction: "approvedOnly",
  },
  // REP-02 / §9: Tianjin art. 5's 7 working days is the default (the Supervision Rules art. 5 only say "timely").
  licenceUploadDeadline: { workingDays: 7, calendar: "CN" },
  // XC-04 / §9: no national residency text among the sources; mainland China by default.
  dataResidency: { allowedAreas: ["CN-mainland"] },
  clinicianPractisePolicy: { kind: "none" },
  dailySecurityReport: false,
  bigDataExport: { kind: "none" },
};
