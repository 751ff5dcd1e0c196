/**
 * The outpatient record (门(急)诊病历) as this platform keeps it: the structure of WS/T 500.2 (电子病历共享文档规范
 * 第2部分: 门(急)诊病历), reduced to what an online follow-up consult produces (REC-01). One type for the domain, the
 * JSON view, the CDA R2 rendering and the FHIR export, so a field added here is a compile error in every rendering
 * that forgets it.
 *
 * Type aliases of plain JSON (mutable arrays), so events can carry them as data (@ihp/eventsourcing JsonObject).
 * Values are clear text inside the service; the service seals personal and clinical fields with the patient's
 * "clinical" data key before they reach the log (@ihp/keyring), like every other service.
 */

/** A coded value: ICD-10 for diagnoses, GB/T 2261.1 for sex, the institution's own department codes. */
export type Coded = {
  readonly code: string;
  readonly name: string;
  /** The code system, e.g. "ICD-10" with its edition ("ICD-10 国家临床版 2.0"). */
  readonly system: string;
};

/** WS/T 500.2 header: who the document is about, what visit, which institution keeps it. */
export type RecordHeader = {
  /** Document id (文档标识): stable across versions. */
  readonly documentId: string;
  /** Set id and version (文档集标识 / 版本号): a new version of the same document keeps the set id. */
  readonly setId: string;
  readonly version: number;
  /** Visit time to the minute (就诊日期时间), ISO 8601 with offset, Beijing time. */
  readonly visitAt: string;
  readonly department: Coded;
  /** 初诊/复诊. An internet hospital sees follow-ups only (CON-01), so FOLLOW_UP unless the source says otherwise. */
  readonly visitKind: "FIRST" | "FOLLOW_UP";
  /** The offline record this follow-up continues (CON-01): its id at the physical institution, when known. */
  readonly priorRecordId: string | null;
  readonly consultId: string;
  /** The patient: platform id, the HIS patient id of the physical institution (REC-01), sex and birth date. */
  readonly patient: {
    readonly patientId: string;
    readonly hisPatientId: string | null;
    readonly name: string;
    readonly sex: Coded;
    readonly birthDate: string;
  };
  /** 保管机构 (custodian): the physical institution the internet hospital belongs to (REC-13). */
  readonly custodian: { readonly institutionId: string; readonly name: string };
};

export type Diagnosis = Coded & {
  /** Main diagnosis first (主要诊断); others are secondary. */
  readonly main: boolean;
};

/** The clinical sections of WS/T 500.2 an online consult fills. Free text is clinical data: sealed at rest. */
export type RecordSections = {
  /** 主诉 */
  readonly chiefComplaint: string;
  /** 现病史 */
  readonly presentIllness: string;
  /** 既往史 */
  readonly pastHistory: string;
  /** 过敏史 */
  readonly allergyHistory: string;
  /**
   * 体格检查. A remote consult does not examine the patient: `examined: false` renders the fixed text
   * "远程诊疗，未查体" (remote consult, not examined) instead of findings.
   */
  readonly physicalExamination: { readonly examined: false } | { readonly examined: true; readonly findings: string };
  /** 辅助检查: results the physician relied on (lab and imaging report ids from the integration service, with a line). */
  readonly auxiliaryExaminations: { readonly reportId: string; readonly summary: string }[];
  /** 诊断 */
  readonly diagnoses: Diagnosis[];
  /** 治疗处理意见 (advice, plan). */
  readonly treatmentAdvice: string;
  /** Prescriptions issued in the consult (serial numbers, as the prescription service names them). */
  readonly prescriptions: { readonly prescriptionId: string; readonly serialNumber: string }[];
};

/** Media linked from the record (REC-01, REC-03): transcripts, images, audio, video, stored as blobs. */
export type MediaReference = {
  readonly mediaId: string;
  readonly kind: "TRANSCRIPT" | "IMAGE" | "AUDIO" | "VIDEO";
  readonly contentType: string;
  /**
   * SHA-256 of the plaintext bytes, lower-case hex: what a reader verifies after opening. The blob store holds the
   * sealed bytes under their own hash (application/mediaVault.ts); an item linked by URI only has just this hash.
   */
  readonly sha256: string;
  readonly bytes: number;
  /** Consult end: the 3-year media clock starts here (REC-03). */
  readonly consultEndedAt: string;
};

/** A signature over a version's canonical bytes, with the trusted timestamp that dates it (REC-07). */
export type RecordSignature = {
  readonly signerId: string;
  /** Shown on confirmed records (REC-04). */
  readonly signerName: string;
  readonly role: "AUTHOR" | "COSIGNER" | "INSTITUTION";
  readonly algorithm: string;
  readonly certificateSerial: string;
  readonly value: string;
  readonly documentHash: string;
  /** RFC 3161 token (DER, base64) over documentHash, and the time it states. */
  readonly timestampToken: string;
  readonly timestampedAt: string;
};

export type OutpatientRecord = {
  readonly header: RecordHeader;
  readonly sections: RecordSections;
  readonly media: MediaReference[];
  /** Author (the consult's physician) and, for a trainee, the co-signing supervisor (REC-05). */
  readonly author: { readonly practitionerId: string; readonly name: string };
  readonly signatures: RecordSignature[];
};

/** The fixed text of an unexamined remote consult (体格检查). */
export const NOT_EXAMINED_TEXT = "远程诊疗，未查体";
