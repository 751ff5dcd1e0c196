import type { EventMetadata, NewEvent, StreamAppend } from "@ihp/eventsourcing";
import { type JurisdictionCode, profileAt } from "@ihp/jurisdiction";
import { type Principal, RemoteError, traceFields } from "@ihp/platform";
import { type Coded, type MediaReference, mediaRetention, type RecordHeaderBase, type RecordSections } from "../domain/index.js";
import type { Caller } from "./caller.js";
import { type MediaKind, type MediaLocation, mediaStreamId, type MediaVault } from "./mediaVault.js";
import { consultIndexStreamId, derivedId, patientIndexStreamId } from "./ids.js";
import type { ConsultPort, ConsultSource, IdentityPort } from "./ports.js";
import type { RecordStore } from "./store.js";

/** The records service acting on its own behalf: the committer of an originated record (openEHR contribution). */
export const RECORDS_PRINCIPAL: Principal = { subject: "svc:records", roles: ["records"], tenantId: "platform", kind: "service" };

export interface OriginationOptions {
  readonly records: RecordStore;
  readonly consult: ConsultPort;
  readonly identity: IdentityPort;
  /** Where the consult's media are sealed and kept (REC-01, REC-03); without one no media is linked. */
  readonly media: MediaVault | undefined;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  /** Practitioner titles whose records need a supervisor's co-signature (REC-05), e.g. 试用期医师. */
  readonly cosignTitles: readonly string[];
}

/** Visit time to the minute with the Beijing offset (WS/T 500.2 就诊日期时间). */
export function beijingMinute(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 16)}+08:00`;
}

const SEX: Readonly<Record<string, Coded>> = {
  M: { code: "1", name: "男性", system: "GB/T 2261.1-2003" },
  F: { code: "2", name: "女性", system: "GB/T 2261.1-2003" },
};
const UNKNOWN_SEX: Coded = { code: "0", name: "未知的性别", system: "GB/T 2261.1-2003" };

/**
 * The draft sections a closed consult gives (REC-01): its diagnoses (the first one main), the physician's signed
 * summary as 治疗处理意见, "remote consult, not examined". Chief complaint and history are the physician's to complete
 * (amend) before signing: the consult has no structured source for them.
 */
export function draftSections(source: ConsultSource): RecordSections {
  return {
    chiefComplaint: "",
    presentIllness: "",
    pastHistory: "",
    allergyHistory: "",
    physicalExamination: { examined: false },
    auxiliaryExaminations: [],
    diagnoses: source.diagnoses.map((diagnosis, index) => ({ code: diagnosis.code, name: diagnosis.name, system: diagnosis.version, main: index === 0 })),
    treatmentAdvice: source.summary,
    prescriptions: [],
  };
}

/**
 * REC-01 header: the patient's id in the institution's HIS is known only when consult's prior record was linked from
 * HIS (an upload names none); the name is identity's (sealed at rest here by RECORDS_SEALING), empty when unknown.
 */
export function headerOf(documentId: string, source: ConsultSource, patientName = ""): RecordHeaderBase {
  return {
    documentId,
    setId: derivedId("record-set", source.consultId),
    visitAt: beijingMinute(source.startedAt),
    department: { code: source.departmentCode, name: source.departmentCode, system: "诊疗科目代码" },
    visitKind: "FOLLOW_UP",
    priorRecordId: source.priorRecordId === "" ? null : source.priorRecordId,
    consultId: source.consultId,
    patient: { patientId: source.patientId, hisPatientId: source.hisPatientId || null, name: patientName, sex: SEX[source.patientSex] ?? UNKNOWN_SEX, birthDate: source.patientBirthDate },
    custodian: { institutionId: source.institutionId, name: "" },
  };
}

/**
 * The patient's name for the header, from identity with the records service's own credential. An erased identity
 * leaves the name empty (the record keeps no marker text as a name). PATIENT_NOT_FOUND (identity does not know the
 * patient at this institution) leaves it empty too, so the record is still drafted. Any other failure is thrown like
 * one of consult's: a refusal (e.g. a credential without the `records` role) is logged by code, an outage redelivered.
 */
async function patientNameOf(identity: IdentityPort, source: ConsultSource): Promise<string> {
  try {
    const patient = await identity.patientForRecord(source.patientId, source.institutionId);
    return patient.erased ? "" : patient.name;
  } catch (error) {
    if (error instanceof RemoteError && error.kind === "NOT_FOUND") return "";
    throw error;
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const AUDIO = /\.(mp3|m4a|aac|amr|wav|ogg|opus)(\?|$)/i;
const MEDIA_KINDS: Readonly<Record<string, MediaKind>> = { IMAGE: "IMAGE", AUDIO: "AUDIO", VIDEO: "VIDEO" };

/**
 * The consult's media (REC-01, REC-03), kept 3 years from consult end: the chat as one TRANSCRIPT blob (canonical
 * JSON lines), sealed and stored; and every image/audio/video message and recording the consult names by URI and
 * SHA-256, linked by that hash. Those bytes are NOT fetched (consult's record source gives URI and hash only, and
 * bytes is 0 = unknown): a reader gets the URI and verifies the hash itself. Items without a well-formed SHA-256
 * are left out (they could never be verified). The index events (where each item is) go to `indexed`, for the
 * origination to append with the record; items a previous attempt already indexed add none.
 */
async function consultMedia(vault: MediaVault, source: ConsultSource, documentId: string, retainUntil: string, metadata: EventMetadata, indexed: NewEvent[]): Promise<MediaReference[]> {
  const consultEndedAt = source.completedAt;
  const media: MediaReference[] = [];
  // The record's media index, read once for every item (what a previous attempt indexed); its events of this
  // origination are in `indexed` until the commit, so the read holds what each item's own read would.
  let read: Promise<ReadonlyMap<string, MediaLocation>> | undefined;
  const known = () => (read ??= vault.indexed(documentId));
  if (source.transcript.length > 0) {
    const body = source.transcript.map((message) => JSON.stringify(message)).join("\n");
    const item = { documentId, patientId: source.patientId, consultId: source.consultId, consultEndedAt, retainUntil: new Date(`${retainUntil}T23:59:59+08:00`) };
    media.push(await vault.seal({ ...item, mediaId: `transcript-${source.consultId}`, kind: "TRANSCRIPT", contentType: "application/x-ndjson", content: Buffer.from(body, "utf8") }, metadata, indexed, await known()));
  }
  const linked = [
    ...source.transcript.map((m) => ({ mediaId: `message-${m.messageId}`, kind: MEDIA_KINDS[m.kind], uri: m.mediaUri, sha256: m.mediaSha256 })),
    ...(source.recordings ?? []).map((r) => ({ mediaId: `recording-${r.sha256.slice(0, 16)}`, kind: AUDIO.test(r.uri) ? ("AUDIO" as const) : ("VIDEO" as const), uri: r.uri, sha256: r.sha256 })),
  ];
  for (const item of linked) {
    if (item.kind === undefined || item.uri === "" || !SHA256.test(item.sha256) || media.some((m) => m.mediaId === item.mediaId)) continue;
    await vault.linkByUri(documentId, item.mediaId, item.uri, metadata, indexed, await known());
    media.push({ mediaId: item.mediaId, kind: item.kind, contentType: "application/octet-stream", sha256: item.sha256, bytes: 0, consultEndedAt });
  }
  return media;
}

/**
 * REC-01: a consult closed → its outpatient record, drafted. Idempotent: the document id is derived from the consult
 * and the consult event id is the request id, so a redelivered ConsultCompleted appends nothing.
 *
 * One commit (appendToStreams through the record's command): the media index events, the record's events and its
 * two index entries are written together or not at all, in that order, so a crash cannot leave a drafted record
 * missing from the consult's or the patient's index (a redelivery stops at "the record exists"). Sealed blobs are
 * stored before the commit; a commit that does not happen leaves them unreferenced, as a crash between the blob and
 * its index event did before.
 */
export function createOrigination(options: OriginationOptions) {
  const { records, consult, identity, clock } = options;
  return async function originate(consultId: string, causationId: string): Promise<string> {
    const documentId = derivedId("record", consultId);
    // The record's stream is read once: the origination decides on it below (its revision still guards the commit).
    const read = await records.read(documentId);
    if (read.state.status === "exists") return documentId;
    const source = await consult.recordSource(consultId);
    const author = await identity.practitioner(source.physicianId);
    const profile = profileAt(source.jurisdiction as JurisdictionCode, source.completedAt);
    const now = clock();
    const metadata = { actorId: RECORDS_PRINCIPAL.subject, actorRole: "records", tenantId: source.institutionId, correlationId: causationId, causationId, occurredAt: now.toISOString() };
    const retainUntil = mediaRetention(profile, source.completedAt).retainUntil;
    const indexed: NewEvent[] = [];
    const media = options.media === undefined ? [] : await consultMedia(options.media, source, documentId, retainUntil, metadata, indexed);
    const caller: Caller = { principal: RECORDS_PRINCIPAL, token: undefined, correlationId: causationId, trace: traceFields() };
    const header = headerOf(documentId, source, await patientNameOf(identity, source));
    const index = { documentId, consultId, patientId: source.patientId, institutionId: source.institutionId, visitAt: header.visitAt };
    const indexEntry = (streamId: string, key: string): StreamAppend => ({
      streamId,
      events: [{ id: derivedId("RecordIndexed", key), type: "RecordIndexed", schemaVersion: 1, data: index, metadata }],
      expectedRevision: "any",
    });
    const withIndexes = (own: StreamAppend): StreamAppend[] => [
      ...(indexed.length === 0 ? [] : [{ streamId: mediaStreamId(documentId), events: indexed, expectedRevision: "any" as const }]),
      own,
      indexEntry(consultIndexStreamId(consultId), `consult~${consultId}`),
      indexEntry(patientIndexStreamId(source.patientId), `patient~${documentId}`),
    ];
    await records.decide(
      caller,
      documentId,
      {
        type: "OriginateRecord",
        documentId,
        committer: { id: RECORDS_PRINCIPAL.subject, role: "records", institutionId: source.institutionId },
        at: now,
        header,
        sections: draftSections(source),
        media,
        author: { practitionerId: source.physicianId, name: author.name, needsCosign: options.cosignTitles.includes(author.title) },
        profile,
      },
      causationId,
      now,
      withIndexes,
      read.history,
    );
    return documentId;
  };
}
