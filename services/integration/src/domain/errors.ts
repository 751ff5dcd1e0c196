import { type ErrorEntry, refusalsOf } from "@ihp/eventsourcing";

export type IntegrationErrorEntry = ErrorEntry;

/**
 * Every stable code the integration service refuses with (ERRORS.md mirrors it; a test keeps them equal). Codes never
 * change meaning; retired codes stay reserved. Names avoid the other services' codes so the gateway can merge tables.
 */
export const INTEGRATION_ERRORS = {
  INTEGRATION_CREDENTIAL_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "XC-03",
    en: "Only an institution's own integration system credential may send or follow hospital messages.",
    zh: "仅医疗机构自己的系统集成凭证可以发送或接收医院系统消息。",
  },
  WRONG_INSTITUTION: {
    kind: "PERMISSION_DENIED",
    ruleId: "XC-03",
    en: "This system credential belongs to another institution.",
    zh: "该系统凭证属于其他医疗机构。",
  },
  INVALID_MESSAGE_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: "XC-03",
    en: "The sender's message id is missing or not valid (1-128 letters, digits or . _ : -).",
    zh: "发送方消息编号缺失或无效。",
  },
  MESSAGE_ID_CONFLICT: {
    kind: "ALREADY_EXISTS",
    ruleId: "XC-03",
    en: "This message id was already used for a different message.",
    zh: "该消息编号已用于另一条不同的消息。",
  },
  INVALID_HIS_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A HIS patient, encounter or report id is missing or not valid.",
    zh: "HIS 患者、就诊或报告编号缺失或无效。",
  },
  PATIENT_ID_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A link needs the platform patient id (lookup by ID number is not offered).",
    zh: "关联患者须提供平台患者编号（不支持按身份证号查找）。",
  },
  HIS_PATIENT_LINKED_ELSEWHERE: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This HIS patient id is already linked to another platform patient.",
    zh: "该 HIS 患者编号已关联到另一位平台患者。",
  },
  HIS_PATIENT_NOT_LINKED: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "This HIS patient id is not linked to a platform patient yet.",
    zh: "该 HIS 患者编号尚未关联平台患者。",
  },
  INVALID_ENCOUNTER: {
    kind: "INVALID_ARGUMENT",
    ruleId: "CON-03",
    en: "The encounter is incomplete or not valid (date, department, record type, ICD-10 diagnoses).",
    zh: "就诊记录不完整或无效（日期、科室、记录类型、ICD-10 诊断）。",
  },
  INVALID_LAB_RESULT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-08",
    en: "The lab result is incomplete or not valid (issued time, observations, code system, abnormal flag).",
    zh: "检验结果不完整或无效（报告时间、检验项目、编码体系、异常标志）。",
  },
  INVALID_IMAGING_REPORT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REC-08",
    en: "The imaging report is incomplete or not valid (DICOM study UID, modality, https retrieve URL, issued time).",
    zh: "影像报告不完整或无效（DICOM 检查 UID、检查类型、https 调阅地址、报告时间）。",
  },
  OBJECT_ALREADY_RECORDED: {
    kind: "ALREADY_EXISTS",
    ruleId: "XC-03",
    en: "An encounter or report with this id was already recorded from another message.",
    zh: "该编号的就诊或报告已由另一条消息记录。",
  },
  INTEGRATION_OBJECT_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "No such encounter or report.",
    zh: "未找到该就诊或报告。",
  },
  RESULTS_ACCESS_DENIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-08",
    en: "Only the patient, a verified guardian of a minor, a treating physician or the platform may read these records.",
    zh: "仅患者本人、已核验的未成年人监护人、经治医师或平台可查看这些记录。",
  },
} as const satisfies Record<string, IntegrationErrorEntry>;

export type IntegrationErrorCode = keyof typeof INTEGRATION_ERRORS;

export const refusal = refusalsOf<IntegrationErrorCode>(INTEGRATION_ERRORS);
