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
