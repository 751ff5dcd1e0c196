import { type ErrorEntry, refusalsOf } from "@ihp/eventsourcing";
import { ACCESS_ERRORS } from "./accessErrors.js";
import { ACCOUNT_ERRORS } from "./accountErrors.js";
import { ERASURE_ERRORS } from "./erasureErrors.js";
import { INSTITUTION_ERRORS } from "./institutionErrors.js";
import { PASSKEY_ERRORS } from "./passkeyErrors.js";
import { PRACTITIONER_ERRORS } from "./practitionerErrors.js";

export type IdentityErrorEntry = ErrorEntry;

/**
 * Every stable code the identity service refuses with, in one table (ERRORS.md mirrors it; a test keeps them equal).
 * The gateway passes this table to createErrorCatalog. Codes never change meaning; retired codes stay reserved.
 */
export const IDENTITY_ERRORS = { ...INSTITUTION_ERRORS, ...ACCESS_ERRORS, ...PRACTITIONER_ERRORS, ...ACCOUNT_ERRORS, ...PASSKEY_ERRORS, ...ERASURE_ERRORS } as const satisfies Record<
  string,
  ErrorEntry
>;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

/** The DomainError for a code: kind, message and rule id come from the table, never from the call site. */
export const refusal = refusalsOf(IDENTITY_ERRORS);
