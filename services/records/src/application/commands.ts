import { createHash } from "node:crypto";
import { canonicalJson, isRequestId } from "@ihp/eventsourcing";
import { type TimestampAuthority, TimestampError, type TimestampToken } from "@ihp/timestamping";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { documentAt, type MedicalRecord, type RecordSections, type RecordsSettings, refusal } from "../domain/index.js";
import { type Caller, committerOf } from "./caller.js";
import { recordResource } from "./access.js";
import { isSafeId } from "./ids.js";
import type { IdentityPort } from "./ports.js";
import type { RecordStore } from "./store.js";

export interface RecordCommands {
  /** The author completes the draft: a new whole version (REC-04). `expectedVersion` is the one the author edited. */
  amend(caller: Caller, request: { requestId: string; documentId: string; expectedVersion: number; sections: RecordSections }): Promise<MedicalRecord>;
  /** The author signs the version they saw: identity's e-signature and a trusted timestamp (REC-04, REC-05, REC-07). */
  sign(caller: Caller, request: { requestId: string; documentId: string; version: number }): Promise<MedicalRecord>;
}

export interface RecordCommandsOptions {
  readonly records: RecordStore;
  readonly audit: AuditTrail;
  readonly identity: IdentityPort;
  /** REC-07: the trusted timestamp of every signature (threshold settings.maxTsaSkewSeconds); none: no signing. */
  readonly tsa: TimestampAuthority | undefined;
  readonly settings: RecordsSettings;
  readonly clock: () => Date;
}

/** Clinical writes are a clinician's in person (IDN-03): a service credential never writes clinical content. */
function requireClinician(caller: Caller, documentId: string, requestId: string): void {
  const { principal } = caller;
  if (principal.kind !== "human" || !principal.roles.includes("physician")) throw refusal("NOT_RECORD_AUTHOR");
  if (!isRequestId(requestId)) throw refusal("INVALID_RECORD_INPUT", "request id");
  if (!isSafeId(documentId)) throw refusal("INVALID_RECORD_INPUT", "record id");
}

/** What a signature covers: the version's document without signatures (canonical JSON, UTF-8). */
export function signedContent(record: MedicalRecord, version: number): string {
  const document = documentAt(record, version);
  if (document === undefined) throw refusal("STALE_VERSION", `no version ${version}`);
  const { signatures: _signatures, ...content } = document;
  return canonicalJson(content);
}

/**
 * REC-07: the TSA dates the signature itself — SHA-256 of the signature value, as a CAdES signature timestamp does —
 * so the token proves the signature existed at that time whatever the signing algorithm (SM2 or ECDSA). The authority
 * refuses when its time and ours differ by more than the threshold: the same refusal as the decider's.
 */
export function timestampedDigest(signatureValueBase64: string): Buffer {
  return createHash("sha256").update(Buffer.from(signatureValueBase64, "base64")).digest();
}

export async function stampOf(tsa: TimestampAuthority, signatureValueBase64: string): Promise<TimestampToken> {
  try {
    return await tsa.stamp({ algorithm: "SHA-256", value: timestampedDigest(signatureValueBase64) });
  } catch (error) {
    if (error instanceof TimestampError && error.code === "TIMESTAMP_CLOCK_SKEW") throw refusal("CLOCK_SKEW_TOO_LARGE");
    throw error;
  }
}

export function createRecordCommands(options: RecordCommandsOptions): RecordCommands {
  const { records, audit, identity, tsa, settings, clock } = options;
  return {
    amend: (caller, request) =>
      recordingRefusals(audit, caller, "AmendRecord", recordResource(request.documentId), async () => {
        requireClinician(caller, request.documentId, request.requestId);
        const record = await records.record(request.documentId);
        // The decider refuses a stranger too; here before identity is asked about the stranger's session.
        if (record.author.practitionerId !== caller.principal.subject) throw refusal("NOT_RECORD_AUTHOR");
        const latest = record.versions.at(-1)?.version ?? 0;
        if (request.expectedVersion !== latest) throw refusal("STALE_VERSION", `current version ${latest}`);
        // IDN-08: an amendment is not signed, so it asks identity for the author's current session itself.
        await identity.checkSession(caller);
        const at = clock();
        return records.decide(
          caller,
          request.documentId,
          { type: "AmendRecord", documentId: request.documentId, committer: committerOf(caller), at, sections: request.sections, addMedia: [], settings },
          request.requestId,
          at,
        );
      }),
    sign: (caller, request) =>
      recordingRefusals(audit, caller, "SignRecord", recordResource(request.documentId), async () => {
        requireClinician(caller, request.documentId, request.requestId);
        if (tsa === undefined) throw refusal("TIMESTAMP_REQUIRED");
        const record = await records.record(request.documentId);
        // The decider refuses a stranger too; asking identity to sign first would spend the signer's step-up for nothing.
        if (record.author.practitionerId !== caller.principal.subject) throw refusal("NOT_RECORD_AUTHOR");
        const content = signedContent(record, request.version);
        const signature = await identity.sign(caller, { requestId: request.requestId, documentId: request.documentId, canonicalDocument: content, consultId: record.header.consultId });
        const stamp = await stampOf(tsa, signature.value);
        const at = clock();
        return records.decide(
          caller,
          request.documentId,
          {
            type: "AttestRecord",
            documentId: request.documentId,
            committer: committerOf(caller),
            at,
            version: request.version,
            signature: {
              signerId: signature.signerId,
              signerName: record.author.name,
              role: "AUTHOR",
              algorithm: signature.algorithm,
              certificateSerial: signature.certificateSerial,
              value: signature.value,
              documentHash: signature.documentHash,
              timestampToken: Buffer.from(stamp.token).toString("base64"),
              timestampedAt: stamp.genTime.toISOString(),
            },
            tsaSkewSeconds: (stamp.genTime.getTime() - at.getTime()) / 1000,
            settings,
          },
          request.requestId,
          at,
        );
      }),
  };
}
