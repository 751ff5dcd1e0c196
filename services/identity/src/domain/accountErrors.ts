import type { ErrorEntry } from "@ihp/eventsourcing";

/**
 * Staff registration and accounts of every role: duplicate staff records, login throttling, administrator and
 * pharmacy-governance accounts, care-relationship reads (IDN-07, IDN-08; issue 13).
 */
export const ACCOUNT_ERRORS = {
  PRACTITIONER_DUPLICATE: {
    kind: "ALREADY_EXISTS",
    ruleId: "IDN-08",
    en: "This person is already registered as a practitioner at this institution.",
    zh: "该人员已在本机构登记为医务人员。",
  },
  INVALID_STAFF_ROLE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-08",
    en: "Staff accounts are for institution administrators or pharmacy governance.",
    zh: "该类账号仅适用于机构管理员或药事管理人员。",
  },
  NO_CARE_RELATIONSHIP: {
    kind: "PERMISSION_DENIED",
    ruleId: "REC-09",
    en: "You can only see patients you are treating.",
    zh: "您只能查看您正在诊治的患者。",
  },
  LOGIN_THROTTLED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-08",
    en: "Too many failed attempts. Please wait a moment and try again.",
    zh: "尝试失败次数过多，请稍候再试。",
  },
} as const satisfies Record<string, ErrorEntry>;
