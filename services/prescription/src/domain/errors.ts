import { type DomainErrorKind, type ErrorEntry, REQUEST_ID_ERRORS, refusalsOf } from "@ihp/eventsourcing";

export type PrescriptionErrorEntry = ErrorEntry;

const e = (kind: DomainErrorKind, ruleId: string | undefined, en: string, zh: string): PrescriptionErrorEntry => ({
  kind,
  ruleId,
  en,
  zh,
});

/**
 * Every stable code the prescription service refuses with (ERRORS.md mirrors it; a test keeps them equal). The
 * gateway passes this table to createErrorCatalog. Codes never change meaning; retired codes stay reserved.
 */
export const PRESCRIPTION_ERRORS = {
  ...REQUEST_ID_ERRORS,
  INVALID_PRESCRIPTION_ID: e("INVALID_ARGUMENT", undefined, "The prescription id or serial number is not valid.", "处方编号或流水号无效。"),
  INVALID_CONSULT_ID: e("INVALID_ARGUMENT", undefined, "The consult id is not valid.", "问诊编号无效。"),
  INVALID_INSTITUTION_ID: e("INVALID_ARGUMENT", undefined, "The institution id is not valid.", "机构编号无效。"),
  PRESCRIPTION_NOT_FOUND: e("NOT_FOUND", undefined, "The prescription was not found.", "未找到该处方。"),
  NOT_PRESCRIPTION_PARTICIPANT: e("PERMISSION_DENIED", undefined, "This prescription is not yours to see or act on.", "您无权查看或处理该处方。"),
  PRESCRIPTION_ALREADY_EXISTS: e("ALREADY_EXISTS", undefined, "This prescription already exists.", "该处方已存在。"),
  INVALID_TEXT: e(
    "INVALID_ARGUMENT",
    undefined,
    "A text field is too long or contains control characters.",
    "文本过长或包含控制字符。",
  ),
  HUMAN_CLINICIAN_REQUIRED: e(
    "PERMISSION_DENIED",
    "RX-01",
    "Only the clinician in person may do this.",
    "此操作须由医务人员本人完成。",
  ),
  NOT_ASSIGNED_PHYSICIAN: e(
    "PERMISSION_DENIED",
    "RX-01",
    "Only the physician assigned to this consult may do this.",
    "仅该问诊的接诊医师可执行此操作。",
  ),
  LINE_CONFIRMATION_REQUIRED: e(
    "FAILED_PRECONDITION",
    "RX-01",
    "Lines proposed by a system must each be confirmed by the physician before signing.",
    "系统建议的处方条目须由医师逐条确认后方可签名。",
  ),
  UNKNOWN_LINE: e("INVALID_ARGUMENT", "RX-01", "A line id does not belong to this prescription version.", "条目编号不属于该处方版本。"),
  DIAGNOSIS_REQUIRED: e("INVALID_ARGUMENT", "RX-09", "A prescription must state at least one diagnosis.", "处方须注明诊断。"),
  DIAGNOSIS_NOT_CONFIRMED_OFFLINE: e(
    "FAILED_PRECONDITION",
    "RX-02",
    "Only diagnoses confirmed from the offline record of this consult may be used.",
    "只能使用本次问诊中已由线下病历确认的诊断。",
  ),
  CONSULT_CLOSED_TO_PRESCRIBING: e(
    "FAILED_PRECONDITION",
    "RX-02",
    "The consult is closed to prescribing.",
    "该问诊已不能开具处方。",
  ),
  CONSULT_TERMINATED: e(
    "FAILED_PRECONDITION",
    "RX-02",
    "The consult was terminated; no prescription may be issued in it.",
    "该问诊已终止，不能开具处方。",
  ),
  CONSULT_NOT_IN_PROGRESS: e(
    "FAILED_PRECONDITION",
    "RX-02",
    "This consult is not in progress.",
    "该问诊不在进行中。",
  ),
  SPECIAL_CONTROL_DRUG: e(
    "FAILED_PRECONDITION",
    "RX-04",
    "This drug may not be prescribed online in this jurisdiction (special management or high-risk drug).",
    "该药品为特殊管理或高风险药品，不得在线开具。",
  ),
  GUARDIAN_REQUIRED: e(
    "FAILED_PRECONDITION",
    "RX-05",
    "A child's verified guardian must take part in this.",
    "此操作须有儿童经核验的监护人参与。",
  ),
  GUARDIAN_ATTESTATION_REQUIRED: e(
    "FAILED_PRECONDITION",
    "RX-05",
    "A prescription for a young child needs the guardian-present and accompanying-physician attestations.",
    "为低龄儿童开具处方须确认监护人在场及陪同医师在场。",
  ),
  VALIDITY_TOO_LONG: e(
    "INVALID_ARGUMENT",
    "RX-06",
    "A prescription may be valid for at most 3 days including the day of issue.",
    "处方有效期最长不得超过3天（含开具当日）。",
  ),
  SUPPLY_EXCEEDS_LIMIT: e(
    "INVALID_ARGUMENT",
    "RX-07",
    "The supply is longer than this jurisdiction allows (less for emergencies); a longer supply needs a stated reason.",
    "处方用量超过本地区规定天数（急诊更短），延长须注明理由。",
  ),
  LONG_TERM_TOO_LONG: e(
    "INVALID_ARGUMENT",
    "RX-08",
    "A long-term prescription may cover at most 12 weeks.",
    "长期处方用量最长不得超过12周。",
  ),
  LONG_TERM_ASSESSMENT_REQUIRED: e(
    "INVALID_ARGUMENT",
    "RX-08",
    "A long-term prescription over 4 weeks needs the physician's assessment note.",
    "长期处方超过4周须填写医师评估意见。",
  ),
  LONG_TERM_PATIENT_CONFIRMATION_REQUIRED: e(
    "FAILED_PRECONDITION",
    "RX-08",
    "A long-term prescription over 4 weeks needs the patient's confirmation before signing.",
    "长期处方超过4周须经患者确认后方可签名。",
  ),
  LONG_TERM_NOT_APPLICABLE: e(
    "FAILED_PRECONDITION",
    "RX-08",
    "This prescription version does not need a long-term confirmation.",
    "该处方版本无需长期处方确认。",
  ),
  LONG_TERM_DRUG_EXCLUDED: e(
    "INVALID_ARGUMENT",
    "RX-08",
    "This drug may not be on a long-term prescription.",
    "该药品不得开具长期处方。",
  ),
  NO_LINES: e("INVALID_ARGUMENT", "RX-09", "A prescription needs at least one drug.", "处方须至少包含一种药品。"),
  TOO_MANY_LINES: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "A Western or Chinese patent medicine prescription may have at most 5 drugs.",
    "西药、中成药处方每张不得超过5种药品。",
  ),
  DUPLICATE_DRUG: e("INVALID_ARGUMENT", "RX-09", "The same drug appears twice.", "同一药品重复开具。"),
  DECOCTION_PIECES_MIXED: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "Decoction pieces need a prescription of their own.",
    "中药饮片须单独开具处方。",
  ),
  PATIENT_WEIGHT_REQUIRED: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "A weight-dosed drug for an infant needs the infant's weight.",
    "为婴儿开具按体重给药的药品须注明体重。",
  ),
  APPROVED_NAME_REQUIRED: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "Drugs must be named by their approved (generic) name.",
    "药品须使用通用名称。",
  ),
  USAGE_VAGUE: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "Usage must be stated exactly; vague instructions such as \"as directed\" are not allowed.",
    "用法用量须明确，不得使用“遵医嘱”“自用”等含糊字句。",
  ),
  INVALID_USAGE: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "The route or frequency is not valid for this drug.",
    "给药途径或频次不适用于该药品。",
  ),
  DOSE_UNIT_MISMATCH: e("INVALID_ARGUMENT", "RX-09", "The dose unit differs from the drug's.", "剂量单位与药品不符。"),
  DOSE_OUT_OF_RANGE: e(
    "INVALID_ARGUMENT",
    "RX-09",
    "The dose is outside the drug's range per dose or per day.",
    "单次或每日剂量超出药品规定范围。",
  ),
  DRUG_AGE_RESTRICTED: e("INVALID_ARGUMENT", "RX-09", "This drug is not for patients of this age.", "该药品不适用于该年龄患者。"),
  UNKNOWN_DRUG: e("INVALID_ARGUMENT", undefined, "The drug code is not in the catalogue.", "药品编码不在药品目录中。"),
  INVALID_QUANTITY: e("INVALID_ARGUMENT", undefined, "The quantity must be a positive number.", "数量须为正数。"),
  INVALID_DOSE: e("INVALID_ARGUMENT", undefined, "The dose must be a positive number.", "剂量须为正数。"),
  INVALID_DAYS_SUPPLY: e("INVALID_ARGUMENT", undefined, "The days' supply must be a whole number from 1.", "用药天数须为正整数。"),
  INVALID_WEIGHT: e("INVALID_ARGUMENT", undefined, "The weight must be between 0.3 and 300 kg.", "体重须在0.3至300千克之间。"),
  PRESCRIPTION_NOT_DRAFT: e(
    "FAILED_PRECONDITION",
    "RX-03",
    "Only a draft can be confirmed or signed; edit a signed prescription to make a new version.",
    "只有草稿可以确认或签名；已签名处方须修改生成新版本。",
  ),
  PRESCRIPTION_FINALISED: e(
    "FAILED_PRECONDITION",
    "RX-03",
    "The pharmacist approved or rejected this prescription; it can no longer change.",
    "该处方已被药师审核通过或拒绝，不能再修改。",
  ),
  SIGNATURE_INVALID: e(
    "FAILED_PRECONDITION",
    "RX-03",
    "The signature is not valid.",
    "签名无效。",
  ),
  SIGNATURE_STALE: e(
    "ABORTED",
    "RX-03",
    "The prescription changed while it was being signed; sign the current version.",
    "签名期间处方已变更，请对最新版本签名。",
  ),
  SERIAL_NUMBER_TAKEN: e("FAILED_PRECONDITION", "RX-10", "The serial number is already in use.", "处方编号已被使用。"),
  PURPOSE_REQUIRED: e(
    "INVALID_ARGUMENT",
    "RX-11",
    "A statistics query must state its purpose (4–200 characters).",
    "查询统计数据须说明用途（4至200个字符）。",
  ),
  NOT_PRESCRIPTION_PATIENT: e(
    "PERMISSION_DENIED",
    "RX-08",
    "Only the patient of this prescription may confirm it.",
    "只有该处方的患者本人可以确认。",
  ),
  CONSULT_CONTEXT_INCOMPLETE: e(
    "FAILED_PRECONDITION",
    undefined,
    "The consult did not provide the patient's verified birth date or its jurisdiction.",
    "问诊未提供患者经核实的出生日期或所属辖区。",
  ),
  UNKNOWN_JURISDICTION: e("FAILED_PRECONDITION", undefined, "The jurisdiction is not supported.", "不支持该管辖地区。"),
  NO_PROFILE_IN_EFFECT: e(
    "FAILED_PRECONDITION",
    undefined,
    "No jurisdiction rules are in effect yet for this date.",
    "该日期尚无生效的地区规则。",
  ),
} as const satisfies Record<string, PrescriptionErrorEntry>;

export type PrescriptionErrorCode = keyof typeof PRESCRIPTION_ERRORS;

/** The DomainError for a code: kind, message and rule id come from the table, never from the call site. */
export const refusal = refusalsOf(PRESCRIPTION_ERRORS);
