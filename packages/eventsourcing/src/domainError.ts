/**
 * How a refusal maps onto transport statuses (ARCHITECTURE §7): each kind is exactly one gRPC status, and the
 * gateway maps the code, in one place, to a GraphQL error.
 */
export type DomainErrorKind =
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "ABORTED";

/**
 * A rule refused a command. `code` is stable and documented (e.g. FIRST_VISIT_NOT_ALLOWED); `message` is plain
 * language and never carries personal data; `ruleId` names the REQUIREMENTS.md rule it enforces, if any.
 * Deciders return it as a value; the runtime throws it to the caller.
 */
export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly ruleId?: string,
  ) {
    super(message);
  }
}

/**
 * Whether `error` is a refusal. instanceof suffices: every workspace package resolves @ihp/eventsourcing the same way
 * in a process (source under the "ihp-source" condition in tests and tsx, dist in production), so there is one
 * DomainError class; tests/contracts/oneDomainError.test.ts fails if a second copy ever gets loaded.
 */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** One row of a service's error table (its ERRORS.md mirrors the table; the gateway shows en and zh). */
export interface ErrorEntry {
  readonly kind: DomainErrorKind;
  /** REQUIREMENTS.md rule the code enforces; undefined for plain input hygiene. */
  readonly ruleId: string | undefined;
  /** Plain language, no personal data: the DomainError message and the gateway's English text. */
  readonly en: string;
  readonly zh: string;
}

/**
 * The refusal function of an error table: kind, message and rule id come from the table, never from the call site,
 * so a code reads the same wherever it is raised. `detail` (never personal data) is appended to the message for logs
 * and the caller's debugging; the gateway shows the table's text only.
 */
export function refusalsOf<Code extends string>(
  table: Readonly<Record<Code, Omit<ErrorEntry, "zh">>>,
): (code: Code, detail?: string) => DomainError {
  return (code, detail) => {
    const entry = table[code];
    return new DomainError(code, entry.kind, detail === undefined ? entry.en : `${entry.en} (${detail})`, entry.ruleId);
  };
}

/**
 * The refusals of a missing or malformed client request id (handleCommand's idempotency key), the same in every
 * service: each service's table spreads them in, so the texts are written once and the gateway's catalog holds one.
 */
export const REQUEST_ID_ERRORS = {
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
} as const satisfies Record<string, ErrorEntry>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Whether `value` is a client request id by the rule INVALID_REQUEST_ID words: 8–128 letters, digits or . _ : -
 * (at least 8 so that ids from different clients do not collide; a UUID is what clients should send).
 */
export function isRequestId(value: string): boolean {
  return REQUEST_ID.test(value);
}
