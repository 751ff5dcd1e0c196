import { DomainError, isRequestId, REQUEST_ID_ERRORS, refusalsOf } from "@ihp/eventsourcing";

// The ids and codes callers name in reporting's commands (incident and case ids, institution ids, category and
// finding codes, scope values, consult ids). They become stream names, feed fields sent to the regulator and refusal
// resources, so anything else is refused before a read or a write.
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
// An authority's or a finding's reference is a document number as the authority writes it (京卫应急〔2026〕3号):
// any characters but control characters, at most 128 of them.
const REFERENCE = /^[^\p{Cc}]{1,128}$/u;

export function isReportingId(value: string): boolean {
  return ID.test(value);
}

/** An id the client chose for its report (adverse event, complaint), a UUID in practice: held to the request-id rule. */
export function isClientChosenId(value: string): boolean {
  return isRequestId(value);
}

/** Codes of malformed ids (ERRORS.md "Returned to callers"); the gateway shows these texts. */
export const ID_ERRORS = {
  INVALID_ID: {
    status: 3,
    en: "Ids and codes must be 1–128 letters, digits or . _ : -; references at most 128 characters without control characters",
    zh: "编号和代码须为1至128位字母、数字或 . _ : - 字符；受理编号不超过128个字符且不含控制字符。",
  },
  INVALID_REQUEST_ID: { status: 3, en: REQUEST_ID_ERRORS.INVALID_REQUEST_ID.en, zh: REQUEST_ID_ERRORS.INVALID_REQUEST_ID.zh },
} as const;

/**
 * The first field (name → value as given) that is malformed: its name, never its value; undefined if none. `ids`
 * must be given; `codes` (category and finding codes) and `references` may be left empty, but not malformed.
 */
export function invalidIdField(
  ids: Readonly<Record<string, string>>,
  codes: Readonly<Record<string, string>> = {},
  references: Readonly<Record<string, string>> = {},
): string | undefined {
  const given = (fields: Readonly<Record<string, string>>) => Object.entries(fields).filter(([, value]) => value !== "");
  return (
    [...Object.entries(ids), ...given(codes)].find(([, value]) => !isReportingId(value))?.[0] ??
    given(references).find(([, value]) => !REFERENCE.test(value))?.[0]
  );
}

/** INVALID_ID naming the field (not its value) for logs and gRPC callers; the gateway shows the table's text. */
export function invalidId(field: string): DomainError {
  return new DomainError("INVALID_ID", "INVALID_ARGUMENT", `${ID_ERRORS.INVALID_ID.en} (${field})`);
}

/** The platform's request-id refusal, with the texts every service shares. */
export const invalidRequestId = (): DomainError => refusalsOf(REQUEST_ID_ERRORS)("INVALID_REQUEST_ID");
