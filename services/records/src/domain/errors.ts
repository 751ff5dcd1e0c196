import { type ErrorEntry, refusalsOf } from "@ihp/eventsourcing";

/**
 * Every stable code the records domain refuses with (ERRORS.md mirrors it; a test keeps them equal). Codes never
 * change meaning; retired codes stay reserved. Names avoid the other services' codes so the gateway can merge tables.
 * Messages never carry personal or clinical data: details name fields, versions and dates only.
 */
export const RECORDS_ERRORS = {
  INVALID_RECORD_INPUT: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A required field of the record request is missing or malformed.",
    zh: "病历请求缺少必填项或格式不正确。",
  },
  RECORD_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "The medical record was not found.",
    zh: "未找到该病历。",
  },
  NOT_CUSTODIAN: {
    kind: "PERMISSION_DENIED",
    ruleId: "XC-03",
    en: "This record is kept by another institution.",
    zh: "该病历由其他机构保管。",
  },
  RECORD_ALREADY_EXISTS: {
    kind: "ALREADY_EXISTS",
    ruleId: "REC-01",
    en: "A medical record with this id already exists.",
    zh: "该病历编号已存在。",
  },
  RECORD_DESTROYED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-02",
    en: "The medical record was destroyed after its retention period; only its destruction record remains.",
    zh: "该病历已在保存期满后经批准销毁，仅保留销毁记录。",
  },
  NOT_RECORD_AUTHOR: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-05",
    en: "Only the record's author (or its co-signing supervisor) may write or sign it.",
    zh: "仅病历书写医师（或其上级签名医师）可以修改或签署该病历。",
  },
  EDIT_WINDOW_CLOSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-05",
    en: "The time allowed for writing and editing this record has passed; add a signed addendum instead.",
    zh: "病历书写与修改时限已过，请以签名补充记录的方式更正。",
  },
  AMENDMENT_EMPTY: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-04",
    en: "The amendment changes nothing.",
    zh: "本次修改未改变任何内容。",
  },
  RECORD_INCOMPLETE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-01",
    en: "The record cannot be signed yet: it needs a chief complaint and exactly one main diagnosis.",
    zh: "病历尚不完整，不能签署：须有主诉和一个主要诊断。",
  },
  RECORD_NOT_DRAFT: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-04",
    en: "Only a draft record can be signed by its author; this one is already signed or awaiting co-signature.",
    zh: "只有草稿状态的病历可以由书写医师签署；该病历已签署或正在等待上级医师签名。",
  },
  STALE_VERSION: {
    kind: "ABORTED",
    ruleId: "REC-04",
    en: "The record changed since this version was shown; sign the current version.",
    zh: "病历在显示后已被修改，请签署当前版本。",
  },
  TIMESTAMP_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-07",
    en: "A signature needs a trusted timestamp from the time-stamping authority.",
    zh: "电子签名须附可信时间戳。",
  },
  CLOCK_SKEW_TOO_LARGE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-07",
    en: "Signing is stopped: the server clock differs too much from the trusted time source.",
    zh: "服务器时间与可信时间源偏差过大，已暂停签名。",
  },
  NOT_PENDING_COSIGN: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-05",
    en: "The record is not awaiting a supervisor's co-signature.",
    zh: "该病历不在等待上级医师签名状态。",
  },
  COSIGNER_NOT_QUALIFIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-05",
    en: "Only a qualified supervising physician may co-sign a trainee's or probationary physician's record.",
    zh: "实习、试用期医务人员书写的病历须由具有资质的上级医师审签。",
  },
  COSIGNER_IS_AUTHOR: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-05",
    en: "The author cannot co-sign their own record.",
    zh: "书写医师不能为自己的病历审签。",
  },
  RECORD_NOT_SIGNED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-06",
    en: "The record is not signed yet: sign it (and have it co-signed) first.",
    zh: "病历尚未签署完成，请先完成签名（及审签）。",
  },
  RECORD_ARCHIVED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-06",
    en: "The record is archived and cannot be changed; add a signed addendum instead.",
    zh: "病历已归档，不能修改；请以签名补充记录的方式更正。",
  },
  RECORD_RESTRICTED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-02",
    en: "The patient asked for deletion during the retention period: the record is kept but not processed.",
    zh: "患者在保存期内申请删除，该病历仅予保存，停止处理。",
  },
  ALREADY_RESTRICTED: {
    kind: "ALREADY_EXISTS",
    ruleId: "REC-02",
    en: "Processing of this record is already restricted.",
    zh: "该病历已停止处理。",
  },
  NOT_RECORD_SUBJECT: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-08",
    en: "Only the patient (or the guardian of a minor) may ask for deletion of their record.",
    zh: "仅患者本人（或未成年人的监护人）可以申请删除其病历。",
  },
  SEAL_ATTESTATION_MISSING: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-11",
    en: "Sealing needs the attestation of both the patient side and the institution, or of a notary.",
    zh: "封存病历须由医患双方共同确认，或由公证机构确认。",
  },
  RECORD_ALREADY_SEALED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-11",
    en: "The record is already sealed; seal later addenda as an increment.",
    zh: "该病历已封存；后续补充内容请以增量方式封存。",
  },
  RECORD_NOT_SEALED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-11",
    en: "The record is not sealed.",
    zh: "该病历未封存。",
  },
  NOTHING_TO_SEAL: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-11",
    en: "Everything written since the seal is already sealed.",
    zh: "封存后的内容已全部封存。",
  },
  RECORD_SEALED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-11",
    en: "The record is sealed for a dispute and cannot be destroyed.",
    zh: "该病历因纠纷已封存，不能销毁。",
  },
  NO_OPEN_DISPUTE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-12",
    en: "There is no open dispute claim on this record.",
    zh: "该病历没有未解决的纠纷。",
  },
  UNSEAL_NOT_ALLOWED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-12",
    en: "Unsealing needs every sealing party, a resolved dispute, or 3 years sealed with no further claim.",
    zh: "启封须所有封存方到场，或纠纷已解决，或封存满3年未再提出解决纠纷要求。",
  },
  LEGAL_HOLD_ACTIVE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-02",
    en: "A legal hold is on this record: nothing may be destroyed.",
    zh: "该病历处于法律保全状态，不得销毁。",
  },
  HOLD_ALREADY_PLACED: {
    kind: "ALREADY_EXISTS",
    ruleId: undefined,
    en: "A legal hold with this id is already on the record.",
    zh: "该保全编号已存在。",
  },
  HOLD_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "No legal hold with this id is on the record.",
    zh: "未找到该保全。",
  },
  LAST_VISIT_INCONSISTENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-02",
    en: "The patient's last visit given is earlier than this record's visit.",
    zh: "所给的患者最后一次就诊时间早于本病历的就诊时间。",
  },
  RETENTION_NOT_OVER: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-02",
    en: "The record's minimum retention period has not ended.",
    zh: "病历尚未达到最低保存期限。",
  },
  MEDIA_RETENTION_NOT_OVER: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-03",
    en: "The consult's chats, audio and video must be kept for at least 3 years after the consult ended.",
    zh: "诊疗过程图文对话、音视频资料自诊疗结束起须保存不少于3年。",
  },
  DESTRUCTION_APPROVER_NOT_HEAD: {
    kind: "PERMISSION_DENIED",
    ruleId: "PHA-09",
    en: "Destruction must be approved by the head of the institution.",
    zh: "销毁须经医疗机构主要负责人批准。",
  },
  RECORDS_KEPT_ELSEWHERE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-02",
    en: "Another institution still keeps records of this patient under the same content key: they must be destroyed or transferred first.",
    zh: "其他机构仍保管该患者的病历（使用同一内容密钥），须先销毁或移交后才能销毁本机构病历。",
  },
  RECORD_LIFECYCLE_DENIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-06",
    en: "Your role may not do this to medical records: co-signing and addenda are physicians', archive, holds and sealing records staff's, destruction approval the institution head's.",
    zh: "您的角色无权执行该病历操作：审签和补充记录由医师办理，归档、法律保全和封存由病案管理人员办理，销毁由医疗机构负责人批准。",
  },
  DESTRUCTION_NOT_APPROVED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-09",
    en: "Destruction has not been approved by the head of the institution.",
    zh: "销毁尚未经医疗机构主要负责人批准。",
  },
  MEDIA_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "REC-03",
    en: "The record has no media item with this id.",
    zh: "该病历中没有此音视频资料。",
  },
  MEDIA_ALREADY_DESTROYED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-03",
    en: "This media item was already destroyed.",
    zh: "该资料已销毁。",
  },
  MEDIA_INTEGRITY_FAILED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-01",
    en: "The stored media does not match the content hash the record links: it was altered or damaged and is not served.",
    zh: "存储的资料与病历登记的内容哈希不符（已被篡改或损坏），不予提供。",
  },
  MEDIA_DESTRUCTION_DENIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-03",
    en: "Only the custodian institution's medical-records staff may destroy media, on an approval.",
    zh: "仅保管机构的病案管理人员可凭审批销毁音视频资料。",
  },
  MEDIA_ERASED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-03",
    en: "The content of this media item was destroyed (its key is gone); the record keeps its reference and hash.",
    zh: "该资料内容已销毁（密钥已销毁），病历仍保留其引用与哈希。",
  },
  RECORD_ACCESS_DENIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-09",
    en: "You may not read this medical record: only the patient, a minor's guardian, treating clinicians and medical-records staff may.",
    zh: "您无权查阅该病历：仅患者本人、未成年人监护人、经治医师和病案管理人员可以查阅。",
  },
  COPY_REQUEST_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "REC-10",
    en: "The copy request was not found.",
    zh: "未找到该复制申请。",
  },
  COPY_REQUEST_EXISTS: {
    kind: "ALREADY_EXISTS",
    ruleId: "REC-10",
    en: "A copy request with this id already exists.",
    zh: "该复制申请编号已存在。",
  },
  INVALID_APPLICANT_TYPE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-10",
    en: "The applicant must be the patient, the patient's agent, an heir of a deceased patient, or an authority.",
    zh: "申请人须为患者本人、其代理人、死亡患者的法定继承人或有关机关。",
  },
  PROOF_MISSING: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-10",
    en: "Proof documents required for this applicant type are missing.",
    zh: "缺少该类申请人须提供的证明材料。",
  },
  COPY_ALREADY_DECIDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-10",
    en: "This copy request was already approved, rejected or issued.",
    zh: "该复制申请已审核或已发放。",
  },
  COPY_NOT_APPROVED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-10",
    en: "The copy request has not been approved.",
    zh: "该复制申请尚未审核通过。",
  },
  COPY_SEAL_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-10",
    en: "An issued copy must carry the institution's e-seal and a copy id.",
    zh: "发放的复制件须加盖医疗机构电子印章并有复制件编号。",
  },
  COPY_APPROVER_NOT_RECORDS_STAFF: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-10",
    en: "Only medical-records staff may verify proofs and approve copies.",
    zh: "仅病案管理人员可以核验证明材料并批准复制。",
  },
  CUSTODIAN_CLOSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-13",
    en: "This institution has closed; its records are kept by the successor custodian.",
    zh: "该机构已注销，病历由接收保管机构保管。",
  },
  SUCCESSOR_IS_SELF: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-13",
    en: "The successor custodian must be another institution.",
    zh: "接收保管机构须为其他机构。",
  },
  SUCCESSOR_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-13",
    en: "An institution cannot close before the authority designates a successor custodian for its records.",
    zh: "在主管部门指定病历接收保管机构之前，机构不能注销。",
  },
  TRANSFER_NOT_VERIFIED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-13",
    en: "An institution cannot close before every record and media item has been verified at the successor.",
    zh: "在全部病历及音视频资料经接收机构核验之前，机构不能注销。",
  },
  TRANSFER_MISMATCH: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-13",
    en: "The successor's receipt does not match what was sent: items are missing or their hashes differ.",
    zh: "接收清单与移交清单不符：有缺失或哈希值不一致。",
  },
  INSTITUTION_SEAL_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "REC-10",
    en: "This institution has no e-seal key: it has not issued any sealed copy.",
    zh: "该机构尚无电子印章密钥（尚未发放过加盖电子印章的复制件）。",
  },
  CUSTODY_ADMIN_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-13",
    en: "Only the institution's administrator may rename it, transfer its records or close it.",
    zh: "仅本机构管理员可以办理机构更名、病历移交或注销。",
  },
} as const satisfies Record<string, ErrorEntry>;

export type RecordsErrorCode = keyof typeof RECORDS_ERRORS;

/** The DomainError for a code: kind, text and rule from the table, `detail` (never personal data) appended. */
export const refusal = refusalsOf(RECORDS_ERRORS);
