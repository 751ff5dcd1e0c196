import { DomainError, type DomainErrorKind } from "@ihp/eventsourcing";

export interface IdentityErrorEntry {
  readonly kind: DomainErrorKind;
  /** REQUIREMENTS.md rule the code enforces; undefined for plain input hygiene. */
  readonly ruleId: string | undefined;
  /** Plain language, no personal data: the DomainError message and the gateway's English text. */
  readonly en: string;
  readonly zh: string;
}

/**
 * Every stable code the identity service refuses with, in one table (ERRORS.md mirrors it; a test keeps them equal).
 * The gateway passes this table to createErrorCatalog. Codes never change meaning; retired codes stay reserved.
 */
export const IDENTITY_ERRORS = {
  REQUEST_ID_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "A request id is required for this change.",
    zh: "此操作需要提供请求编号。",
  },
  INVALID_REQUEST_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The request id must be 8–128 letters, digits or the characters . _ : -",
    zh: "请求编号须为8至128位字母、数字或 . _ : - 字符。",
  },
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
  // Patients, guardians, login sessions, step-up and e-signatures (IDN-03, IDN-07, IDN-08, IDN-09).
  INVALID_PATIENT_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The patient id is not valid.",
    zh: "患者编号无效。",
  },
  PATIENT_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "The patient was not found.",
    zh: "未找到该患者。",
  },
  INVALID_PATIENT_NAME: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "Please enter your real name as it appears on your identity document.",
    zh: "请填写与身份证件一致的真实姓名。",
  },
  INVALID_ID_DOCUMENT_TYPE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "Please choose the type of identity document.",
    zh: "请选择身份证件类型。",
  },
  INVALID_ID_NUMBER: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "The identity document number is not valid for this document type.",
    zh: "证件号码与证件类型不符。",
  },
  ID_NUMBER_CHECK_DIGIT_MISMATCH: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "The identity card number is not valid. Please check it.",
    zh: "身份证号码校验位错误，请核对。",
  },
  ID_NUMBER_BIRTH_DATE_MISMATCH: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "The date of birth does not match the identity card number.",
    zh: "出生日期与身份证号码不一致。",
  },
  INVALID_BIRTH_DATE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "Please enter the date of birth as YYYY-MM-DD.",
    zh: "请按YYYY-MM-DD格式填写出生日期。",
  },
  BIRTH_DATE_IN_FUTURE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "The date of birth cannot be in the future.",
    zh: "出生日期不能晚于今天。",
  },
  INVALID_SEX: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "Please choose the sex.",
    zh: "请选择性别。",
  },
  PATIENT_ALREADY_REGISTERED: {
    kind: "ALREADY_EXISTS",
    ruleId: "IDN-07",
    en: "A patient with this identity document is already registered. Please sign in instead.",
    zh: "该证件已注册，请直接登录。",
  },
  INVALID_VERIFICATION_METHOD: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "This verification method is not available.",
    zh: "不支持该实名认证方式。",
  },
  VERIFICATION_EVIDENCE_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-07",
    en: "Please complete the face check first.",
    zh: "请先完成人脸识别。",
  },
  IDENTITY_VERIFICATION_FAILED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-07",
    en: "Your identity could not be verified. Please try again or verify at the hospital.",
    zh: "实名认证未通过，请重试或到医院现场认证。",
  },
  PATIENT_NOT_VERIFIED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-07",
    en: "Please complete real-name verification before booking.",
    zh: "请先完成实名认证再预约。",
  },
  INVALID_GUARDIAN_RELATIONSHIP: {
    kind: "INVALID_ARGUMENT",
    ruleId: "RX-05",
    en: "Please choose the relationship to the child.",
    zh: "请选择与儿童的关系。",
  },
  GUARDIAN_EVIDENCE_REQUIRED: {
    kind: "INVALID_ARGUMENT",
    ruleId: "RX-05",
    en: "Please provide proof of the relationship, such as the household register.",
    zh: "请提供关系证明，例如户口簿。",
  },
  GUARDIAN_SELF_LINK: {
    kind: "INVALID_ARGUMENT",
    ruleId: "RX-05",
    en: "A patient cannot be their own guardian.",
    zh: "患者不能作为自己的监护人。",
  },
  GUARDIAN_NOT_ADULT: {
    kind: "FAILED_PRECONDITION",
    ruleId: "RX-05",
    en: "A guardian must be an adult.",
    zh: "监护人须为成年人。",
  },
  GUARDIAN_NOT_VERIFIED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-07",
    en: "The guardian is not verified for this patient.",
    zh: "监护人未通过核验。",
  },
  CHILD_NOT_MINOR: {
    kind: "FAILED_PRECONDITION",
    ruleId: "RX-05",
    en: "Guardians can only be linked to patients under 18.",
    zh: "只能为未满18周岁的患者添加监护人。",
  },
  GUARDIAN_ALREADY_LINKED: {
    kind: "ALREADY_EXISTS",
    ruleId: "RX-05",
    en: "This guardian is already linked to the child.",
    zh: "该监护人已与儿童关联。",
  },
  GUARDIANSHIP_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "RX-05",
    en: "No such guardian link was found.",
    zh: "未找到该监护关系。",
  },
  INVALID_LOGIN_NAME: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-08",
    en: "The login name must be 4–64 letters, digits or the characters . _ @ + -",
    zh: "登录名须为4至64位字母、数字或 . _ @ + - 字符。",
  },
  LOGIN_NAME_TAKEN: {
    kind: "ALREADY_EXISTS",
    ruleId: "IDN-08",
    en: "This login name is already in use.",
    zh: "该登录名已被使用。",
  },
  WEAK_PASSWORD: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-08",
    en: "The password must be 8–128 characters with letters and digits.",
    zh: "密码须为8至128位，且同时包含字母和数字。",
  },
  ACCOUNT_HOLDER_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "IDN-08",
    en: "The practitioner was not found.",
    zh: "未找到该医务人员。",
  },
  INVALID_CREDENTIALS: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-08",
    en: "The login name or password is wrong.",
    zh: "登录名或密码错误。",
  },
  ACCOUNT_LOCKED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-08",
    en: "Too many failed sign-ins. Please try again later.",
    zh: "登录失败次数过多，请稍后再试。",
  },
  LOGIN_NOT_AVAILABLE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-08",
    en: "Please sign in through your organisation's sign-in page.",
    zh: "请通过机构统一登录页面登录。",
  },
  SESSION_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-08",
    en: "Please sign in again to continue.",
    zh: "请重新登录后继续。",
  },
  SESSION_SUPERSEDED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-08",
    en: "You signed in on another device. Please sign in again here to continue.",
    zh: "您的账号已在其他设备登录，请重新登录。",
  },
  SESSION_IDLE_EXPIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-08",
    en: "Your session ended after a period of inactivity. Please sign in again.",
    zh: "长时间未操作，会话已结束，请重新登录。",
  },
  HUMAN_CLINICIAN_REQUIRED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "Only the clinician in person may do this.",
    zh: "此操作须由医务人员本人完成。",
  },
  NOT_THE_PRACTITIONER: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "Only the clinician in person may do this.",
    zh: "此操作须由医务人员本人完成。",
  },
  INVALID_CONSULT_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-03",
    en: "The consult id is not valid.",
    zh: "问诊编号无效。",
  },
  NO_VALID_SIGNING_CERT: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "You have no valid signing certificate. Please contact the hospital administrator.",
    zh: "您没有有效的电子签名证书，请联系医院管理员。",
  },
  SIGNER_NOT_ACTIVE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "Your practice account is not active, so you cannot sign.",
    zh: "您的执业状态无效，无法签名。",
  },
  INVALID_DOCUMENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-09",
    en: "The document to sign is not valid.",
    zh: "待签名文件无效。",
  },
  INVALID_SIGNATURE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-09",
    en: "The signature to check is missing or not valid.",
    zh: "缺少待验证的签名或签名格式无效。",
  },
  INVALID_SIGNING_ALGORITHM: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-09",
    en: "This signature algorithm is not supported.",
    zh: "不支持该签名算法。",
  },
  CERTIFICATE_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: "IDN-09",
    en: "The certificate was not found.",
    zh: "未找到该证书。",
  },
  SIGNATURE_INVALID: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The signature is not valid.",
    zh: "签名无效。",
  },
  CERTIFICATE_REVOKED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The signing certificate had been revoked.",
    zh: "签名证书已被吊销。",
  },
  CERTIFICATE_EXPIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The signing certificate was not valid at the time of signing.",
    zh: "签名时签名证书不在有效期内。",
  },
  CERTIFICATE_UNKNOWN: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The signing certificate is not known.",
    zh: "无法识别签名证书。",
  },
  SIGNER_MISMATCH: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The document was signed by someone else.",
    zh: "签名人与预期不符。",
  },
  DOCUMENT_HASH_MISMATCH: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-09",
    en: "The signature does not belong to this document.",
    zh: "签名与该文件不符。",
  },
  // Practitioners (IDN-01, 02, 04, 05, 06, 10; PHA-02; REP-03).
  INVALID_PRACTITIONER_ID: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The practitioner id is not valid.",
    zh: "医务人员编号无效。",
  },
  PRACTITIONER_NOT_FOUND: {
    kind: "NOT_FOUND",
    ruleId: undefined,
    en: "The practitioner was not found.",
    zh: "未找到该医务人员。",
  },
  PRACTITIONER_ALREADY_REGISTERED: {
    kind: "ALREADY_EXISTS",
    ruleId: undefined,
    en: "This practitioner is already registered.",
    zh: "该医务人员已登记。",
  },
  INVALID_PRACTITIONER_NAME: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-03",
    en: "The practitioner's name must be 2–50 characters.",
    zh: "医务人员姓名须为2至50个字符。",
  },
  INVALID_STAFF_ID_NUMBER: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-03",
    en: "The ID number is not a valid resident ID card number.",
    zh: "身份证号码无效。",
  },
  UNKNOWN_PROFESSION: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "Please choose physician, nurse or pharmacist.",
    zh: "请选择医师、护士或药师。",
  },
  INVALID_PRACTICE_LICENCE_NUMBER: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-01",
    en: "The practice certificate number is not valid.",
    zh: "执业证书编码格式不正确。",
  },
  INVALID_LICENCE_VALIDITY: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-01",
    en: "The licence validity date must be YYYY-MM-DD.",
    zh: "执业证书有效期须为YYYY-MM-DD格式的日期。",
  },
  CREDENTIAL_EXPIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-01",
    en: "The practitioner's practice licence has expired.",
    zh: "该医务人员的执业证书已过期。",
  },
  INVALID_TITLE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-03",
    en: "The professional title must be 2–30 characters.",
    zh: "职称须为2至30个字符。",
  },
  NO_PRACTICE_SCOPE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "At least one practice scope is required.",
    zh: "须至少填写一项执业范围。",
  },
  UNKNOWN_PRACTICE_SCOPE: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "A practice scope is unknown or does not belong to this profession.",
    zh: "执业范围代码无效或与执业类别不符。",
  },
  UNKNOWN_DEPARTMENT: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "A department code is not on the national list of diagnosis subjects.",
    zh: "科室代码不在《医疗机构诊疗科目名录》中。",
  },
  NO_DEPARTMENTS: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-06",
    en: "At least one department is required.",
    zh: "须至少填写一个诊疗科目。",
  },
  OUT_OF_SCOPE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-06",
    en: "This is outside the practitioner's practice scope or the institution's licensed diagnosis subjects.",
    zh: "超出医师执业范围或医疗机构核准的诊疗科目。",
  },
  INVALID_MAIN_INSTITUTION: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-05",
    en: "The main practice institution must be 2–100 characters.",
    zh: "第一执业机构名称须为2至100个字符。",
  },
  INVALID_PRACTICE_START: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-04",
    en: "The date independent practice began must be a past date (YYYY-MM-DD).",
    zh: "独立执业起始日期须为不晚于今天的日期（YYYY-MM-DD）。",
  },
  INVALID_PHOTO_HASH: {
    kind: "INVALID_ARGUMENT",
    ruleId: "REP-03",
    en: "The photo reference must be a SHA-256 hash.",
    zh: "照片摘要须为SHA-256哈希值。",
  },
  INVALID_DISPENSING_YEARS: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-02",
    en: "Dispensing experience must be 0–70 years, and only pharmacists have it.",
    zh: "调剂工作年限须为0至70年，且仅适用于药师。",
  },
  INVALID_AFFILIATION: {
    kind: "INVALID_ARGUMENT",
    ruleId: "PHA-02",
    en: "The affiliation is not valid for this practitioner.",
    zh: "执业隶属关系无效。",
  },
  AFFILIATION_NOT_ALLOWED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-02",
    en: "Contracted pharmacists are not allowed in this jurisdiction.",
    zh: "本地区不允许使用合作机构药师审方。",
  },
  CLINICIAN_NOT_REGISTERED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-01",
    en: "The practitioner is not confirmed in the national practitioner registry.",
    zh: "该医务人员未在国家电子注册系统中核验通过。",
  },
  IDENTITY_NOT_VERIFIED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-02",
    en: "The practitioner has not passed real-name verification.",
    zh: "该医务人员尚未通过电子实名认证。",
  },
  FACE_MATCH_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-02",
    en: "Real-name verification at this institution needs a face match.",
    zh: "本机构的实名认证须通过人脸识别。",
  },
  FACE_MATCH_FAILED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-02",
    en: "The face match did not confirm the practitioner.",
    zh: "人脸识别未能确认本人身份。",
  },
  INSUFFICIENT_PRACTICE_YEARS: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-04",
    en: "The physician needs at least 3 years of independent clinical practice.",
    zh: "医师须具有3年以上独立临床工作经验。",
  },
  CONSENT_DOCUMENT_MISSING: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-04",
    en: "The registering institution's consent document is not on file.",
    zh: "尚未备存执业注册机构的同意文件。",
  },
  MULTI_SITE_FILING_MISSING: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-05",
    en: "A multi-institution practice filing for this institution is not on file.",
    zh: "尚未备存在本机构的多机构执业备案。",
  },
  UNKNOWN_DOCUMENT_KIND: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "Please choose the kind of document.",
    zh: "请选择文件类型。",
  },
  INVALID_REFERENCE: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The reference must be 1–100 letters, digits or . _ : / # -",
    zh: "编号须为1至100位字母、数字或 . _ : / # - 字符。",
  },
  INVALID_STATUS_REASON: {
    kind: "INVALID_ARGUMENT",
    ruleId: undefined,
    en: "The reason must be a code such as COMPLAINT_UNDER_REVIEW.",
    zh: "原因须为代码形式，例如 COMPLAINT_UNDER_REVIEW。",
  },
  PRACTITIONER_CLOSED: {
    kind: "FAILED_PRECONDITION",
    ruleId: undefined,
    en: "This practitioner has been revoked or has left; nothing can change.",
    zh: "该医务人员已被注销或已离职，不能再作变更。",
  },
  PRACTITIONER_NOT_ACTIVE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-01",
    en: "The practitioner is not enabled for online practice.",
    zh: "该医务人员未启用互联网执业。",
  },
  PRACTITIONER_SUSPENDED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-01",
    en: "The practitioner is suspended.",
    zh: "该医务人员已被暂停执业。",
  },
  NOT_PRACTISING_HERE: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-05",
    en: "The practitioner is not enabled at this institution.",
    zh: "该医务人员未在本机构启用。",
  },
  REVIEWER_NOT_QUALIFIED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "PHA-02",
    en: "The pharmacist is not qualified to review prescriptions.",
    zh: "该药师不具备处方审核资格。",
  },
} as const satisfies Record<string, IdentityErrorEntry>;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

/** The DomainError for a code: kind, message and rule id come from the table, never from the call site. */
export function refusal(code: IdentityErrorCode): DomainError {
  const entry: IdentityErrorEntry = IDENTITY_ERRORS[code];
  return new DomainError(code, entry.kind, entry.en, entry.ruleId);
}
