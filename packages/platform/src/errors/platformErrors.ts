import { DomainError } from "@ihp/eventsourcing";
import { status } from "@grpc/grpc-js";

/** Plain-language text for a stable error code, shown to users by the gateway. */
export interface ErrorDescription {
  readonly en: string;
  readonly zh: string;
}

interface PlatformErrorEntry extends ErrorDescription {
  readonly status: status;
}

/**
 * The platform's own stable codes (ERRORS.md). Codes named after a gRPC status double as the generic fallback for
 * that status, so a code nobody described still gets a sensible text.
 */
export const PLATFORM_ERRORS = {
  INVALID_ARGUMENT: {
    status: status.INVALID_ARGUMENT,
    en: "The request is not valid. Please check what you entered.",
    zh: "请求内容有误，请检查填写的信息。",
  },
  MALFORMED_REQUEST: {
    status: status.INVALID_ARGUMENT,
    en: "The request could not be read. Please update the app or check what it sends.",
    zh: "无法读取请求内容，请更新应用或检查发送的数据。",
  },
  INVALID_CURSOR: {
    status: status.INVALID_ARGUMENT,
    en: "The page cursor is not valid. Please start again from the first page.",
    zh: "分页标记无效，请从第一页重新开始。",
  },
  AUDIT_RANGE_INVALID: {
    status: status.INVALID_ARGUMENT,
    en: "Give a time range of at most 31 days, with its end after its start.",
    zh: "请指定不超过31天的时间范围，且结束时间晚于开始时间。",
  },
  FAILED_PRECONDITION: {
    status: status.FAILED_PRECONDITION,
    en: "This cannot be done at the current stage.",
    zh: "当前状态下无法执行此操作。",
  },
  NOT_FOUND: { status: status.NOT_FOUND, en: "The item was not found.", zh: "未找到相关内容。" },
  ALREADY_EXISTS: { status: status.ALREADY_EXISTS, en: "This already exists.", zh: "该内容已存在。" },
  PERMISSION_DENIED: {
    status: status.PERMISSION_DENIED,
    en: "You are not allowed to do this.",
    zh: "您没有执行此操作的权限。",
  },
  ROLE_NOT_ALLOWED: {
    status: status.PERMISSION_DENIED,
    en: "Your role is not allowed to do this.",
    zh: "您的角色无权执行此操作。",
  },
  TENANT_MISMATCH: {
    status: status.PERMISSION_DENIED,
    en: "This belongs to another institution.",
    zh: "该内容属于其他机构，您无权访问。",
  },
  AUDIT_SCOPE_UNAVAILABLE: {
    status: status.PERMISSION_DENIED,
    en: "The audit trail cannot yet be limited to the institutions of your jurisdiction. Please ask the national regulator.",
    zh: "审计记录暂无法按您的辖区限定范围，请联系国家级监管部门。",
  },
  STEP_UP_REQUIRED: {
    status: status.PERMISSION_DENIED,
    en: "Please confirm your identity again to continue.",
    zh: "请再次验证身份后继续。",
  },
  ABORTED: {
    status: status.ABORTED,
    en: "The data changed while you were working. Please try again.",
    zh: "数据已被他人修改，请刷新后重试。",
  },
  CONCURRENT_UPDATE: {
    status: status.ABORTED,
    en: "The data changed while you were working. Please try again.",
    zh: "数据已被他人修改，请刷新后重试。",
  },
  SUBJECT_ERASED: {
    status: status.FAILED_PRECONDITION,
    en: "This person's data of this kind was destroyed; it cannot be written again without an approved new key.",
    zh: "该人员此类数据已销毁，未经批准启用新密钥不得再写入。",
  },
  UNAUTHENTICATED: { status: status.UNAUTHENTICATED, en: "Please sign in.", zh: "请先登录。" },
  TOKEN_MISSING: { status: status.UNAUTHENTICATED, en: "Please sign in.", zh: "请先登录。" },
  TOKEN_MALFORMED: {
    status: status.UNAUTHENTICATED,
    en: "Your sign-in is not valid. Please sign in again.",
    zh: "登录凭证无效，请重新登录。",
  },
  TOKEN_EXPIRED: {
    status: status.UNAUTHENTICATED,
    en: "Your session has expired. Please sign in again.",
    zh: "登录已过期，请重新登录。",
  },
  TOKEN_NOT_YET_VALID: {
    status: status.UNAUTHENTICATED,
    en: "Your sign-in is not valid yet. Please check your device clock and sign in again.",
    zh: "登录凭证尚未生效，请检查设备时间后重新登录。",
  },
  TOKEN_SIGNATURE_INVALID: {
    status: status.UNAUTHENTICATED,
    en: "Your sign-in could not be verified. Please sign in again.",
    zh: "无法验证登录凭证，请重新登录。",
  },
  TOKEN_ALGORITHM_NOT_ALLOWED: {
    status: status.UNAUTHENTICATED,
    en: "Your sign-in could not be verified. Please sign in again.",
    zh: "无法验证登录凭证，请重新登录。",
  },
  TOKEN_CLAIMS_INVALID: {
    status: status.UNAUTHENTICATED,
    en: "Your sign-in is not valid for this service. Please sign in again.",
    zh: "登录凭证不适用于本服务，请重新登录。",
  },
  AUTH_UNAVAILABLE: {
    status: status.UNAVAILABLE,
    en: "Sign-in checks are temporarily unavailable. Please try again later.",
    zh: "身份验证服务暂时不可用，请稍后重试。",
  },
  DEADLINE_EXCEEDED: {
    status: status.DEADLINE_EXCEEDED,
    en: "The request took too long. Please try again.",
    zh: "请求超时，请稍后重试。",
  },
  UNAVAILABLE: {
    status: status.UNAVAILABLE,
    en: "The service is temporarily unavailable. Please try again later.",
    zh: "服务暂时不可用，请稍后重试。",
  },
  RESOURCE_EXHAUSTED: {
    status: status.RESOURCE_EXHAUSTED,
    en: "The system is busy. Please try again later.",
    zh: "系统繁忙，请稍后重试。",
  },
  CANCELLED: { status: status.CANCELLED, en: "The request was cancelled.", zh: "请求已取消。" },
  INTERNAL: {
    status: status.INTERNAL,
    en: "Something went wrong on our side. Please try again later.",
    zh: "系统内部错误，请稍后重试。",
  },
} as const satisfies Record<string, PlatformErrorEntry>;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

export function isPlatformErrorCode(code: string): code is PlatformErrorCode {
  return Object.hasOwn(PLATFORM_ERRORS, code);
}

const GENERIC: ErrorDescription = {
  en: "The request could not be completed.",
  zh: "请求未能完成。",
};

/**
 * Text for a stable code. Unknown codes fall back to the generic text of `fallbackCode` (typically the error's kind,
 * e.g. FAILED_PRECONDITION), then to a neutral sentence: never to the raw code or a server message.
 */
export function describeError(code: string, fallbackCode?: string): ErrorDescription {
  if (isPlatformErrorCode(code)) return pick(PLATFORM_ERRORS[code]);
  if (fallbackCode !== undefined && isPlatformErrorCode(fallbackCode)) return pick(PLATFORM_ERRORS[fallbackCode]);
  return GENERIC;
}

/**
 * The gateway's one place for error texts: the platform's codes plus each service's own table (e.g. consult's
 * FIRST_VISIT_NOT_ALLOWED). Service entries may not redefine platform codes, so a login error reads the same everywhere.
 */
export function createErrorCatalog(
  ...tables: readonly Readonly<Record<string, ErrorDescription>>[]
): (code: string, fallbackCode?: string) => ErrorDescription {
  const entries = new Map<string, ErrorDescription>();
  for (const table of tables) {
    for (const [code, description] of Object.entries(table)) {
      if (isPlatformErrorCode(code)) throw new Error(`error code ${code} is a platform code and cannot be redefined`);
      const existing = entries.get(code);
      if (existing !== undefined && (existing.en !== description.en || existing.zh !== description.zh)) {
        throw new Error(`error code ${code} is described twice with different texts`);
      }
      entries.set(code, pick(description));
    }
  }
  return (code, fallbackCode) => entries.get(code) ?? describeError(code, fallbackCode);
}

function pick(description: ErrorDescription): ErrorDescription {
  return { en: description.en, zh: description.zh };
}

/**
 * A page cursor the service did not issue (or that no longer decodes): one code and text for every paged list of
 * every service, so the gateway's catalog holds it once.
 */
export function invalidCursor(): DomainError {
  return new DomainError("INVALID_CURSOR", "INVALID_ARGUMENT", PLATFORM_ERRORS.INVALID_CURSOR.en);
}
