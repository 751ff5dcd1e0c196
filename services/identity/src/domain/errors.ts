import { DomainError } from "@ihp/eventsourcing";
import { ACCESS_ERRORS } from "./accessErrors.js";
import { ACCOUNT_ERRORS } from "./accountErrors.js";
import type { IdentityErrorEntry } from "./errorEntry.js";
import { INSTITUTION_ERRORS } from "./institutionErrors.js";
import { PRACTITIONER_ERRORS } from "./practitionerErrors.js";

export type { IdentityErrorEntry } from "./errorEntry.js";

/**
 * Every stable code the identity service refuses with, in one table (ERRORS.md mirrors it; a test keeps them equal).
 * The gateway passes this table to createErrorCatalog. Codes never change meaning; retired codes stay reserved.
 */
export const IDENTITY_ERRORS = { ...INSTITUTION_ERRORS, ...ACCESS_ERRORS, ...PRACTITIONER_ERRORS, ...ACCOUNT_ERRORS } as const satisfies Record<
  string,
  IdentityErrorEntry
>;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

/** The DomainError for a code: kind, message and rule id come from the table, never from the call site. */
export function refusal(code: IdentityErrorCode): DomainError {
  const entry: IdentityErrorEntry = IDENTITY_ERRORS[code];
  return new DomainError(code, entry.kind, entry.en, entry.ruleId);
}
