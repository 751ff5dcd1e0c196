import { type ErrorEntry, REQUEST_ID_ERRORS, refusalsOf } from "@ihp/eventsourcing";

export type PharmacyErrorEntry = ErrorEntry;

/**
 * Every stable code the pharmacy service refuses with (ERRORS.md mirrors it; a test keeps them equal). Codes never
 * change meaning; retired codes stay reserved. Names avoid identity's and prescription's codes so the gateway can
 * merge the tables.
 */
export const PHARMACY_ERRORS = {
  ...REQUEST_ID_ERRORS,
  HUMAN_CLINICIAN_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "Only the clinician in person may do this.",
    zh: "此操作须由医务人员本人完成。",
  },
  INVALID_PRESCRIPTION_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The prescription id or serial number is not valid.",
    zh: "处方编号或流水号无效。",
  },
  INVALID_INSTITUTION_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The institution id is not valid.",
    zh: "机构编号无效。",
  },
  PRESCRIPTION_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "The prescription was not found.",
    zh: "未找到该处方。",
  },
  NOT_PRESCRIPTION_PARTICIPANT: {
    kind: "PERMISSION_DENIED",
    ruleId: undefined,
    en: "This prescription is not yours to see or act on.",
    zh: "您无权查看或处理该处方。",
  },
  PRESCRIPTION_ALREADY_RECEIVED: {
    kind: "ALREADY_EXISTS",
    ruleId: "RX-10",
    en: "This prescription version has already been received.",
    zh: "该处方版本已接收。",
  },
  INVALID_PRESCRIPTION_DOCUMENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "RX-03",
    en: "The signed prescription is incomplete: ids, dates, drug lines, canonical document and signature are required.",
    zh: "签名处方不完整：须包含编号、日期、药品明细、规范文档和签名。",
  },
  PHYSICIAN_SIGNATURE_INVALID: {
    kind: "FAILED_PRECONDITION",
    ruleId: "RX-03",
    en: "The physician's signature on this prescription did not verify; it is held and cannot be approved.",
    zh: "该处方的医师电子签名验证未通过，已被挂起，不能审核通过。",
  },
  PRESCRIPTION_VOIDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "RX-03",
    en: "The physician voided this prescription version; it has left the review queue.",
    zh: "医师已作废该处方版本，已移出审核队列。",
  },
  REVIEW_ALREADY_DECIDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-03",
    en: "This prescription version has already been reviewed; a returned prescription needs a new signed version.",
    zh: "该处方版本已审核；退回的处方须由医师重新签发新版本。",
  },
  REVIEWER_NOT_ELIGIBLE: {
    kind: "PERMISSION_DENIED",
    ruleId: "PHA-02",
    en: "The reviewer does not meet the pharmacist qualification (title, dispensing experience or affiliation).",
    zh: "审核人不符合药师资质要求（职称、调剂工作年限或执业单位）。",
  },
  PHARMACIST_SIGNATURE_MISMATCH: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-05",
    en: "The pharmacist's signature is not over this prescription document or not by the reviewing pharmacist.",
    zh: "药师签名不是针对本处方文档或不是审核药师本人所签。",
  },
  REASON_CODE_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-03",
    en: "Returning or rejecting a prescription needs a reason code.",
    zh: "退回或拒绝处方须提供原因代码。",
  },
  UNKNOWN_REASON_CODE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-03",
    en: "The reason code is not on the configured list for this decision.",
    zh: "原因代码不在该审核结论的配置列表中。",
  },
  LINES_NOT_EDITABLE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-03",
    en: "Pharmacists cannot change drug lines; return the prescription to the physician to re-issue it.",
    zh: "药师不能修改处方药品；请退回医师确认或重新开具。",
  },
  REVIEW_NOT_APPROVED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-01",
    en: "The prescription has not passed pharmacist review; it cannot be charged or dispensed yet.",
    zh: "处方尚未经药师审核通过，不能收费或调配。",
  },
  RX_EXPIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "RX-06",
    en: "The prescription is past its last valid day.",
    zh: "处方已超过有效期。",
  },
  INVALID_PAYMENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The payment needs a provider reference of 4–64 letters, digits or - _ and a positive amount.",
    zh: "支付记录须有4至64位字母、数字或 - _ 组成的支付流水号和大于零的金额。",
  },
  PAYMENT_ALREADY_RECORDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-01",
    en: "A payment has already been recorded for this prescription.",
    zh: "该处方已记录支付。",
  },
  PAYMENT_NOT_RECORDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-01",
    en: "The prescription has not been paid yet.",
    zh: "该处方尚未支付。",
  },
  INVALID_PHARMACY_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-08",
    en: "The dispensing pharmacy id is not valid.",
    zh: "调配药房编号无效。",
  },
  ALREADY_DISPENSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-07",
    en: "This prescription has already been dispensed.",
    zh: "该处方已调配发药。",
  },
  NOT_DISPENSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-07",
    en: "The prescription has not been dispensed; nothing can be delivered yet.",
    zh: "该处方尚未调配，不能配送。",
  },
  INVALID_SHIPMENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-08",
    en: "A dispatch needs the carrier, the delivery agreement, a tracking number and the handover time.",
    zh: "配送交接须有承运方、配送协议、运单号和交接时间。",
  },
  DELIVERY_ALREADY_DISPATCHED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-08",
    en: "This prescription has already been handed to a carrier.",
    zh: "该处方已交付承运方。",
  },
  DELIVERY_NOT_DISPATCHED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-08",
    en: "The prescription has not been dispatched yet.",
    zh: "该处方尚未交付配送。",
  },
  INVALID_DELIVERY_STATUS: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-08",
    en: "The delivery status must be IN_TRANSIT, DELIVERED, FAILED or RETURNED with a valid time.",
    zh: "配送状态须为 IN_TRANSIT、DELIVERED、FAILED 或 RETURNED，并附有效时间。",
  },
  DELIVERY_STATUS_NOT_ALLOWED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-08",
    en: "The delivery cannot move to that status from its current one.",
    zh: "配送状态不能从当前状态变更为该状态。",
  },
  PRESCRIPTION_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-07",
    en: "A prescription-only drug needs a prescription approved by a pharmacist that names it.",
    zh: "处方药须凭经药师审核通过且包含该药品的处方购买。",
  },
  INVALID_ORDER: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-07",
    en: "The order needs 1–50 lines, each with a drug code.",
    zh: "订单须有1至50行，每行须有药品代码。",
  },
  INVALID_SHIFT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-06",
    en: "A shift needs a pharmacist id and RFC 3339 start and end times, the start before the end, at most 24 hours.",
    zh: "排班须有药师编号及RFC 3339格式的起止时间，开始早于结束，且不超过24小时。",
  },
  SHIFT_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "PHA-06",
    en: "The shift was not found.",
    zh: "未找到该排班。",
  },
  UNKNOWN_JURISDICTION: {
    kind: "FAILED_PRECONDITION",
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
} as const satisfies Record<string, PharmacyErrorEntry>;

export type PharmacyErrorCode = keyof typeof PHARMACY_ERRORS;

/** The DomainError for a code: kind, message and rule id come from the table, never from the call site. */
export const refusal = refusalsOf(PHARMACY_ERRORS);
