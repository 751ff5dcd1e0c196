import type { ErrorEntry } from "@ihp/eventsourcing";

/** Erasure of a data subject's keys across every service that holds them (issue 10 item 3; XC-01, REC-02/03). */
export const ERASURE_ERRORS = {
  APPROVAL_REFERENCE_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "XC-01",
    en: "An erasure needs the reference of the approval it rests on.",
    zh: "销毁须注明其依据的审批编号。",
  },
  INVALID_RETENTION_CLASS: {
    kind: "INVALID_ARGUMENT",
    ruleId: "XC-01",
    en: "The retention class is not one this platform keeps keys for.",
    zh: "保存类别无效。",
  },
  ERASURE_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "No erasure has this id.",
    zh: "未找到该销毁记录。",
  },
  ERASURE_REQUEST_CONFLICT: {
    kind: "ALREADY_EXISTS",
    ruleId: undefined,
    en: "This request id was already used for another erasure.",
    zh: "该请求编号已用于另一项销毁。",
  },
} as const satisfies Record<string, ErrorEntry>;
