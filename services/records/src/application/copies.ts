import { type EventStore, fold, handleCommand, type StoredEvent } from "@ihp/eventsourcing";
import { type AuditTrail, recordingRefusals } from "@ihp/platform";
import { copyDecider, type CopyCommand, type CopyEvent, type CopyState, decideAccess, type ProofDocument, refusal } from "../domain/index.js";
import { renderCda, type RenderingContext } from "../renderings/index.js";
import { type Caller, committerOf } from "./caller.js";
import { checkSeal, type InstitutionSeal, type SealCheck, type SealKeys, type SealPublicKey, sha256Hex } from "./copiesSeal.js";
import { CDA_CONTENT_TYPE, latestDocument } from "./exports.js";
import { derivedId, isSafeId } from "./ids.js";
import { metadataOf, type RecordStore } from "./store.js";

// Copies of records (REC-10): a request names the applicant type and the proofs; medical-records staff of the custodian
// approve it, and the approval issues the copy — the records' CDA renderings in one canonical JSON document, sealed
// with the institution's e-seal (copiesSeal.ts). Issuance is ISO 21089 `disclose` on the copy stream and an access
// event with purpose COPY on every record in it.

export const copyStreamId = (requestId: string): string => `records-copy-${requestId}`;

export interface CopyRequestInput {
  readonly requestId: string;
  readonly recordIds: readonly string[];
  readonly applicantType: string;
  readonly applicantId: string;
  readonly proofs: readonly ProofDocument[];
}

export interface CopyView {
  readonly requestId: string;
  readonly institutionId: string;
  readonly recordIds: readonly string[];
  readonly applicantType: string;
  readonly applicantId: string;
  readonly status: Exclude<CopyState["status"], "none">;
  readonly copyId: string;
}

export interface IssuedCopy {
  readonly request: CopyView;
  readonly copyId: string;
  readonly content: string;
  readonly seal: InstitutionSeal;
  readonly issuedAt: string;
}

const toEvent = (event: StoredEvent): CopyEvent => ({ type: event.type, data: event.data }) as unknown as CopyEvent;

function viewOf(state: CopyState): CopyView {
  if (state.status === "none") throw refusal("COPY_REQUEST_NOT_FOUND");
  const { request } = state;
  return {
    requestId: request.requestId,
    institutionId: request.institutionId,
    recordIds: request.documentIds,
    applicantType: request.applicantType,
    applicantId: request.applicantId,
    status: state.status,
    copyId: state.copyId,
  };
}

/** Who may ask for a copy: the patient in person, or records staff at the counter for any applicant. */
function requesterRole(caller: Caller): "patient" | "records_officer" {
  const { principal } = caller;
  if (principal.kind === "human" && principal.roles.includes("records_officer")) return "records_officer";
  if (principal.kind === "human" && principal.roles.includes("patient")) return "patient";
  throw refusal("RECORD_ACCESS_DENIED");
}

export function createRecordCopies(options: { store: EventStore; records: RecordStore; audit: AuditTrail; keys: SealKeys; context: RenderingContext; clock: () => Date; newEventId: () => string }) {
  const { store, records, audit, keys, context, clock, newEventId } = options;

  async function decide(caller: Caller, requestId: string, command: CopyCommand, clientRequestId?: string): Promise<CopyState> {
    const result = await handleCommand(
      store,
      copyDecider,
      { streamId: copyStreamId(requestId), command, metadata: metadataOf(caller), ...(clientRequestId === undefined ? {} : { requestId: clientRequestId }), now: command.at },
      { newEventId, toDomainEvent: toEvent },
    );
    return result.state;
  }

  return {
    request(caller: Caller, input: CopyRequestInput): Promise<CopyView> {
      return recordingRefusals(audit, caller, "RequestRecordCopy", isSafeId(input.requestId) ? `record-copy/${input.requestId}` : undefined, async () => {
        const role = requesterRole(caller);
        if (!isSafeId(input.requestId)) throw refusal("INVALID_RECORD_INPUT", "requestId");
        if (input.recordIds.length === 0 || input.recordIds.length > 50 || !input.recordIds.every(isSafeId)) throw refusal("INVALID_RECORD_INPUT", "recordIds");
        const documents = [];
        for (const documentId of new Set(input.recordIds)) {
          const state = await records.state(documentId);
          if (state.status !== "exists") throw refusal("RECORD_NOT_FOUND");
          const { header } = state.record;
          // A patient asks for their own records only, as themself; nobody learns whose another record is.
          if (role === "patient" && (header.patient.patientId !== caller.principal.subject || input.applicantId !== caller.principal.subject)) {
            throw refusal("RECORD_ACCESS_DENIED");
          }
          documents.push({ documentId, institutionId: header.custodian.institutionId, patientId: header.patient.patientId });
        }
        const [first] = documents;
        const state = await decide(
          caller,
          input.requestId,
          {
            type: "RequestCopy",
            requestId: input.requestId,
            institutionId: first?.institutionId ?? "",
            documents,
            applicantType: input.applicantType,
            applicantId: input.applicantId,
            proofs: input.proofs,
            committer: committerOf(caller),
            at: clock(),
          },
          `${input.requestId}:request`,
        );
        return viewOf(state);
      });
    },

    approve(caller: Caller, requestId: string): Promise<IssuedCopy> {
      return recordingRefusals(audit, caller, "ApproveRecordCopy", isSafeId(requestId) ? `record-copy/${requestId}` : undefined, async () => {
        const { principal } = caller;
        const recordsStaff = principal.kind === "human" && principal.roles.includes("records_officer");
        if (!recordsStaff) throw refusal("COPY_APPROVER_NOT_RECORDS_STAFF");
        if (!isSafeId(requestId)) throw refusal("INVALID_RECORD_INPUT", "requestId");
        const committer = { ...committerOf(caller), role: "records_officer" };
        const at = clock();
        // An approval whose issuing failed (a record unreadable, the seal key store down) is issued on the next try.
        const current = fold(copyDecider, (await store.readStream(copyStreamId(requestId))).map(toEvent));
        const approved = current.status === "APPROVED" ? current : await decide(caller, requestId, { type: "ApproveCopy", requestId, recordsStaff, reasonCode: "", committer, at });
        const request = viewOf(approved);
        const copyId = derivedId("copy", requestId);
        const issuedAt = at.toISOString();
        const rendered = [];
        for (const documentId of request.recordIds) {
          const document = latestDocument(await records.record(documentId));
          rendered.push({ recordId: documentId, version: document.header.version, contentType: CDA_CONTENT_TYPE, content: renderCda(document, context) });
        }
        const content = JSON.stringify({ copyId, requestId, institutionId: request.institutionId, applicantType: request.applicantType, issuedAt, records: rendered });
        const contentHash = sha256Hex(content);
        const seal = await keys.seal(request.institutionId, contentHash);
        const domainSeal = { algorithm: seal.algorithm, certificateSerial: seal.keyId, value: seal.value, sealedHash: seal.sealedHash, timestampToken: "" };
        const issued = await decide(caller, requestId, { type: "IssueCopy", requestId, copyId, contentHash, seal: domainSeal, committer, at });
        // XC-01: each record in the copy was read for it (purpose COPY), on the record's own access log.
        for (const documentId of request.recordIds) {
          const decision = decideAccess(
            { documentId, reader: { id: principal.subject, role: "records_officer", institutionId: principal.tenantId }, purpose: "COPY", guardianOfMinor: false, consultClinicianIds: [], at },
            await records.state(documentId),
          );
          await records.appendAccess(caller, documentId, decision.event, at);
        }
        return { request: viewOf(issued), copyId, content, seal, issuedAt };
      });
    },

    reject(caller: Caller, requestId: string, reasonCode: string): Promise<CopyView> {
      return recordingRefusals(audit, caller, "RejectRecordCopy", isSafeId(requestId) ? `record-copy/${requestId}` : undefined, async () => {
        const { principal } = caller;
        const recordsStaff = principal.kind === "human" && principal.roles.includes("records_officer");
        if (!recordsStaff) throw refusal("COPY_APPROVER_NOT_RECORDS_STAFF");
        if (!isSafeId(requestId)) throw refusal("INVALID_RECORD_INPUT", "requestId");
        if (!/^[A-Z][A-Z0-9_]{1,63}$/.test(reasonCode)) throw refusal("INVALID_RECORD_INPUT", "reasonCode");
        const committer = { ...committerOf(caller), role: "records_officer" };
        return viewOf(await decide(caller, requestId, { type: "RejectCopy", requestId, recordsStaff, reasonCode, committer, at: clock() }));
      });
    },

    /** Anyone may check a copy: no token, nothing recorded, nothing revealed but valid or not and why. */
    async verify(input: { readonly content: string; readonly contentSha256: string; readonly seal: InstitutionSeal }): Promise<SealCheck> {
      const hash = input.content !== "" ? sha256Hex(input.content) : input.contentSha256.toLowerCase();
      return checkSeal(keys, hash, input.seal);
    },

    async institutionSeal(institutionId: string): Promise<SealPublicKey> {
      const published = await keys.publicKey(institutionId);
      if (published === undefined) throw refusal("INSTITUTION_SEAL_NOT_FOUND");
      return published;
    },

    /** The copy request as its stream says (for tests and a later status query). */
    async state(requestId: string): Promise<CopyState> {
      return fold(copyDecider, (await store.readStream(copyStreamId(requestId))).map(toEvent));
    },
  };
}

export type RecordCopies = ReturnType<typeof createRecordCopies>;
