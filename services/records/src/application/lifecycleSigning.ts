import { canonicalJson } from "@ihp/eventsourcing";
import { type MedicalRecord, type RecordSignature, refusal } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { signedContent, stampOf } from "./commands.js";
import { derivedId } from "./ids.js";
import { base, type LifecycleDeps, onRecord } from "./lifecycle.js";

// Signatures after the author's: the supervisor's co-signature (REC-05) and signed addenda (REC-06). The same path
// as the author's signature: identity's e-signature over the canonical content, then a trusted timestamp (REC-07).

export interface LifecycleSigning {
  cosign(caller: Caller, request: { requestId: string; documentId: string; version: number }): Promise<MedicalRecord>;
  addendum(caller: Caller, request: { requestId: string; documentId: string; text: string; reason: string }): Promise<MedicalRecord>;
}

/** What an addendum's signature covers: the record, the version it corrects, its id, text and reason. */
export function addendumContent(record: MedicalRecord, addendumId: string, text: string, reason: string): string {
  const parentVersion = record.versions.at(-1)?.version ?? 0;
  return canonicalJson({ documentId: record.documentId, setId: record.header.setId, parentVersion, addendumId, text, reason });
}

export function createLifecycleSigning(deps: LifecycleDeps): LifecycleSigning {
  const { identity, tsa, settings, cosignTitles } = deps;

  /** Identity's signature for the caller, then the TSA's token; the measured skew goes to the decider (REC-07). */
  async function signAndStamp(caller: Caller, record: MedicalRecord, requestId: string, content: string, name: string, role: RecordSignature["role"], at: Date) {
    if (tsa === undefined) throw refusal("TIMESTAMP_REQUIRED");
    const signature = await identity.sign(caller, { requestId, documentId: record.documentId, canonicalDocument: content, consultId: record.header.consultId });
    const stamp = await stampOf(tsa, signature.value);
    const signed: RecordSignature = {
      signerId: signature.signerId,
      signerName: name,
      role,
      algorithm: signature.algorithm,
      certificateSerial: signature.certificateSerial,
      value: signature.value,
      documentHash: signature.documentHash,
      timestampToken: Buffer.from(stamp.token).toString("base64"),
      timestampedAt: stamp.genTime.toISOString(),
    };
    return { signature: signed, tsaSkewSeconds: (stamp.genTime.getTime() - at.getTime()) / 1000 };
  }

  return {
    cosign: (caller, request) =>
      onRecord(deps, caller, "CosignRecord", request, ["physician"], async (record, at) => {
        // Refused before identity is asked to sign: a refusal never spends the supervisor's step-up.
        if (record.status !== "PENDING_COSIGN") throw refusal("NOT_PENDING_COSIGN");
        const supervisorId = caller.principal.subject;
        if (supervisorId === record.author.practitionerId) throw refusal("COSIGNER_IS_AUTHOR");
        const supervisor = await identity.practitioner(supervisorId);
        // REC-05: identity has no "supervisor" flag; a physician whose title is not a trainee's or probationer's is one.
        const qualified = supervisor.title !== "" && !cosignTitles.includes(supervisor.title);
        if (!qualified) throw refusal("COSIGNER_NOT_QUALIFIED");
        const content = signedContent(record, request.version);
        const signed = await signAndStamp(caller, record, request.requestId, content, supervisor.name, "COSIGNER", at);
        return {
          type: "CosignRecord",
          ...base(caller, record.documentId, at),
          version: request.version,
          ...signed,
          settings,
          supervisor: { practitionerId: supervisorId, name: supervisor.name, qualified },
        };
      }),
    addendum: (caller, request) =>
      onRecord(deps, caller, "AddRecordAddendum", request, ["physician"], async (record, at) => {
        if (record.status !== "SIGNED" && record.status !== "ARCHIVED") throw refusal(record.status === "DESTROYED" ? "RECORD_DESTROYED" : "RECORD_NOT_SIGNED");
        if (record.restrictedAt !== null) throw refusal("RECORD_RESTRICTED");
        if (request.text.trim() === "" || request.reason.trim() === "") throw refusal("INVALID_RECORD_INPUT", "text and reason");
        const writer = caller.principal.subject;
        if (writer !== record.author.practitionerId && writer !== record.cosigner?.practitionerId) throw refusal("NOT_RECORD_AUTHOR");
        const addendumId = derivedId("addendum", `${record.documentId}~${request.requestId}`);
        const name = writer === record.author.practitionerId ? record.author.name : (record.cosigner?.name ?? "");
        const role = writer === record.author.practitionerId ? "AUTHOR" : "COSIGNER";
        const content = addendumContent(record, addendumId, request.text, request.reason);
        const signed = await signAndStamp(caller, record, request.requestId, content, name, role, at);
        return { type: "AttestAddendum", ...base(caller, record.documentId, at), addendumId, text: request.text, reason: request.reason, ...signed, settings };
      }),
  };
}
