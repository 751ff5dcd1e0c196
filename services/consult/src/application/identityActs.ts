import { canonicalJson } from "@ihp/eventsourcing";
import type { GuardianFacts, StoredSignature } from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import type { ConsultCommandsOptions } from "./consultCommandTypes.js";

type Identity = ConsultCommandsOptions["identity"];

/**
 * The acting clinician's signature over a consult document, bound to the consult (IDN-03), stored only if identity
 * confirms it is their own and valid now (IDN-08/09): SIGNATURE_NOT_VALID otherwise.
 */
export async function signedByClinician(
  identity: Identity,
  caller: Caller,
  act: { readonly documentType: string; readonly documentId: string; readonly requestId: string; readonly document: unknown },
): Promise<StoredSignature> {
  const { documentType, documentId, requestId } = act;
  const canonicalDocument = canonicalJson(act.document);
  const { signature, verification } = await identity.sign(caller, { requestId, documentType, documentId, canonicalDocument, boundTo: { kind: "CONSULT", id: documentId } });
  // identity's verdict comes with the signature it made (the signer is the caller, the bytes these): asked again
  // only of an identity that answered none.
  const check = verification ?? (await identity.verify(caller, { canonicalDocument, signature, expectedSignerId: caller.principal.subject }));
  if (!check.valid) throw refusal("SIGNATURE_NOT_VALID");
  return signature;
}

/** Who requests a consult for someone else, and whether identity confirms them as that patient's guardian; null for oneself. */
export async function guardianFacts(identity: Identity, caller: Caller, patientId: string): Promise<GuardianFacts | null> {
  const requester = caller.principal.subject;
  if (requester === patientId) return null;
  const check = await identity.checkGuardian(caller, requester, patientId);
  return { guardianId: requester, verified: check.verified, relationship: check.relationship };
}
