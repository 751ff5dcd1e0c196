import { createHash } from "node:crypto";
import { canonicalJson, type EventStore, handleCommand, type JsonObject, type StoredEvent, WrongExpectedRevisionError } from "@ihp/eventsourcing";
import { type AuditTrail, type Principal, recordingRefusals, traceFields } from "@ihp/platform";
import { refusal } from "../domain/errors.js";
import { type HisPatientCommand, type HisPatientEvent, hisPatientDecider } from "../domain/hisPatient.js";
import { isSafeId } from "../domain/messages.js";
import { derivedId, hisPatientStreamId, messageStreamId, objectIndexStreamId, patientIndexStreamId, textOf } from "./ids.js";
import type { IdentityPort } from "./ports.js";

export interface IngestSender { readonly institutionId: string; readonly systemId: string } // systemId = principal subject
export interface IngestOutcome { readonly status: "ACCEPTED" | "DUPLICATE"; readonly objectId: string }
export interface Ingest {
  linkPatient(sender: IngestSender, m: { messageId: string; hisPatientId: string; patientId?: string; idNumber?: string }): Promise<IngestOutcome>;
  recordEncounter(sender: IngestSender, m: { messageId: string; hisPatientId: string; encounterId: string; encounterDate: string; department: string; recordType: string; diagnoses: { code: string; name: string; version: string }[] }): Promise<IngestOutcome>;
  attachLabResult(sender: IngestSender, m: { messageId: string; hisPatientId: string; reportId: string; issuedAt: string; observations: { code: string; codeSystem: string; name: string; value: string; unit: string; referenceRange: string; abnormalFlag: string }[] }): Promise<IngestOutcome>;
  attachImagingReport(sender: IngestSender, m: { messageId: string; hisPatientId: string; reportId: string; studyInstanceUid: string; modality: string; findings: string; impression: string; retrieveUrl: string; issuedAt: string }): Promise<IngestOutcome>;
}

export interface IngestOptions {
  readonly store: EventStore;
  readonly audit: AuditTrail;
  readonly identity: IdentityPort;
  readonly clock: () => Date;
  readonly newEventId: () => string;
}

/** The claim that decides every repeat of one institution's message id (XC-03). */
export const MESSAGE_CLAIMED = "IngestMessageClaimed";
const INDEXED = "HisPatientIndexed";

type Kind = "LINK" | "ENCOUNTER" | "LAB_RESULT" | "IMAGING_REPORT";

/** The integration system as the audit trail and event metadata name it. */
export function senderPrincipal(sender: IngestSender): Principal {
  return { subject: sender.systemId, roles: ["integration"], tenantId: sender.institutionId, kind: "service" };
}

function toEvent(event: StoredEvent): HisPatientEvent {
  return { type: event.type, data: event.data } as unknown as HisPatientEvent;
}

/**
 * The one ingest path of gRPC and the MLLP bridge (XC-03): idempotent by (institution, sender message id), every
 * accepted message an event on the HIS patient's stream, every refusal an audit record and nothing else.
 */
export function createIngest(options: IngestOptions): Ingest {
  const { store, audit, clock } = options;

  async function claimed(streamId: string, contentHash: string): Promise<IngestOutcome | undefined> {
    const [claim] = await store.readStream(streamId);
    if (claim === undefined) return undefined;
    if (claim.data["contentHash"] !== contentHash) throw refusal("MESSAGE_ID_CONFLICT");
    return { status: "DUPLICATE", objectId: textOf(claim.data, "objectId") };
  }

  async function ingest(
    sender: IngestSender,
    action: string,
    kind: Kind,
    message: { readonly messageId: string; readonly hisPatientId: string },
    content: JsonObject,
    build: (now: Date) => Promise<{ command: HisPatientCommand; objectId: string; index: { streamId: string; key: string; data: JsonObject } }>,
  ): Promise<IngestOutcome> {
    const principal = senderPrincipal(sender);
    const caller = { principal, correlationId: options.newEventId(), trace: traceFields() };
    return recordingRefusals(audit, caller, action, undefined, async () => {
      if (!isSafeId(message.messageId)) throw refusal("INVALID_MESSAGE_ID");
      if (!isSafeId(sender.institutionId)) throw refusal("WRONG_INSTITUTION");
      const contentHash = createHash("sha256").update(canonicalJson({ kind, ...content }), "utf8").digest("hex");
      const claimStream = messageStreamId(sender.institutionId, message.messageId);
      const earlier = await claimed(claimStream, contentHash);
      if (earlier !== undefined) return earlier;
      if (!isSafeId(message.hisPatientId)) throw refusal("INVALID_HIS_ID", "HIS patient id");
      const now = clock();
      const { command, objectId, index } = await build(now);
      const metadata = {
        actorId: sender.systemId,
        actorRole: "integration",
        tenantId: sender.institutionId,
        correlationId: caller.correlationId,
        causationId: message.messageId,
        ...caller.trace,
      };
      await handleCommand(
        store,
        hisPatientDecider,
        { streamId: hisPatientStreamId(sender.institutionId, message.hisPatientId), command, metadata, requestId: message.messageId, now },
        { newEventId: options.newEventId, toDomainEvent: toEvent },
      );
      const occurredAt = now.toISOString();
      // Derived ids: a retry after a crash writes the same index event again, which the store treats as a repeat.
      await store.append(index.streamId, [{ id: derivedId(INDEXED, index.key), type: INDEXED, schemaVersion: 1, data: index.data, metadata: { ...metadata, occurredAt } }], "any");
      const claim = { messageId: message.messageId, kind, contentHash, objectId, hisPatientId: message.hisPatientId };
      try {
        await store.append(claimStream, [{ id: options.newEventId(), type: MESSAGE_CLAIMED, schemaVersion: 1, data: claim, metadata: { ...metadata, occurredAt } }], "no_stream");
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        const raced = await claimed(claimStream, contentHash);
        if (raced !== undefined) return raced;
        throw error;
      }
      return { status: "ACCEPTED", objectId };
    });
  }

  const base = (sender: IngestSender, m: { messageId: string; hisPatientId: string }, at: Date) => ({
    institutionId: sender.institutionId,
    hisPatientId: m.hisPatientId,
    messageId: m.messageId,
    at: at.toISOString(),
  });

  return {
    linkPatient(sender, m) {
      const patientId = m.patientId ?? "";
      return ingest(sender, "LinkHisPatient", "LINK", m, { hisPatientId: m.hisPatientId, patientId, idNumber: m.idNumber ?? "" }, async (at) => {
        if (patientId === "") throw refusal("PATIENT_ID_REQUIRED");
        if (!isSafeId(patientId)) throw refusal("INVALID_HIS_ID", "patient id");
        await options.identity.verifiedPatient(patientId);
        return {
          command: { type: "LinkPatient", ...base(sender, m, at), patientId },
          objectId: patientId,
          index: { streamId: patientIndexStreamId(patientId), key: `${sender.institutionId}~${m.hisPatientId}~${patientId}`, data: { institutionId: sender.institutionId, hisPatientId: m.hisPatientId } },
        };
      });
    },
    recordEncounter(sender, m) {
      const { messageId: _messageId, ...content } = m;
      return ingest(sender, "RecordEncounter", "ENCOUNTER", m, content, (at) => Promise.resolve({
        command: { type: "RecordEncounter", ...base(sender, m, at), encounter: content },
        objectId: m.encounterId,
        index: indexOf("encounter", sender, m.encounterId, m.hisPatientId),
      }));
    },
    attachLabResult(sender, m) {
      const { messageId: _messageId, ...content } = m;
      return ingest(sender, "AttachLabResult", "LAB_RESULT", m, content, (at) => Promise.resolve({
        command: { type: "AttachLabResult", ...base(sender, m, at), result: content },
        objectId: m.reportId,
        index: indexOf("lab", sender, m.reportId, m.hisPatientId),
      }));
    },
    attachImagingReport(sender, m) {
      const { messageId: _messageId, ...content } = m;
      return ingest(sender, "AttachImagingReport", "IMAGING_REPORT", m, content, (at) => Promise.resolve({
        command: { type: "AttachImagingReport", ...base(sender, m, at), report: content },
        objectId: m.reportId,
        index: indexOf("imaging", sender, m.reportId, m.hisPatientId),
      }));
    },
  };
}

function indexOf(kind: "encounter" | "lab" | "imaging", sender: IngestSender, objectId: string, hisPatientId: string) {
  const safe = isSafeId(objectId) ? objectId : "invalid";
  return { streamId: objectIndexStreamId(kind, sender.institutionId, safe), key: `${kind}~${sender.institutionId}~${safe}`, data: { hisPatientId } };
}
