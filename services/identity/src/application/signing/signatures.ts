import { createHash } from "node:crypto";
import { commandPipeline, type EventStore, fold, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, authorize, denialError, type Principal, requireHuman, type Role } from "@ihp/platform";
import {
  type CertificateAuthority,
  checkCertificate,
  documentHash,
  generateKeyPair,
  type LocalKeyVault,
  signMessage,
  verifyMessage,
} from "@ihp/signatures";
import { refusal } from "../../domain/errors.js";
import {
  activeKey,
  type CertificateRecord,
  type DocumentSignedData,
  isSigningEventType,
  keyBySerial,
  requireAlgorithm,
  requireDocument,
  type SigningAlgorithm,
  type SigningCommand,
  signingDecider,
  type SigningEvent,
  type SigningKey,
  type SigningKeys,
} from "../../domain/signing/index.js";
import type { Caller } from "../caller.js";
import { requireRequestId } from "../ids.js";
import { recordingRefusals } from "../refusals.js";
import type { ClinicalObjectKind } from "../../domain/sessions/index.js";
import { type Accounts, requireClinicalObject } from "../sessions/accounts.js";
import type { PractitionerAccess, Profession } from "../sessions/practitionerAccessPort.js";

export interface SignaturesOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly ca: CertificateAuthority;
  readonly vault: LocalKeyVault;
  readonly accounts: Accounts;
  readonly practitioners: PractitionerAccess;
  readonly defaultAlgorithm: SigningAlgorithm;
  readonly certificateDays: number;
}

export interface SignatureRecord {
  readonly signerId: string;
  readonly profession: Profession;
  readonly certificateSerial: string;
  readonly algorithm: SigningAlgorithm;
  readonly value: Buffer;
  readonly signedAt: string;
  readonly documentHash: Buffer;
}

/** A signature as made, with identity's verdict on it: what VerifySignature would answer for it right after. */
export interface SignedDocument {
  readonly signature: SignatureRecord;
  readonly verification: { readonly valid: boolean; readonly reasonCode: VerifyReason | "" };
}

export interface SignatureToVerify {
  readonly signerId: string;
  readonly certificateSerial: string;
  /** "" when the caller sent an unknown algorithm. */
  readonly algorithm: string;
  readonly value: Buffer;
  readonly signedAt: string;
  readonly documentHash: Buffer;
}

export type VerifyReason =
  | "SIGNATURE_INVALID"
  | "CERTIFICATE_REVOKED"
  | "CERTIFICATE_EXPIRED"
  | "CERTIFICATE_UNKNOWN"
  | "SIGNER_MISMATCH"
  | "DOCUMENT_HASH_MISMATCH";

export interface CertificateView {
  readonly practitionerId: string;
  readonly certificate: CertificateRecord;
  readonly revokedAt: string;
}

export interface Signatures {
  enrol(caller: Caller, input: { requestId: string; practitionerId: string; algorithm: string }): Promise<CertificateView>;
  revoke(caller: Caller, input: { requestId: string; practitionerId: string; serial: string; reason: string }): Promise<CertificateView>;
  /**
   * `caller` submits the document (the owning service); `signer` is the clinician whose token the service forwarded
   * (undefined when none came). `boundKind`/`boundId` name what the signer's step-up must be bound to.
   */
  sign(
    caller: Caller,
    signer: Caller | undefined,
    input: { requestId: string; documentType: string; documentId: string; canonicalDocument: Buffer; boundKind: string; boundId: string },
  ): Promise<SignedDocument>;
  verify(caller: Caller, input: { canonicalDocument: Buffer; signature: SignatureToVerify | undefined; expectedSignerId: string }): Promise<{ valid: boolean; reasonCode: VerifyReason | "" }>;
}

const SIGNER_ROLES: readonly Role[] = ["physician", "nurse", "pharmacist"];

/**
 * IDN-09, ARCHITECTURE §8 (signing is bound to the document the owning service submits): the one service that may
 * submit each document type — it builds the document from its own state — and the kind of object the signer's step-up
 * must be bound to. A type not listed cannot be signed at all.
 */
export const DOCUMENT_OWNERS: Readonly<Record<string, { readonly submitter: string; readonly bound: ClinicalObjectKind }>> = {
  PRESCRIPTION: { submitter: "svc:prescription", bound: "CONSULT" },
  FOLLOW_UP_ELIGIBILITY: { submitter: "svc:consult", bound: "CONSULT" },
  CONSULT_SUMMARY: { submitter: "svc:consult", bound: "CONSULT" },
  PHARMACIST_REVIEW: { submitter: "svc:pharmacy", bound: "PRESCRIPTION" },
  FAMILY_DOCTOR_CONTRACT: { submitter: "svc:consult", bound: "PATIENT" },
  // The outpatient record of a consult (REC-04, issue 11), signed by its author after a step-up bound to the consult.
  OUTPATIENT_RECORD: { submitter: "svc:records", bound: "CONSULT" },
};

/** The submitting service: its own service credential, and the one the document type names. */
function requireSubmitter(principal: Principal, documentType: string): { readonly bound: ClinicalObjectKind } {
  const owner = Object.hasOwn(DOCUMENT_OWNERS, documentType) ? DOCUMENT_OWNERS[documentType] : undefined;
  const isService = principal.kind === "service" && principal.roles.includes("system");
  if (owner === undefined || !isService || principal.subject !== owner.submitter) throw refusal("DOCUMENT_SUBMITTER_NOT_ALLOWED");
  return owner;
}
const ANY_ROLE: readonly Role[] = ["patient", "physician", "nurse", "pharmacist", "institution_admin", "regulator", "pharmacy_governance", "system"];
const PRACTITIONER_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A practitioner's signing keys: enrolments and revocations (IDN-09). */
export function signingStreamId(practitionerId: string): string {
  return `identity-signing-${practitionerId}`;
}

/**
 * A practitioner's signatures of one document, named by the document's SHA-256 whatever the signing algorithm (issue 15):
 * a verifier holding the document finds them, a repeated request finds its first signature, and no stream grows with
 * every document signed.
 */
export function signaturesStreamId(practitionerId: string, document: Buffer): string {
  return `identity-signatures-${practitionerId}-${createHash("sha256").update(document).digest("hex")}`;
}

function toSigningEvent(event: StoredEvent): SigningEvent {
  if (!isSigningEventType(event.type)) throw new Error(`unexpected event type ${event.type} in stream ${event.streamId}`);
  return { type: event.type, data: event.data } as unknown as SigningEvent;
}

/** The private key's vault binding: a sealed key copied to another practitioner or certificate does not open. */
function keyBinding(practitionerId: string, serial: string): string {
  return `signing-key:${practitionerId}:${serial}`;
}

export function createSignatures(options: SignaturesOptions): Signatures {
  const { store, audit, clock, ca, vault } = options;
  const pipeline = commandPipeline(store, signingDecider, { newEventId: options.newId, toDomainEvent: toSigningEvent });

  async function load(practitionerId: string): Promise<SigningKeys> {
    const keys = fold(signingDecider, (await store.readStream(signingStreamId(practitionerId))).map(toSigningEvent));
    return { ...keys, practitionerId };
  }

  function acting(caller: Caller, role: string, tenantId: string) {
    return { actorId: caller.principal.subject, role, tenantId, correlationId: caller.correlationId, trace: caller.trace };
  }

  /** One command on a practitioner's signing keys. */
  function execute(caller: Caller, role: string, tenantId: string, practitionerId: string, requestId: string, command: SigningCommand & { at: Date }) {
    return pipeline({ streamId: signingStreamId(practitionerId), requestId, acting: acting(caller, role, tenantId), now: command.at, command });
  }

  /**
   * A signature, decided on the keys as read and recorded in the document's signatures stream; `prepare` (signing) runs for
   * a new request id only. A revocation recorded meanwhile with a time at or before the signature's makes it refused:
   * verification would not accept it either (the signature stays in the log as made, and never counts).
   */
  async function recordSignature(caller: Caller, role: string, tenantId: string, practitionerId: string, requestId: string, at: Date, document: Buffer, prepare: (keys: SigningKeys) => SigningCommand) {
    const keys = await load(practitionerId);
    const signing = commandPipeline(store, { ...signingDecider, initialState: keys }, { newEventId: options.newId, toDomainEvent: toSigningEvent });
    const result = await signing({ streamId: signaturesStreamId(practitionerId, document), requestId, acting: acting(caller, role, tenantId), now: at, prepare });
    const signed = result.events.find((event) => event.type === "DocumentSigned");
    if (signed === undefined) throw new Error("signing appended no DocumentSigned event");
    const data = signed.data as unknown as DocumentSignedData;
    const after = await load(practitionerId);
    const key = keyBySerial(after, data.certificateSerial);
    if (key?.revokedAt !== undefined && Date.parse(key.revokedAt) <= Date.parse(data.signedAt)) throw refusal("NO_VALID_SIGNING_CERT");
    return { data, keys: after };
  }

  /** institution_admin of the practitioner's institution, or system. */
  async function administrator(principal: Principal, practitionerId: string, now: Date) {
    const signer = PRACTITIONER_ID.test(practitionerId) ? await options.practitioners.signer(practitionerId, now) : undefined;
    if (authorize(principal, { roles: ["system"] }).allowed) return { role: "system", signer };
    const own = authorize(principal, { roles: ["institution_admin"], tenantId: signer?.institutionId ?? principal.tenantId });
    if (!own.allowed) throw denialError(own);
    return { role: "institution_admin", signer };
  }

  function view(practitionerId: string, key: SigningKey): CertificateView {
    return { practitionerId, certificate: key.certificate, revokedAt: key.revokedAt ?? "" };
  }

  return {
    enrol(caller, input) {
      return recordingRefusals(audit, caller, "EnrolSigningKey", `practitioner/${input.practitionerId}`, async () => {
        const now = clock();
        const { role, signer } = await administrator(caller.principal, input.practitionerId, now);
        const requestId = requireRequestId(input.requestId);
        if (signer === undefined) throw refusal("ACCOUNT_HOLDER_NOT_FOUND");
        const algorithm = input.algorithm === "" ? options.defaultAlgorithm : requireAlgorithm(input.algorithm);
        const pair = generateKeyPair(algorithm);
        const issued = await ca.issue({
          subjectId: input.practitionerId,
          subjectName: signer.name,
          algorithm,
          publicKey: pair.publicKey,
          notBefore: now,
          notAfter: new Date(now.getTime() + options.certificateDays * DAY_MS),
        });
        const certificate: CertificateRecord = { ...issued, algorithm: requireAlgorithm(issued.algorithm), issuerAlgorithm: requireAlgorithm(issued.issuerAlgorithm) };
        const sealedPrivateKey = vault.seal(Buffer.from(pair.privateKey, "hex"), keyBinding(input.practitionerId, certificate.serial));
        const result = await execute(caller, role, signer.institutionId, input.practitionerId, requestId, {
          type: "EnrolSigningKey",
          practitionerId: input.practitionerId,
          certificate,
          sealedPrivateKey,
          at: now,
        });
        const enrolled = result.events.find((event) => event.type === "SigningKeyEnrolled");
        const serial = (enrolled?.data as { certificate?: { serial?: string } } | undefined)?.certificate?.serial ?? certificate.serial;
        const key = keyBySerial({ ...result.state, practitionerId: input.practitionerId }, serial);
        if (key === undefined) throw new Error("enrolment left no key");
        return view(input.practitionerId, key);
      });
    },

    revoke(caller, input) {
      return recordingRefusals(audit, caller, "RevokeSigningCertificate", `practitioner/${input.practitionerId}`, async () => {
        const now = clock();
        const { role, signer } = await administrator(caller.principal, input.practitionerId, now);
        const requestId = requireRequestId(input.requestId);
        const keys = await load(input.practitionerId);
        if (keyBySerial(keys, input.serial) === undefined) throw refusal("CERTIFICATE_NOT_FOUND");
        await ca.revoke(input.serial, input.reason, now);
        const result = await execute(caller, role, signer?.institutionId ?? caller.principal.tenantId, input.practitionerId, requestId, {
          type: "RevokeSigningCertificate",
          practitionerId: input.practitionerId,
          serial: input.serial,
          reason: input.reason,
          at: now,
        });
        const key = keyBySerial({ ...result.state, practitionerId: input.practitionerId }, input.serial);
        if (key === undefined) throw refusal("CERTIFICATE_NOT_FOUND");
        return view(input.practitionerId, key);
      });
    },

    sign(submitter, signerCaller, input) {
      // The refused attempt is recorded under the person when one is named, else under whoever called.
      const recordedAs = signerCaller ?? submitter;
      return recordingRefusals(audit, recordedAs, "SignDocument", `document/${input.documentType}/${input.documentId}`, async () => {
        const owner = requireSubmitter(submitter.principal, input.documentType);
        if (signerCaller === undefined) throw refusal("SIGNER_TOKEN_REQUIRED");
        const caller = signerCaller;
        requireHuman(caller.principal);
        const bound = requireClinicalObject(input.boundKind, input.boundId);
        if (bound.kind !== owner.bound) throw refusal("INVALID_STEP_UP_OBJECT");
        const practitionerId = caller.principal.subject;
        // IDN-03/08: the person in their current session with a fresh step-up bound to the object the document is about.
        await options.accounts.requireClinicalSession(caller, practitionerId, bound);
        const now = clock();
        const signer = await options.practitioners.signer(practitionerId, now);
        if (signer === undefined || !signer.active) throw refusal("SIGNER_NOT_ACTIVE");
        const requestId = requireRequestId(input.requestId);
        requireDocument(input.documentType, input.documentId, input.canonicalDocument.length);
        // A repeated request id answers with its first signature, signing nothing again.
        const role = caller.principal.roles.find((granted) => SIGNER_ROLES.includes(granted)) ?? "physician";
        const { data: signed, keys } = await recordSignature(caller, role, signer.institutionId, practitionerId, requestId, now, input.canonicalDocument, (keys) => {
          const key = activeKey(keys, now);
          const { algorithm, serial } = key.certificate;
          const privateKey = Buffer.from(vault.open(key.sealedPrivateKey, keyBinding(practitionerId, serial))).toString("hex");
          return {
            type: "RecordSignature",
            practitionerId,
            documentType: input.documentType,
            documentId: input.documentId,
            documentHash: Buffer.from(documentHash(algorithm, input.canonicalDocument)).toString("hex"),
            serial,
            value: Buffer.from(signMessage(algorithm, privateKey, input.canonicalDocument)).toString("base64"),
            at: now,
          };
        });
        const signature = record(signed, signer.profession);
        // The submitter relies on this signature (RX-03, CON-06): the verdict VerifySignature would give, over the
        // submitted bytes, on the keys read after the signature was recorded — so the submitter needs no second call.
        // The signature is the one this request's signatures stream holds (appended now, or found for a repeated
        // request id), so the log's record of it needs no read again.
        const verification = judgeOnKeys(input.canonicalDocument, signature, practitionerId, keys);
        return { signature, verification };
      });
    },

    verify(caller, input) {
      return recordingRefusals(audit, caller, "VerifySignature", undefined, async () => {
        const grant = authorize(caller.principal, { roles: ANY_ROLE });
        if (!grant.allowed) throw denialError(grant);
        const { signature } = input;
        if (signature === undefined || (signature.algorithm !== "SM2_SM3" && signature.algorithm !== "ECDSA_P256_SHA256")) {
          throw refusal("INVALID_SIGNATURE");
        }
        return judge(input.canonicalDocument, signature, input.expectedSignerId);
      });
    },
  };

  async function judge(
    document: Buffer,
    signature: SignatureToVerify,
    expectedSignerId: string,
  ): Promise<{ valid: boolean; reasonCode: VerifyReason | "" }> {
    const invalid = (reasonCode: VerifyReason) => ({ valid: false, reasonCode });
    if (expectedSignerId !== "" && expectedSignerId !== signature.signerId) return invalid("SIGNER_MISMATCH");
    if (!PRACTITIONER_ID.test(signature.signerId)) return invalid("CERTIFICATE_UNKNOWN");
    const verdict = judgeOnKeys(document, signature, expectedSignerId, await load(signature.signerId));
    if (!verdict.valid) return verdict;
    // The log is the record of what was signed and when: a value the service never recorded (a key used outside it,
    // a signing time moved before a revocation) does not count as this practitioner's signature.
    const signedAt = new Date(signature.signedAt);
    const serial = signature.certificateSerial;
    const recorded = (await store.readStream(signaturesStreamId(signature.signerId, document))).some((event) => {
      if (event.type !== "DocumentSigned") return false;
      const data = event.data as unknown as DocumentSignedData;
      return data.certificateSerial === serial && data.value === signature.value.toString("base64") && data.signedAt === signedAt.toISOString();
    });
    if (!recorded) return invalid("SIGNATURE_INVALID");
    return { valid: true, reasonCode: "" };
  }

  /** Every check of `judge` but the log's record of the signature, on the signer's keys as given. */
  function judgeOnKeys(
    document: Buffer,
    signature: SignatureToVerify,
    expectedSignerId: string,
    keys: SigningKeys,
  ): { valid: boolean; reasonCode: VerifyReason | "" } {
    const invalid = (reasonCode: VerifyReason) => ({ valid: false, reasonCode });
    if (expectedSignerId !== "" && expectedSignerId !== signature.signerId) return invalid("SIGNER_MISMATCH");
    const key = keyBySerial(keys, signature.certificateSerial);
    if (key === undefined) return invalid("CERTIFICATE_UNKNOWN");
    const { certificate } = key;
    const algorithm = certificate.algorithm;
    if (algorithm !== signature.algorithm) return invalid("SIGNATURE_INVALID");
    const signedAt = new Date(signature.signedAt);
    if (Number.isNaN(signedAt.getTime())) return invalid("SIGNATURE_INVALID");
    switch (checkCertificate(certificate, ca.trustAnchor(), signedAt)) {
      case "OK":
        break;
      case "CERTIFICATE_NOT_YET_VALID":
      case "CERTIFICATE_EXPIRED":
        return invalid("CERTIFICATE_EXPIRED");
      case "CERTIFICATE_UNKNOWN_ISSUER":
      case "CERTIFICATE_SIGNATURE_INVALID":
        return invalid("CERTIFICATE_UNKNOWN");
    }
    if (key.revokedAt !== undefined && Date.parse(key.revokedAt) <= signedAt.getTime()) return invalid("CERTIFICATE_REVOKED");
    const hash = Buffer.from(documentHash(algorithm, document));
    if (!hash.equals(signature.documentHash)) return invalid("DOCUMENT_HASH_MISMATCH");
    if (!verifyMessage(algorithm, certificate.publicKey, document, signature.value)) return invalid("SIGNATURE_INVALID");
    return { valid: true, reasonCode: "" };
  }
}

function record(data: DocumentSignedData, profession: Profession): SignatureRecord {
  return {
    signerId: data.practitionerId,
    profession,
    certificateSerial: data.certificateSerial,
    algorithm: data.algorithm,
    value: Buffer.from(data.value, "base64"),
    signedAt: data.signedAt,
    documentHash: Buffer.from(data.documentHash, "hex"),
  };
}
