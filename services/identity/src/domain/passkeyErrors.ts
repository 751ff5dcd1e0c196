import type { ErrorEntry } from "@ihp/eventsourcing";

/** WebAuthn passkeys: registration and step-up assertions (IDN-02, IDN-03; issue 15). */
export const PASSKEY_ERRORS = {
  STEP_UP_FACTOR_NOT_ACCEPTED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-03",
    en: "This way of confirming your identity is not accepted here. Please use your passkey or face check.",
    zh: "本地区不接受该身份验证方式，请使用通行密钥或人脸识别。",
  },
  RECENT_LOGIN_REQUIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-03",
    en: "Please sign in again before adding a passkey.",
    zh: "添加通行密钥前请重新登录。",
  },
  WEBAUTHN_RESPONSE_INVALID: {
    kind: "INVALID_ARGUMENT",
    ruleId: "IDN-03",
    en: "The passkey response could not be read. Please try again.",
    zh: "无法读取通行密钥的响应，请重试。",
  },
  WEBAUTHN_CHALLENGE_UNKNOWN: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-03",
    en: "This passkey request is not valid here. Please start again.",
    zh: "该通行密钥请求无效，请重新开始。",
  },
  WEBAUTHN_CHALLENGE_USED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-03",
    en: "This passkey request was already used. Please start again.",
    zh: "该通行密钥请求已被使用，请重新开始。",
  },
  WEBAUTHN_CHALLENGE_EXPIRED: {
    kind: "FAILED_PRECONDITION",
    ruleId: "IDN-03",
    en: "This passkey request has expired. Please start again.",
    zh: "该通行密钥请求已过期，请重新开始。",
  },
  WEBAUTHN_ORIGIN_MISMATCH: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "The passkey was used from a site this platform does not trust.",
    zh: "通行密钥来自本平台不信任的网站。",
  },
  WEBAUTHN_RP_ID_MISMATCH: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "The passkey belongs to another site.",
    zh: "该通行密钥属于其他网站。",
  },
  WEBAUTHN_USER_NOT_VERIFIED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "Your device did not verify you (fingerprint, face or PIN). Please try again.",
    zh: "设备未验证您的身份（指纹、面容或PIN），请重试。",
  },
  WEBAUTHN_COUNTER_REGRESSED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "This passkey may have been copied. Please contact the hospital administrator.",
    zh: "该通行密钥可能已被复制，请联系医院管理员。",
  },
  WEBAUTHN_SIGNATURE_INVALID: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "The passkey could not be verified.",
    zh: "通行密钥验证失败。",
  },
  PASSKEY_NOT_REGISTERED: {
    kind: "PERMISSION_DENIED",
    ruleId: "IDN-03",
    en: "This passkey is not registered to your account.",
    zh: "该通行密钥未登记在您的账号下。",
  },
  PASSKEY_ALREADY_REGISTERED: {
    kind: "ALREADY_EXISTS",
    ruleId: "IDN-03",
    en: "This passkey is already registered.",
    zh: "该通行密钥已登记。",
  },
} as const satisfies Record<string, ErrorEntry>;
