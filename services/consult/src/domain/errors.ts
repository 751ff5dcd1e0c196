import { type ErrorEntry, REQUEST_ID_ERRORS, refusalsOf } from "@ihp/eventsourcing";

export type ConsultErrorEntry = ErrorEntry;

/**
 * Every stable code the consult service refuses with (ERRORS.md mirrors it; a test keeps them equal). The gateway
 * passes this table to createErrorCatalog. Codes owned by identity (OUT_OF_SCOPE, HUMAN_CLINICIAN_REQUIRED,
 * PATIENT_NOT_VERIFIED, …) are not redefined here: see SHARED_REFUSALS.
 */
export const CONSULT_ERRORS = {
  ...REQUEST_ID_ERRORS,
  INVALID_CONSULT_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The consult id is not valid.",
    zh: "问诊编号无效。",
  },
  INVALID_CONSULT_STATUS: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A consult status in the filter is not known.",
    zh: "筛选条件中的问诊状态无效。",
  },
  INVALID_INSTITUTION_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The institution id is not valid.",
    zh: "机构编号无效。",
  },
  INVALID_PARTY_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A patient, physician or guardian id is not valid.",
    zh: "患者、医师或监护人编号无效。",
  },
  CONSULT_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "The consult was not found.",
    zh: "未找到该问诊。",
  },
  CONSULT_TYPE_NOT_ALLOWED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-01",
    en: "Online consults are only for follow-up visits, family-doctor contract services and invited consultations.",
    zh: "互联网诊疗仅限复诊、家庭医生签约服务和邀请会诊。",
  },
  UNKNOWN_DEPARTMENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "A department code is not on the national list of diagnosis subjects.",
    zh: "科室代码不在《医疗机构诊疗科目名录》中。",
  },
  REGULATOR_NOT_CONNECTED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REP-01",
    en: "This hospital is not yet connected to the supervision platform and cannot offer online consults.",
    zh: "本院尚未接入监管平台，暂不能提供互联网诊疗服务。",
  },
  FIRST_VISIT_NOT_ALLOWED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-02",
    en: "Online consults are for follow-up visits only. Please visit a hospital in person for a first diagnosis.",
    zh: "互联网诊疗仅限复诊。首次就诊请前往实体医院面诊。",
  },
  PRIOR_RECORD_NOT_QUALIFYING: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-03",
    en:
      "The prior record must be an outpatient or inpatient record, discharge summary or diagnosis certificate " +
      "with a definite diagnosis from a physical hospital.",
    zh: "既往病历须为实体医院出具的门诊病历、住院病历、出院小结或诊断证明，且有明确诊断。",
  },
  HIS_ENCOUNTER_NOT_USABLE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-03",
    en: "The hospital record linked from HIS was not found for this patient at this institution.",
    zh: "未找到该患者在本机构 HIS 中的对应就诊记录。",
  },
  PRIOR_RECORD_TOO_OLD: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-04",
    en: "The prior record is older than this region allows for online follow-up. Please visit a hospital in person.",
    zh: "既往病历超出本地区互联网复诊的时限，请前往实体医院面诊。",
  },
  INVALID_PRIOR_RECORD_DATE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-04",
    en: "The prior record's date must be a real date (YYYY-MM-DD) not after today.",
    zh: "既往病历日期须为有效日期（YYYY-MM-DD），且不得晚于今天。",
  },
  INVALID_DIAGNOSIS: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-05",
    en: "A diagnosis needs an ICD-10 code, a name and the code version.",
    zh: "诊断须包含ICD-10编码、名称和编码版本。",
  },
  EMERGENCY_NOT_ALLOWED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-08",
    en: "Emergencies cannot be handled online. Please call 120 or go to the nearest emergency department.",
    zh: "急危重症不能在线诊疗，请拨打120或立即前往就近医院急诊。",
  },
  CLASS_A_INFECTIOUS_DISEASE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-08",
    en: "This infectious disease cannot be treated online. Please go to a local hospital at once.",
    zh: "该传染病不能在线诊疗，请立即前往当地医院就诊。",
  },
  INVITATION_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-09",
    en: "An invited consultation needs the inviting physician and the open offline encounter.",
    zh: "邀请会诊须提供邀请医师及其线下接诊记录。",
  },
  FAMILY_CONTRACT_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-10",
    en: "A family-doctor consult needs an active contract signed by both sides.",
    zh: "家庭医生签约服务须有双方签署且在有效期内的签约协议。",
  },
  INVALID_FAMILY_CONTRACT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-10",
    en: "The contract must state service content, process, both sides' rights and duties, risks and a valid period.",
    zh: "签约协议须写明服务内容、流程、双方权利义务、风险及有效期。",
  },
  FAMILY_CONTRACT_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "CON-10",
    en: "The family-doctor contract was not found.",
    zh: "未找到该家庭医生签约协议。",
  },
  FAMILY_CONTRACT_ALREADY_SIGNED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-10",
    en: "The contract is already signed.",
    zh: "该协议已签署。",
  },
  GUARDIAN_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "RX-05",
    en: "A child's verified guardian must take part in this.",
    zh: "此操作须有儿童经核验的监护人参与。",
  },
  GUARDIAN_NOT_VERIFIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "RX-05",
    en: "The guardian is not verified for this patient.",
    zh: "监护人未通过核验。",
  },
  CONSENT_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-06",
    en: "The patient has not yet given informed consent to this online consult.",
    zh: "患者尚未签署本次互联网诊疗知情同意书。",
  },
  CONSENT_VERSION_STALE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-06",
    en: "The consent text has changed. Please read the current version and consent again.",
    zh: "知情同意书已更新，请阅读最新版本后重新同意。",
  },
  CONSENT_ALREADY_GIVEN: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-06",
    en: "Consent has already been given for this consult.",
    zh: "本次问诊已签署知情同意书。",
  },
  CONSULT_ALREADY_ACCEPTED: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult has already been accepted.",
    zh: "该问诊已被接诊。",
  },
  CONSULT_NOT_WAITING: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult is no longer waiting to be accepted.",
    zh: "该问诊已不在候诊状态。",
  },
  CONSULT_NOT_ACCEPTED: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult has not been accepted by a physician yet.",
    zh: "该问诊尚未被医师接诊。",
  },
  CONSULT_NOT_IN_PROGRESS: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult is not in progress.",
    zh: "该问诊不在进行中。",
  },
  CONSULT_NOT_COMPLETED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REC-01",
    en: "This consult has not been completed yet.",
    zh: "该问诊尚未完成。",
  },
  CONSULT_CLOSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult is already closed.",
    zh: "该问诊已结束。",
  },
  ACCEPTANCE_WINDOW_PASSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult waited too long and has expired. The patient may request a new one.",
    zh: "该问诊候诊超时已失效，患者可重新发起。",
  },
  CONSULT_NOT_EXPIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "The consult's acceptance window has not passed yet.",
    zh: "该问诊尚未超过接诊时限。",
  },
  ELIGIBILITY_NOT_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-09",
    en: "Only follow-up consults need a follow-up eligibility decision.",
    zh: "仅复诊需要作出复诊条件判定。",
  },
  ELIGIBILITY_ALREADY_DECIDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-03",
    en: "Follow-up eligibility has already been decided for this consult.",
    zh: "本次问诊已作出复诊条件判定。",
  },
  ELIGIBILITY_NOT_DECIDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "CON-03",
    en: "The physician must first decide whether follow-up conditions are met.",
    zh: "医师须先判定是否符合复诊条件。",
  },
  NOT_ASSIGNED_PHYSICIAN: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-08",
    en: "Only the physician assigned to this consult may do this.",
    zh: "仅该问诊的接诊医师可执行此操作。",
  },
  RECORD_SOURCE_CREDENTIAL_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-01",
    en: "Only the records service may read a consult's record source.",
    zh: "仅病历服务可读取问诊的病历素材。",
  },
  NOT_CONSULT_PARTICIPANT: {
    kind: "PERMISSION_DENIED",
    ruleId: undefined,
    en: "You are not a participant of this consult.",
    zh: "您不是该问诊的参与者。",
  },
  UNKNOWN_TERMINATION_REASON: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-07",
    en: "The termination reason is not on the list of termination conditions.",
    zh: "终止原因不在规定的终止条件列表中。",
  },
  INVALID_MESSAGE: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A message is text of 1–2000 characters or an image with an https address and a SHA-256 hash.",
    zh: "消息须为1至2000字的文字，或带https地址和SHA-256摘要的图片。",
  },
  INVALID_SUMMARY: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-05",
    en: "Completing a consult needs a summary of 1–5000 characters and at least one diagnosis.",
    zh: "结束问诊须填写1至5000字的诊疗小结，并至少填写一项诊断。",
  },
  SIGNATURE_NOT_VALID: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The electronic signature could not be verified. Please sign again.",
    zh: "电子签名验证失败，请重新签名。",
  },
  INVALID_RECORDING: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-03",
    en: "A recording needs an address, a SHA-256 hash and a positive duration.",
    zh: "录像须有存储地址、SHA-256摘要和有效时长。",
  },
  NO_VIDEO_ROOM: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This consult has no video session.",
    zh: "该问诊没有音视频会话。",
  },
  NO_PROFILE_IN_EFFECT: {
    kind: "FAILED_PRECONDITION",
    ruleId: "XC-08",
    en: "No jurisdiction rules are in effect yet for this date.",
    zh: "该日期尚无生效的地区规则。",
  },
} as const satisfies Record<string, ConsultErrorEntry>;

export type ConsultErrorCode = keyof typeof CONSULT_ERRORS;

/** The DomainError for a code: kind, message and rule id come from the table, never from the call site. */
export const refusal = refusalsOf(CONSULT_ERRORS);

/**
 * Codes identity owns and documents (its table gives the gateway their texts). Consult raises them only where it
 * enforces the same rule itself without asking identity, so the caller sees one code per rule whichever service
 * caught it. Not exported to the gateway's catalog: identity's texts are the ones shown.
 */
const SHARED_REFUSALS = {
  OUT_OF_SCOPE: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-06",
    en: "This department is outside the hospital's licensed diagnosis subjects.",
  },
  HUMAN_CLINICIAN_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "Only the physician in person may do this; service or bot credentials may not.",
  },
  // REP-06: reporting's codes (its catalog holds the texts), raised when its CheckSuspensions names the scope.
  CLINICIAN_SUSPENDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REP-06",
    en: "This clinician is suspended after a serious adverse event.",
  },
  DEPARTMENT_SUSPENDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "REP-06",
    en: "This department's online service is suspended after a serious adverse event.",
  },
} as const satisfies Record<string, Omit<ConsultErrorEntry, "zh">>;

export const sharedRefusal = refusalsOf(SHARED_REFUSALS);
