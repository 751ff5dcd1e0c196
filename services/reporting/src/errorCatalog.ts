// Stable codes the reporting service returns to gRPC callers, with their status and the texts the gateway shows
// (createErrorCatalog(REPORTING_ERRORS)). ERRORS.md documents the same table, and the codes the feed consumer logs;
// a test keeps the two equal.

import { SUPERVISION_ERRORS, type SupervisionErrorCode } from "./domain/adverseEvents/supervisionErrors.js";
import { DELIVERY_ERRORS } from "./domain/delivery/deliveryErrors.js";
import { ID_ERRORS } from "./domain/ids.js";

interface ReportingErrorEntry {
  readonly status: number;
  readonly en: string;
  readonly zh: string;
}

export const REPORTING_ERRORS = {
  INVALID_FEED_POSITION: {
    status: 3,
    en: "The feed position must be a whole number.",
    zh: "推送位置必须为整数。",
  },
  INVALID_JURISDICTION: {
    status: 3,
    en: "The jurisdiction is not one the platform knows.",
    zh: "辖区代码无效。",
  },
  REGULATOR_JURISDICTION_UNKNOWN: {
    status: 7,
    en: "Your account is not assigned to a supervised jurisdiction.",
    zh: "您的账号未关联监管辖区。",
  },
  JURISDICTION_NOT_ALLOWED: {
    status: 7,
    en: "You may only read the feed of your own jurisdiction.",
    zh: "您只能查看本辖区的监管数据。",
  },
  INCIDENT_KIND_UNKNOWN: {
    status: 3,
    en: "The incident kind must be DATA_LEAK or MAJOR_CYBER.",
    zh: "事件类型必须为数据泄露或重大网络安全事件。",
  },
  INCIDENT_ALREADY_REPORTED: {
    status: 6,
    en: "This incident has already been reported.",
    zh: "该事件已报告。",
  },
  INCIDENT_NOT_FOUND: {
    status: 5,
    en: "No such incident.",
    zh: "未找到该事件。",
  },
  INCIDENT_OTHER_INSTITUTION: {
    status: 7,
    en: "The incident belongs to another institution.",
    zh: "该事件属于其他机构。",
  },
  NOTIFICATION_TASK_UNKNOWN: {
    status: 5,
    en: "The incident has no notification task for that authority.",
    zh: "该事件没有向此主管部门报告的任务。",
  },
  NOTIFICATION_REFERENCE_REQUIRED: {
    status: 3,
    en: "Marking an authority notified needs the authority's reference.",
    zh: "标记已报告时须填写主管部门的受理编号。",
  },
  NOTIFICATION_ALREADY_DONE: {
    status: 9,
    en: "That authority has already been notified.",
    zh: "已向该主管部门报告。",
  },
  ANOMALY_CASE_EXISTS: {
    status: 6,
    en: "An anomaly case with this id is already open.",
    zh: "该异常处置工单已存在。",
  },
  ANOMALY_CASE_NOT_FOUND: {
    status: 5,
    en: "No such anomaly case.",
    zh: "未找到该异常处置工单。",
  },
  ANOMALY_CASE_OTHER_INSTITUTION: {
    status: 7,
    en: "The anomaly case belongs to another institution.",
    zh: "该异常处置工单属于其他机构。",
  },
  RECTIFICATION_NOTE_REQUIRED: {
    status: 3,
    en: "Closing an anomaly case needs a rectification note.",
    zh: "关闭异常处置工单须填写整改说明。",
  },
  WORKING_DAY_CALENDAR_NOT_LOADED: {
    status: 9,
    en: "The deadline runs into a year whose working-day calendar is not loaded yet.",
    zh: "期限跨入尚未载入工作日历的年份，请先载入该年度节假日安排。",
  },
  ANOMALY_CASE_CLOSED: {
    status: 9,
    en: "The anomaly case is already closed.",
    zh: "该异常处置工单已关闭。",
  },
  // REP-04 supervision statistics (SupervisionStatisticsService).
  STATISTICS_SCOPE_INVALID: {
    status: 3,
    en: "Name exactly one of institutionId and jurisdiction.",
    zh: "须且仅须指定机构或辖区之一。",
  },
  STATISTICS_RANGE_INVALID: {
    status: 3,
    en: "from and to must be days (YYYY-MM-DD) or RFC 3339 times, from not after to, at most 366 days apart.",
    zh: "起止日期须为日期（YYYY-MM-DD）或 RFC 3339 时间，起始不晚于结束，且跨度不超过 366 天。",
  },
  STATISTICS_INSTITUTION_NOT_ALLOWED: {
    status: 7,
    en: "You may only read the statistics of your own institution.",
    zh: "您只能查看本机构的统计数据。",
  },
  // REP-06 adverse events and suspensions, REP-04 satisfaction and complaints.
  ...supervisionTexts(),
  // REP-04 regulator delivery (RegulatorDeliveryService).
  ...DELIVERY_ERRORS,
  // Malformed ids, codes, references and request ids, in every mutation.
  ...ID_ERRORS,
} as const satisfies Record<string, ReportingErrorEntry>;

export type ReportingErrorCode = keyof typeof REPORTING_ERRORS;

function supervisionTexts(): Record<SupervisionErrorCode, ReportingErrorEntry> {
  const entries = Object.entries(SUPERVISION_ERRORS).map(([code, { status, en, zh }]) => [code, { status, en, zh }] as const);
  return Object.fromEntries(entries) as Record<SupervisionErrorCode, ReportingErrorEntry>;
}
