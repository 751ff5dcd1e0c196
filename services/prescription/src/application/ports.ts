import type { ConsultSnapshot, SignatureRecord } from "../domain/prescriptions/index.js";

/** What a downstream call carries for the caller: their token (the trace context travels with the active span). */
export interface Forwarded {
  readonly token: string;
  /** The served call's deadline: no downstream call outlives it. */
  readonly deadline?: Date | undefined;
}

/** ConsultContextService.GetPrescribingContext (proto/ihp/consult/v1/prescribing.proto): the only consult source. */
export interface ConsultContextPort {
  getPrescribingContext(consultId: string, auth: Forwarded): Promise<ConsultSnapshot>;
}

/**
 * identity's SignatureService (proto/ihp/identity/v1/access.proto). `sign` submits a PRESCRIPTION the service built
 * from its own state, under its own service token, with the physician's token (`auth`) as the signer's; the physician's
 * step-up must be bound to `consultId`.
 */
/** A signature as identity made it, with its verdict on it; `verification` is absent from an identity that gives none. */
export interface SignedDocument {
  readonly signature: SignatureRecord;
  readonly verification: { readonly valid: boolean; readonly reasonCode: string } | undefined;
}

export interface SignaturePort {
  sign(
    request: { readonly requestId: string; readonly documentId: string; readonly canonicalDocument: Buffer; readonly consultId: string },
    auth: Forwarded,
  ): Promise<SignedDocument>;
  verify(
    request: { readonly canonicalDocument: Buffer; readonly signature: SignatureRecord; readonly expectedSignerId: string },
    auth: Forwarded,
  ): Promise<{ readonly valid: boolean; readonly reasonCode: string }>;
}

/**
 * identity's ClinicalAccessService.CheckSession (IDN-08): the physician (`auth`, their own token) is in their current,
 * active login session — SESSION_REQUIRED, SESSION_SUPERSEDED, SESSION_IDLE_EXPIRED otherwise. Asked under the
 * service's own token with the physician's beside it, before a write that is not signed (signing checks it itself).
 */
export interface ClinicalSessionPort {
  checkSession(auth: Forwarded): Promise<void>;
}
