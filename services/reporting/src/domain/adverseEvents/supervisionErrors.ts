import { DomainError, type DomainErrorKind } from "@ihp/eventsourcing";

// Stable codes of adverse events, suspensions (REP-06), satisfaction and complaints (REP-04), with the gRPC status
// and texts the gateway shows. errorCatalog.ts spreads this table; ERRORS.md documents it (a test keeps them equal).

interface Entry {
  readonly status: 3 | 5 | 6 | 7 | 9;
  readonly rule: string;
  readonly en: string;
  readonly zh: string;
}

export const SUPERVISION_ERRORS = {
  ADVERSE_EVENT_INVALID: {
    status: 3,
    rule: "REP-06",
    en: "The adverse event report is incomplete: kind (MEDICAL_SERVICE or DRUG), severity (MILD, MODERATE or SERIOUS), a scope that fits the kind, and a description of at most 2,000 characters.",
    zh: "不良事件报告不完整：须填写类型（医疗服务或药品）、严重程度（轻度、中度或严重）、与类型相符的范围，以及不超过2000字的描述。",
  },
  ADVERSE_EVENT_ALREADY_REPORTED: {
    status: 6,
    rule: "REP-06",
    en: "This adverse event has already been reported.",
    zh: "该不良事件已报告。",
  },
  ADVERSE_EVENT_CONSULT_REQUIRED: {
    status: 9,
    rule: "REP-06",
    en: "A patient reports an adverse event of one of their own consults at this hospital.",
    zh: "患者只能就本人在本院的问诊报告不良事件。",
  },
  SUSPENSION_NOT_FOUND: {
    status: 5,
    rule: "REP-06",
    en: "No such suspension at this institution.",
    zh: "本机构没有该暂停记录。",
  },
  SUSPENSION_ALREADY_LIFTED: {
    status: 9,
    rule: "REP-06",
    en: "The suspension has already been lifted.",
    zh: "该暂停已解除。",
  },
  LIFT_REASON_REQUIRED: {
    status: 3,
    rule: "REP-06",
    en: "Lifting a suspension needs a reason of at most 2,000 characters.",
    zh: "解除暂停须填写理由（不超过2000字）。",
  },
  CLINICIAN_SUSPENDED: {
    status: 9,
    rule: "REP-06",
    en: "This clinician is suspended after a serious adverse event.",
    zh: "该医师因严重不良事件已被暂停执业服务。",
  },
  DRUG_SUSPENDED: {
    status: 9,
    rule: "REP-06",
    en: "This drug is suspended after a serious adverse event and cannot be prescribed.",
    zh: "该药品因严重不良事件已暂停使用，不能开具。",
  },
  DEPARTMENT_SUSPENDED: {
    status: 9,
    rule: "REP-06",
    en: "This department's online service is suspended after a serious adverse event.",
    zh: "该科室因严重不良事件已暂停互联网诊疗服务。",
  },
  RATING_INVALID: {
    status: 3,
    rule: "REP-04",
    en: "A rating is a score from 1 to 5 with a comment of at most 500 characters.",
    zh: "评价须为1至5分，留言不超过500字。",
  },
  CONSULT_NOT_FINISHED: {
    status: 9,
    rule: "REP-04",
    en: "Only a finished consult of your own can be rated or complained about.",
    zh: "只能评价或投诉本人已结束的问诊。",
  },
  CONSULT_ALREADY_RATED: {
    status: 6,
    rule: "REP-04",
    en: "This consult has already been rated.",
    zh: "该问诊已评价。",
  },
  COMPLAINT_INVALID: {
    status: 3,
    rule: "REP-04",
    en: "A complaint needs a known category and a text of 1 to 2,000 characters.",
    zh: "投诉须选择类别并填写1至2000字的内容。",
  },
  COMPLAINT_ALREADY_FILED: {
    status: 6,
    rule: "REP-04",
    en: "This complaint has already been filed.",
    zh: "该投诉已提交。",
  },
  COMPLAINT_NOT_FOUND: {
    status: 5,
    rule: "REP-04",
    en: "No such complaint at this institution.",
    zh: "本机构没有该投诉。",
  },
  COMPLAINT_TRANSITION_NOT_ALLOWED: {
    status: 9,
    rule: "REP-04",
    en: "The complaint cannot move to that status from where it is (received → investigating → resolved or rejected).",
    zh: "投诉不能从当前状态转到该状态（已受理→调查中→已解决或不予支持）。",
  },
  COMPLAINT_NOTE_REQUIRED: {
    status: 3,
    rule: "REP-04",
    en: "Resolving or rejecting a complaint needs a note of at most 2,000 characters.",
    zh: "办结或不予支持投诉须填写处理说明（不超过2000字）。",
  },
} as const satisfies Record<string, Entry>;

export type SupervisionErrorCode = keyof typeof SUPERVISION_ERRORS;

const KINDS: Record<Entry["status"], DomainErrorKind> = {
  3: "INVALID_ARGUMENT",
  5: "NOT_FOUND",
  6: "ALREADY_EXISTS",
  7: "PERMISSION_DENIED",
  9: "FAILED_PRECONDITION",
};

export function supervisionError(code: SupervisionErrorCode): DomainError {
  const entry: Entry = SUPERVISION_ERRORS[code];
  return new DomainError(code, KINDS[entry.status], entry.en, entry.rule);
}

/** Longest free text kept (descriptions, reasons, notes): a summary, not a file. */
export const MAX_TEXT_LENGTH = 2_000;
