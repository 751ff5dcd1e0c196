import { status } from "@grpc/grpc-js";
import type { DomainErrorKind } from "@ihp/eventsourcing";

/** What went wrong, as callers see it: a DomainError kind or one of the transport-level outcomes. */
export type ErrorKind =
  | DomainErrorKind
  | "UNAUTHENTICATED"
  | "DEADLINE_EXCEEDED"
  | "UNAVAILABLE"
  | "RESOURCE_EXHAUSTED"
  | "CANCELLED"
  | "INTERNAL";

// The one mapping of ARCHITECTURE §7. Each kind is exactly one status and back.
const KIND_TO_STATUS = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  ABORTED: status.ABORTED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  UNAVAILABLE: status.UNAVAILABLE,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  CANCELLED: status.CANCELLED,
  INTERNAL: status.INTERNAL,
} as const satisfies Record<ErrorKind, status>;

const DOMAIN_KINDS: ReadonlySet<string> = new Set<DomainErrorKind>([
  "INVALID_ARGUMENT",
  "FAILED_PRECONDITION",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "ABORTED",
]);

export function isDomainErrorKind(kind: unknown): kind is DomainErrorKind {
  return typeof kind === "string" && DOMAIN_KINDS.has(kind);
}

export function statusForKind(kind: ErrorKind): status {
  return KIND_TO_STATUS[kind];
}

const STATUS_TO_KIND: ReadonlyMap<number, ErrorKind> = new Map<number, ErrorKind>([
  ...(Object.entries(KIND_TO_STATUS) as [ErrorKind, status][]).map(([kind, code]) => [code, kind] as const),
  [status.OUT_OF_RANGE, "INVALID_ARGUMENT"],
]);

/**
 * The kind a caller should see for a status. Statuses no kind produces (UNKNOWN, UNIMPLEMENTED, DATA_LOSS…) are
 * faults of ours, so they read as INTERNAL; OUT_OF_RANGE is a bad argument by another name.
 */
export function kindForStatus(code: number): ErrorKind {
  return STATUS_TO_KIND.get(code) ?? "INTERNAL";
}
