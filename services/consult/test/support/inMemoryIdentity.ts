import { createHash, createHmac } from "node:crypto";
import { RemoteError } from "@ihp/platform";
import type { Caller } from "../../src/application/caller.js";
import type {
  GuardianCheck,
  IdentityPort,
  InstitutionInfo,
  ReceivingCheck,
  ReceivingGrant,
  SignRequest,
  VerifiedPatient,
  VerifyRequest,
} from "../../src/index.js";

interface Clinician {
  readonly institutionId: string;
  readonly departments: readonly string[];
  /** Whether a fresh step-up exists (bound to whatever consult is asked about). */
  stepUp: boolean;
}

const KEY = Buffer.from("in-memory-identity-test-key");

/** Identity's refusals as consult receives them through fromGrpcError: code, kind, rule id, status. */
function refused(code: string, kind: "FAILED_PRECONDITION" | "PERMISSION_DENIED" | "NOT_FOUND", ruleId?: string): RemoteError {
  const status = { FAILED_PRECONDITION: 9, PERMISSION_DENIED: 7, NOT_FOUND: 5 }[kind];
  return new RemoteError(code, kind, `identity refused: ${code}`, ruleId, status);
}

/**
 * The IdentityPort for consult's own tests: the answers identity gives, from tables the test fills. Signatures are
 * HMACs over the document hash, "verified" by recomputing them — enough to check consult stores and checks them.
 */
export class InMemoryIdentity implements IdentityPort {
  readonly institutions = new Map<string, InstitutionInfo>();
  /** Only real-name-verified patients are here (IDN-07). */
  readonly patients = new Map<string, VerifiedPatient>();
  readonly guardianships = new Set<string>();
  readonly clinicians = new Map<string, Clinician>();
  /** Each clinician's current login session (IDN-08), when not `session-<id>`: set it to supersede the old one. */
  readonly sessions = new Map<string, string>();
  /** What was asked, to check what consult forwards. */
  readonly calls: { method: string; token: string; detail: string }[] = [];
  /** Sign answers identity's verdict with the signature, as identity does (SignDocument carries it); false: as an identity that gives none. */
  verdictWithSign = true;
  /** CheckReceiving answers the institution's regulator connection, as identity does; false: as an identity that gives none. */
  regulatorWithGrant = true;

  private note(caller: Caller, method: string, detail: string): void {
    this.calls.push({ method, token: caller.token, detail });
  }

  institution(caller: Caller, institutionId: string): Promise<InstitutionInfo> {
    this.note(caller, "institution", institutionId);
    const found = this.institutions.get(institutionId);
    return found === undefined ? Promise.reject(refused("INSTITUTION_NOT_FOUND", "NOT_FOUND")) : Promise.resolve(found);
  }

  checkReceiving(caller: Caller, check: ReceivingCheck): Promise<ReceivingGrant> {
    this.note(caller, "checkReceiving", check.consultId);
    if (caller.principal.kind !== "human") return Promise.reject(refused("HUMAN_CLINICIAN_REQUIRED", "PERMISSION_DENIED", "IDN-03"));
    // Identity reads the institution for the check (its 诊疗科目, its regulator connection).
    const institution = this.institutions.get(check.institutionId);
    if (institution === undefined) return Promise.reject(refused("INSTITUTION_NOT_FOUND", "NOT_FOUND"));
    const clinician = this.clinicians.get(check.practitionerId);
    if (clinician === undefined || clinician.institutionId !== check.institutionId) {
      return Promise.reject(refused("CLINICIAN_NOT_REGISTERED", "FAILED_PRECONDITION", "IDN-01"));
    }
    if (!clinician.departments.includes(check.departmentCode)) return Promise.reject(refused("OUT_OF_SCOPE", "PERMISSION_DENIED", "IDN-06"));
    if (!clinician.stepUp) return Promise.reject(refused("STEP_UP_REQUIRED", "PERMISSION_DENIED", "IDN-03"));
    const regulatorConnected = this.regulatorWithGrant ? institution.regulatorConnected : undefined;
    return Promise.resolve({ practitionerId: check.practitionerId, stepUpId: `step-up-${check.consultId}`, sessionId: "session-1", regulatorConnected });
  }

  currentSession(subject: string): string {
    return this.sessions.get(subject) ?? `session-${subject}`;
  }

  /** IDN-08 as identity's CheckSession answers: a person, in the account's current session. */
  checkSession(caller: Caller): Promise<void> {
    this.note(caller, "checkSession", caller.principal.subject);
    const { kind, sessionId, subject } = caller.principal;
    if (kind !== "human") return Promise.reject(refused("HUMAN_CLINICIAN_REQUIRED", "PERMISSION_DENIED", "IDN-03"));
    if (sessionId === undefined) return Promise.reject(refused("SESSION_REQUIRED", "PERMISSION_DENIED", "IDN-08"));
    if (sessionId !== this.currentSession(subject)) return Promise.reject(refused("SESSION_SUPERSEDED", "PERMISSION_DENIED", "IDN-08"));
    return Promise.resolve();
  }

  verifiedPatient(caller: Caller, patientId: string): Promise<VerifiedPatient> {
    this.note(caller, "verifiedPatient", patientId);
    const found = this.patients.get(patientId);
    return found === undefined ? Promise.reject(refused("PATIENT_NOT_VERIFIED", "FAILED_PRECONDITION", "IDN-07")) : Promise.resolve(found);
  }

  checkGuardian(caller: Caller, guardianId: string, childId: string): Promise<GuardianCheck> {
    this.note(caller, "checkGuardian", `${guardianId}:${childId}`);
    const verified = this.guardianships.has(`${guardianId}:${childId}`);
    return Promise.resolve({ verified, relationship: verified ? "PARENT" : "" });
  }

  sign(caller: Caller, request: SignRequest) {
    this.note(caller, "sign", request.documentType);
    const hash = createHash("sha256").update(request.canonicalDocument, "utf8").digest("hex");
    const signature = {
      signerId: caller.principal.subject,
      certificateSerial: "TEST-CERT-1",
      algorithm: "SIGNATURE_ALGORITHM_ECDSA_P256_SHA256",
      value: createHmac("sha256", KEY).update(`${caller.principal.subject}:${hash}`).digest("base64"),
      signedAt: "2026-03-15T02:00:00.000Z",
      documentHash: hash,
    };
    // Like an identity that gives no verdict with the signature (the consumer then asks verify); `verdictWithSign`
    // answers the verdict verify would give.
    const verification = this.verdictWithSign ? this.judge(request.canonicalDocument, signature, caller.principal.subject) : undefined;
    return Promise.resolve({ signature, verification });
  }

  verify(caller: Caller, request: VerifyRequest) {
    this.note(caller, "verify", request.signature.signerId);
    return Promise.resolve(this.judge(request.canonicalDocument, request.signature, request.expectedSignerId));
  }

  private judge(canonicalDocument: string, signature: VerifyRequest["signature"], expectedSignerId: string) {
    const request = { canonicalDocument, signature, expectedSignerId };
    const hash = createHash("sha256").update(request.canonicalDocument, "utf8").digest("hex");
    const expected = createHmac("sha256", KEY).update(`${request.signature.signerId}:${hash}`).digest("base64");
    const signerOk = request.expectedSignerId === "" || request.expectedSignerId === request.signature.signerId;
    const valid = signerOk && hash === request.signature.documentHash && expected === request.signature.value;
    return { valid, reasonCode: valid ? "" : "SIGNATURE_INVALID" };
  }
}
