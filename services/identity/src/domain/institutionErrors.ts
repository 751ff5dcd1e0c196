import { type ErrorEntry, REQUEST_ID_ERRORS } from "@ihp/eventsourcing";

/** Request hygiene and institutions (REP-01, REP-02, IDN-06, IDN-10). */
export const INSTITUTION_ERRORS = {
  ...REQUEST_ID_ERRORS,
  INVALID_INSTITUTION_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The institution id is not valid.",
    zh: "机构编号无效。",
  },
  INSTITUTION_ALREADY_REGISTERED: {
    kind: "ALREADY_EXISTS",
    ruleId: undefined,
    en: "This institution is already registered.",
    zh: "该机构已注册。",
  },
  INSTITUTION_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "The institution was not found.",
    zh: "未找到该机构。",
  },
  INVALID_INSTITUTION_NAME: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-10",
    en: "The institution name must be 2–100 characters.",
    zh: "机构名称须为2至100个字符。",
  },
  INVALID_HOST_INSTITUTION: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "The physical host institution needs a name of 2–100 characters and a valid licence number.",
    zh: "须填写依托的实体医疗机构名称（2至100个字符）和有效的执业许可证登记号。",
  },
  INVALID_GRADE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-10",
    en: "Please choose the hospital grade.",
    zh: "请选择医院等级。",
  },
  INVALID_LICENCE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-02",
    en:
      "The licence needs a registration number of 6–40 letters, digits or dashes, and validity dates (YYYY-MM-DD) " +
      "with the start before the end.",
    zh: "执业许可证须有6至40位字母、数字或连字符组成的登记号，以及有效期起止日期（YYYY-MM-DD），且起始日期早于截止日期。",
  },
  LICENCE_EXPIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-02",
    en: "The licence has already expired.",
    zh: "该执业许可证已过期。",
  },
  NO_SUBJECTS: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "At least one approved diagnosis subject is required.",
    zh: "须至少填写一个核准的诊疗科目。",
  },
  UNKNOWN_SUBJECT_CODE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "A diagnosis subject code is not on the national list.",
    zh: "诊疗科目代码不在《医疗机构诊疗科目名录》中。",
  },
  UNKNOWN_JURISDICTION: {
    kind: "INVALID_ARGUMENT",
    ruleId: "XC-08",
    en: "The jurisdiction is not supported.",
    zh: "不支持该管辖地区。",
  },
  NO_PROFILE_IN_EFFECT: {
    kind: "FAILED_PRECONDITION",
    ruleId: "XC-08",
    en: "No jurisdiction rules are in effect yet for this date.",
    zh: "该日期尚无生效的地区规则。",
  },
  PLATFORM_REFERENCE_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-01",
    en: "Connecting needs the supervision platform's confirmation reference.",
    zh: "接入监管平台须提供平台的接入确认编号。",
  },
  INVALID_PLATFORM_REFERENCE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-01",
    en: "The platform reference must be at most 100 characters without line breaks.",
    zh: "平台确认编号不得超过100个字符，且不能换行。",
  },
} as const satisfies Record<string, ErrorEntry>;
