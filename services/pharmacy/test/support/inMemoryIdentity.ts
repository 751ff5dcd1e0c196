import { createHash } from "node:crypto";
import { RemoteError, type TokenVerifier } from "@ihp/platform";
import type { IdentityPort } from "../../src/application/ports.js";
import type { ReviewerFacts, SignatureData } from "../../src/domain/types.js";

/** A stand-in signature value: only this fake can make it, so anything else is "forged". */
export function fakeSignatureValue(signerId: string, hashHex: string): string {
  return createHash("sha256").update(`fake-key:${signerId}:${hashHex}`).digest("base64");
}

export function documentHash(document: Uint8Array): string {
  return createHash("sha256").update(document).digest("hex");
}

/** What identity answers, in memory: tokens resolved by the shared verifier, reviewers from a table. */
export class InMemoryIdentity implements IdentityPort {
  readonly calls: { method: string; token: string | undefined }[] = [];
  /** Each clinician's current login session (IDN-08), when not `session-<id>`: set it to supersede the old one. */
  readonly sessions = new Map<string, string>();
  reachable = true;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reviewers: ReadonlyMap<string, ReviewerFacts>,
  ) {}

  verifySignature(input: { canonicalDocument: Uint8Array; signature: SignatureData; expectedSignerId: string }, call: { token: string | undefined }) {
    this.calls.push({ method: "VerifySignature", token: call.token });
    if (!this.reachable) return Promise.reject(new RemoteError("UNAVAILABLE", "UNAVAILABLE", "identity down", undefined, 14));
    const hash = documentHash(input.canonicalDocument);
    const { signature } = input;
    if (signature.signerId !== input.expectedSignerId) return Promise.resolve({ valid: false, reasonCode: "SIGNER_MISMATCH" });
    if (signature.documentHashHex !== hash) return Promise.resolve({ valid: false, reasonCode: "DOCUMENT_HASH_MISMATCH" });
    const valid = signature.valueBase64 === fakeSignatureValue(signature.signerId, hash);
    return Promise.resolve({ valid, reasonCode: valid ? "" : "SIGNATURE_INVALID" });
  }

  async signDocument(input: { requestId: string; documentType: string; documentId: string; canonicalDocument: Uint8Array }, call: { token: string | undefined }) {
    this.calls.push({ method: "SignDocument", token: call.token });
    const principal = await this.verifier.verify(call.token ?? "");
    const hash = documentHash(input.canonicalDocument);
    return {
      signerId: principal.subject,
      signerProfession: principal.roles.includes("pharmacist") ? "PHARMACIST" : "PHYSICIAN",
      certificateSerial: `CERT-${principal.subject}`,
      algorithm: "ECDSA_P256_SHA256",
      valueBase64: fakeSignatureValue(principal.subject, hash),
      signedAt: "2026-03-02T02:00:00.000Z",
      documentHashHex: hash,
    };
  }

  currentSession(subject: string): string {
    return this.sessions.get(subject) ?? `session-${subject}`;
  }

  /** IDN-08 as identity's CheckSession answers: a person, in the account's current session. */
  async checkSession(call: { token: string | undefined }): Promise<void> {
    this.calls.push({ method: "CheckSession", token: call.token });
    const principal = await this.verifier.verify(call.token ?? "");
    const refused = (code: string, ruleId: string) => new RemoteError(code, "PERMISSION_DENIED", `identity refused: ${code}`, ruleId, 7);
    if (principal.kind !== "human") throw refused("HUMAN_CLINICIAN_REQUIRED", "IDN-03");
    if (principal.sessionId === undefined) throw refused("SESSION_REQUIRED", "IDN-08");
    if (principal.sessionId !== this.currentSession(principal.subject)) throw refused("SESSION_SUPERSEDED", "IDN-08");
  }

  checkReviewer(input: { pharmacistId: string; institutionId: string }, call: { token: string | undefined }) {
    this.calls.push({ method: "CheckReviewer", token: call.token });
    const reviewer = this.reviewers.get(input.pharmacistId);
    if (reviewer === undefined) {
      return Promise.reject(new RemoteError("REVIEWER_NOT_QUALIFIED", "PERMISSION_DENIED", "not a qualified reviewer", "PHA-02", 7));
    }
    return Promise.resolve(reviewer);
  }
}
