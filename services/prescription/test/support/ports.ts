import { createHash, generateKeyPairSync, sign as signBytes, verify as verifyBytes } from "node:crypto";
import { DomainError } from "@ihp/eventsourcing";
import type { ClinicalSessionPort, ConsultContextPort, SignaturePort, SignedDocument } from "../../src/application/ports.js";
import type { ConsultSnapshot, SignatureRecord } from "../../src/domain/prescriptions/index.js";

/** Consult contexts by id, as the consult service would answer; calls are counted with the token they carried. */
export class InMemoryConsults implements ConsultContextPort {
  readonly contexts = new Map<string, ConsultSnapshot>();
  readonly tokens: string[] = [];

  getPrescribingContext(consultId: string, auth: { token: string }): Promise<ConsultSnapshot> {
    this.tokens.push(auth.token);
    const context = this.contexts.get(consultId);
    if (context === undefined) return Promise.reject(new DomainError("CONSULT_NOT_FOUND", "NOT_FOUND", "no such consult"));
    return Promise.resolve(context);
  }
}

/**
 * A signing service with one real ECDSA P-256 key per signer: signs the SHA-256 of the document and verifies it like
 * identity would. `forge` makes the next signature come out over other bytes.
 */
export class InMemorySignatures implements SignaturePort {
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  forgeNext = false;
  /** The next signing is refused as identity would refuse it without a fresh step-up for the consult. */
  refuseNext = false;
  signed = 0;
  /** VerifySignature calls. */
  verified = 0;
  /** Sign answers the verdict with the signature, as identity does (SignDocument carries it); false: as one that gives none. */
  verdictWithSign = true;
  readonly boundTo: string[] = [];

  sign(request: { requestId: string; documentId: string; canonicalDocument: Buffer; consultId: string }, auth: { token: string }): Promise<SignedDocument> {
    if (this.refuseNext) {
      this.refuseNext = false;
      return Promise.reject(new DomainError("STEP_UP_REQUIRED", "PERMISSION_DENIED", "step-up required", "IDN-03"));
    }
    this.signed += 1;
    this.boundTo.push(request.consultId);
    const bytes = this.forgeNext ? Buffer.from("something else") : request.canonicalDocument;
    this.forgeNext = false;
    const hash = createHash("sha256").update(bytes).digest();
    const value = signBytes("sha256", bytes, this.keys.privateKey);
    const signature: SignatureRecord = {
      signerId: subjectOf(auth.token),
      signerProfession: "PROFESSION_PHYSICIAN",
      certificateSerial: "TEST-CERT-1",
      algorithm: "SIGNATURE_ALGORITHM_ECDSA_P256_SHA256",
      valueBase64: value.toString("base64"),
      signedAt: new Date(0).toISOString(),
      documentHashBase64: hash.toString("base64"),
    };
    const verification = this.verdictWithSign ? this.judge({ canonicalDocument: request.canonicalDocument, signature, expectedSignerId: signature.signerId }) : undefined;
    return Promise.resolve({ signature, verification });
  }

  verify(request: { canonicalDocument: Buffer; signature: SignatureRecord; expectedSignerId: string }): Promise<{ valid: boolean; reasonCode: string }> {
    this.verified += 1;
    return Promise.resolve(this.judge(request));
  }

  private judge(request: { canonicalDocument: Buffer; signature: SignatureRecord; expectedSignerId: string }): { valid: boolean; reasonCode: string } {
    const hash = createHash("sha256").update(request.canonicalDocument).digest().toString("base64");
    if (hash !== request.signature.documentHashBase64) return { valid: false, reasonCode: "DOCUMENT_HASH_MISMATCH" };
    if (request.expectedSignerId !== "" && request.expectedSignerId !== request.signature.signerId) {
      return { valid: false, reasonCode: "SIGNER_MISMATCH" };
    }
    const ok = verifyBytes("sha256", request.canonicalDocument, this.keys.publicKey, Buffer.from(request.signature.valueBase64, "base64"));
    return ok ? { valid: true, reasonCode: "" } : { valid: false, reasonCode: "SIGNATURE_INVALID" };
  }
}

/**
 * identity's CheckSession as it answers (IDN-08): a person's token naming their account's current login session —
 * `session-<subject>` unless `current` says otherwise (a later login). Tokens asked about are kept.
 */
export class InMemorySessions implements ClinicalSessionPort {
  readonly current = new Map<string, string>();
  readonly tokens: string[] = [];

  currentSession(subject: string): string {
    return this.current.get(subject) ?? `session-${subject}`;
  }

  checkSession(auth: { token: string }): Promise<void> {
    this.tokens.push(auth.token);
    const { sub, sid, kind } = claimsOf(auth.token);
    if (kind === "service") return Promise.reject(new DomainError("HUMAN_CLINICIAN_REQUIRED", "PERMISSION_DENIED", "a person", "IDN-03"));
    if (sid === undefined) return Promise.reject(new DomainError("SESSION_REQUIRED", "PERMISSION_DENIED", "no session", "IDN-08"));
    if (sid !== this.currentSession(sub)) return Promise.reject(new DomainError("SESSION_SUPERSEDED", "PERMISSION_DENIED", "superseded", "IDN-08"));
    return Promise.resolve();
  }
}

/** The token's `sub`, read without verifying (the service under test has already verified it). */
function subjectOf(token: string): string {
  return claimsOf(token).sub;
}

function claimsOf(token: string): { sub: string; sid?: string; kind?: string } {
  const [, payload = ""] = token.split(".");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub: string; sid?: string; kind?: string };
}
