import type { IsoDate } from "./calendarDate.js";

export type JurisdictionCode = "national" | "tianjin" | "guangxi" | "chongqing" | "yinchuan";

/** Jurisdictions whose profiles are the national defaults plus overrides. */
export type RegionalJurisdiction = Exclude<JurisdictionCode, "national">;

/**
 * CON-04. How old the physical-institution record that proves a prior definite diagnosis may be.
 * "calendarMonths": not dated before the corresponding day that many months before the request (Civil Code arts.
 * 201–202). "days": not dated more than that many days before the request.
 */
export type PriorRecordWindow =
  | { readonly kind: "none" }
  | { readonly kind: "calendarMonths"; readonly months: number }
  | { readonly kind: "days"; readonly days: number };

/** RX-04. The special-management classes (特殊管理药品) of the Drug Administration Law, as catalogue classes. */
export type SpecialManagementDrugClass =
  | "narcotic" // 麻醉药品
  | "psychotropic_i" // 第一类精神药品
  | "psychotropic_ii" // 第二类精神药品
  | "medical_toxic" // 医疗用毒性药品
  | "radioactive" // 放射性药品
  | "precursor_chemical"; // 药品类易制毒化学品

/** RX-08. Classes a long-term prescription may not contain, beyond the special-management ones. */
export type LongTermExcludedDrugClass = SpecialManagementDrugClass | "antimicrobial" | "special_storage";

/** RX-04 (Guangxi). Drug codes blocked in addition to the special-management classes. */
export type ExtraHighRiskDrugs =
  | { readonly kind: "none" }
  | { readonly kind: "list"; readonly drugCodes: readonly string[] };

/**
 * When a child has completed N years (周岁). "dayAfterAnniversary": from the day after the Nth birthday (Civil
 * Code art. 201: the first day is not counted; SPC 法释〔2006〕1号 art. 2: 从周岁生日的第二天起算).
 * "onAnniversary": on the birthday itself. A Feb 29 birthday's anniversary in a common year is Feb 28 (art. 202).
 */
export type AgeCompletion = "dayAfterAnniversary" | "onAnniversary";

/** PHA-02. Where the reviewing pharmacist may be employed. */
export type ReviewerAffiliation =
  | "in_house" // the internet hospital or its physical institution
  | "contracted" // a qualified third-party institution under agreement
  | "retail_pharmacist"; // a licensed pharmacist (执业药师) of a drug retailer

/** PHA-09. Prescription classes with their own retention period (Rx Measures art. 50). */
export type PrescriptionRetentionClass =
  | "ordinary" // 普通处方
  | "emergency" // 急诊处方
  | "paediatric" // 儿科处方
  | "medical_toxic" // 医疗用毒性药品处方
  | "psychotropic_ii" // 第二类精神药品处方
  | "narcotic" // 麻醉药品处方
  | "psychotropic_i"; // 第一类精神药品处方

/**
 * XC-04. An area storage and backups may be in. "CN-mainland": any ISO 3166-2:CN subdivision except Hong Kong,
 * Macao and Taiwan (data there is 境外 under PRC data law). Otherwise one ISO 3166-2:CN subdivision code.
 */
export type ResidencyArea = "CN-mainland" | `CN-${string}`;

/** REP-08. Record types sent to and backed up at the Smart Yinchuan big-data centre (智慧银川大数据中心). */
export type BigDataExportRecordType = "e_prescription" | "outpatient_record" | "outpatient_log";

export interface RetentionSettings {
  /** REC-02: outpatient EMR minimum, in years. Tianjin art. 21; EMR Norms art. 19; Records Provisions art. 29. */
  readonly clinicalRecordYears: number;
  /** REC-02: the clock restarts at each encounter (最后一次就诊之日). */
  readonly clinicalRecordCountedFrom: "lastVisit";
  /** REC-03: chats, audio and video of the consult (图文对话、音视频资料). Tianjin art. 21; Supervision Rules. */
  readonly mediaYears: number;
  readonly mediaCountedFrom: "consultEnd";
  /** PHA-09: Rx Measures art. 50 periods, in years. */
  readonly prescriptionYears: { readonly [C in PrescriptionRetentionClass]: number };
  /**
   * PHA-09: online prescriptions are EMR content (National diagnosis measures art. 17; Guangxi art. 30), so the
   * clinical-record period also applies and the longer one wins.
   */
  readonly prescriptionsAreClinicalRecords: boolean;
  /** §9: periods are minimums; nothing is purged automatically, only by approved destruction (Rx Measures art. 50). */
  readonly destruction: "approvedOnly";
}

/**
 * IDN-02, IDN-03. A factor a clinician may re-authenticate with before receiving a patient: the account password,
 * a WebAuthn passkey with user verification (the device's biometric or PIN), or a face-match provider's result.
 */
export type StepUpFactor = "password" | "webauthn-uv" | "face-match";

/** Every jurisdiction-dependent number and rule (XC-08, REQUIREMENTS §9). */
export interface JurisdictionSettings {
  /**
   * CON-02 / §9: first visits are banned everywhere; Yinchuan's 首诊医师负责制 (arts. 13(2), 17(2)) yields to the
   * 2018 national rule.
   */
  readonly firstVisit: "banned";
  /** CON-04: Guangxi IH measures art. 28 ("1个月内"); none in the national texts, Tianjin or the Supervision Rules. */
  readonly priorRecordWindow: PriorRecordWindow;
  /** RX-04: National diagnosis measures art. 19 ("麻醉药品、精神药品等特殊管理药品"); Guangxi arts. 5, 29. */
  readonly blockedDrugClasses: readonly SpecialManagementDrugClass[];
  /** RX-04: Guangxi arts. 5, 29 ("其他用药风险较高、有其他特殊管理规定的药品"). */
  readonly extraHighRiskDrugs: ExtraHighRiskDrugs;
  /**
   * RX-05: "低龄儿童（6岁以下）" — National art. 19; Guangxi art. 29; Chongqing §5. "以下" includes the number
   * (Civil Code art. 1259), so `inclusive` covers children aged 6 until they complete 7 years.
   */
  readonly paediatricGuardianAgeLimit: {
    readonly years: number;
    readonly inclusive: boolean;
    readonly ageCompletes: AgeCompletion;
  };
  /** RX-06: Rx Measures art. 18 — valid on the day of issue; a noted longer validity of at most 3 days. */
  readonly rxValidity: {
    readonly defaultDays: number;
    readonly maxDays: number;
    /** The day of issue is the first day of the validity period ("开具当日有效"). */
    readonly issueDayCounts: boolean;
  };
  /** RX-07: Rx Measures art. 19 — ≤7 days, emergencies ≤3 days; longer only with a stated reason. */
  readonly supplyDays: {
    readonly general: number;
    readonly emergency: number;
    readonly longerNeedsReason: boolean;
  };
  /** RX-08: Long-term Rx Norms (2021) — ≤4 weeks normally, ≤12 weeks if stable; >4 weeks needs assessment. */
  readonly longTermRx: {
    readonly normalMaxDays: number;
    readonly stableMaxDays: number;
    readonly assessmentAboveDays: number;
    readonly excludedDrugClasses: readonly LongTermExcludedDrugClass[];
    /** Antimicrobials are allowed for these chronic infections only. */
    readonly antimicrobialAllowedFor: readonly ("chronic_tuberculosis" | "chronic_fungal_infection")[];
  };
  /** PHA-02: Rx Review Norms (hospital); Guangxi basic standard §4(3) (third party); Yinchuan art. 15 (retailer). */
  readonly reviewerAffiliations: readonly ReviewerAffiliation[];
  /** PHA-02: Rx Review Norms — ≥3 years outpatient or ward dispensing experience ("3年及以上"). */
  readonly pharmacistMinYears: number;
  /** IDN-04: National art. 25; Guangxi art. 37 — "3年以上独立临床工作经验" (以上 includes 3). */
  readonly physicianMinIndependentYears: number;
  /** REC-02, REC-03, PHA-09. */
  readonly retention: RetentionSettings;
  /** REP-02: Tianjin art. 5 — 7 working days after the licence is issued or changed; default everywhere (§9). */
  readonly licenceUploadDeadline: { readonly workingDays: number; readonly calendar: "CN" };
  /** XC-04: Guangxi basic standard §5(1); Chongqing §3(5); mainland China by default (§9). */
  readonly dataResidency: { readonly allowedAreas: readonly ResidencyArea[] };
  /** XC-07: Yinchuan art. 8 — video-record online practice, or e-signature and authentication; video ≥3 months. */
  readonly clinicianPractisePolicy:
    | { readonly kind: "none" }
    | { readonly kind: "video_or_signature"; readonly minVideoRetentionMonths: number };
  /** XC-07: Yinchuan art. 24 — daily security-operation report from network and security-device logs. */
  readonly dailySecurityReport: boolean;
  /** REP-08: Yinchuan art. 11 — transmit and back up to the Smart Yinchuan big-data centre. */
  readonly bigDataExport:
    | { readonly kind: "none" }
    | { readonly kind: "smart_yinchuan"; readonly recordTypes: readonly BigDataExportRecordType[] };
  /**
   * IDN-03: the factors whose step-up counts as real-name re-authentication (实名认证) before receiving a patient.
   * Absent in versions published before the setting existed, which accepted every factor (stepUpFactors()).
   */
  readonly stepUpFactors?: readonly StepUpFactor[];
}

/** A resolved, frozen profile: what a decision records (its `version`) and replays (XC-08). */
export interface JurisdictionProfile {
  readonly jurisdiction: JurisdictionCode;
  /** `${jurisdiction}@${effectiveFrom}#${n}`, n counting this jurisdiction's versions from 1. */
  readonly version: string;
  /** First civil day (Beijing time, from 00:00) on which this version applies. */
  readonly effectiveFrom: IsoDate;
  /** The national version this one overrides; null for national versions. */
  readonly baseVersion: string | null;
  readonly settings: JurisdictionSettings;
}

/**
 * An override replaces whole arrays and whole tagged values (anything with `kind`); plain records are merged key by
 * key, so a national change to a sibling key still reaches the jurisdiction.
 */
export type SettingsOverride<T = JurisdictionSettings> = T extends readonly unknown[]
  ? T
  : T extends { readonly kind: string }
    ? T
    : T extends object
      ? { readonly [K in keyof T]?: SettingsOverride<T[K]> }
      : T;

/** One published national version: the defaults, in full. */
export interface NationalVersion {
  readonly effectiveFrom: IsoDate;
  readonly settings: JurisdictionSettings;
}

/** One published regional version: everything that differs from national from `effectiveFrom` on (not cumulative). */
export interface OverrideVersion {
  readonly effectiveFrom: IsoDate;
  readonly overrides: SettingsOverride;
}

export interface ProfileData {
  readonly national: readonly NationalVersion[];
  readonly regional: { readonly [J in RegionalJurisdiction]: readonly OverrideVersion[] };
}
