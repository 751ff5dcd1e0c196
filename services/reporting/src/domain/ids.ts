import { DomainError, REQUEST_ID_ERRORS, refusalsOf } from "@ihp/eventsourcing";

// The ids, codes and references callers name in reporting's commands (incident and case ids, institution ids,
// category and finding codes, authorities' references, scope values, consult ids). They become stream names, feed
// fields sent to the regulator and refusal resources, so anything else is refused before a read or a write.
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isReportingId(value: string): boolean {
  return ID.test(value);
}

/** Codes of malformed ids (ERRORS.md "Returned to callers"); the gateway shows these texts. */
export const ID_ERRORS = {
  INVALID_ID: {
    status: 3,
    en: "Ids, codes and references must be 1–128 letters, digits or . _ : -",
    zh: "编号、代码和受理编号须为1至128位字母、数字或 . _ : - 字符。",
  },
  INVALID_REQUEST_ID: { status: 3, en: REQUEST_ID_ERRORS.INVALID_REQUEST_ID.en, zh: REQUEST_ID_ERRORS.INVALID_REQUEST_ID.zh },
} as const;

/**
 * The first field (name → value as given) that is not an id: its name, never its value; undefined if none. `ids`
 * must be given; `codes` (category and finding codes, references) may be left empty, but not malformed.
 */
export function invalidIdField(ids: Readonly<Record<string, string>>, codes: Readonly<Record<string, string>> = {}): string | undefined {
  const given = Object.entries(codes).filter(([, value]) => value !== "");
  return [...Object.entries(ids), ...given].find(([, value]) => !isReportingId(value))?.[0];
}

/** INVALID_ID naming the field (not its value) for logs and gRPC callers; the gateway shows the table's text. */
export function invalidId(field: string): DomainError {
  return new DomainError("INVALID_ID", "INVALID_ARGUMENT", `${ID_ERRORS.INVALID_ID.en} (${field})`);
}

/** The platform's request-id refusal, with the texts every service shares. */
export const invalidRequestId = (): DomainError => refusalsOf(REQUEST_ID_ERRORS)("INVALID_REQUEST_ID");
