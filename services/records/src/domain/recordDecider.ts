import type { Decider } from "@ihp/eventsourcing";
import { contribution } from "./contribution.js";
import { diffVersions } from "./versions.js";
import { approveDestruction, destroyMedia, destroyRecord, placeHold, removeHold, restrict } from "./destruction.js";
import { refusal } from "./errors.js";
import { refusing } from "@ihp/eventsourcing";
import type {
  AmendRecord,
  ArchiveRecord,
  AttestAddendum,
  AttestRecord,
  CosignRecord,
  OriginateRecord,
  RecordCommand,
} from "./recordCommands.js";
import type { RecordEvent } from "./recordEvents.js";
import { evolve } from "./recordEvolve.js";
import { type MedicalRecord, NO_RECORD, type RecordState } from "./recordTypes.js";
import {
  current,
  requireComplete,
  requireCustodian,
  requireCurrentVersion,
  requireEditWindow,
  requireHeader,
  requireId,
  requireMedia,
  requireOwnSignature,
  requireSections,
  requireText,
  requireTrustedTime,
  requireWritable,
} from "./rules.js";
import { lodgeClaim, resolveDispute, seal, sealIncrement, unseal } from "./sealing.js";

type Decision = readonly RecordEvent[];

function originate(command: OriginateRecord, state: RecordState): Decision {
  if (state.status !== "none") throw refusal("RECORD_ALREADY_EXISTS");
  const { header, author } = command;
  requireHeader(header);
  if (command.committer.institutionId !== header.custodian.institutionId) throw refusal("NOT_CUSTODIAN");
  if (header.documentId !== command.documentId) throw refusal("INVALID_RECORD_INPUT", "header.documentId");
  requireId(author.practitionerId, "author.practitionerId");
  requireSections(command.sections);
  requireMedia(command.media);
  return [
    {
      type: "RecordOriginated",
      data: {
        documentId: command.documentId,
        header,
        sections: command.sections,
        media: [...command.media],
        author: { practitionerId: author.practitionerId, name: author.name },
        authorNeedsCosign: author.needsCosign,
        profileVersion: command.profile.version,
        contribution: contribution(command.committer, command.at, "creation", "originate"),
      },
    },
  ];
}

function requireAuthor(record: MedicalRecord, committerId: string): void {
  if (committerId !== record.author.practitionerId) throw refusal("NOT_RECORD_AUTHOR");
}

function amend(command: AmendRecord, record: MedicalRecord): Decision {
  requireWritable(record);
  requireAuthor(record, command.committer.id);
  requireEditWindow(record, command.settings, command.at);
  requireSections(command.sections);
  const latest = current(record);
  const media = [...latest.media, ...command.addMedia];
  requireMedia(media);
  if (diffVersions(latest, { sections: command.sections, media }).length === 0) throw refusal("AMENDMENT_EMPTY");
  // openEHR: a change to a draft is a modification; a change to signed content is an amendment.
  const changeType = record.status === "SIGNED" ? "amendment" : "modification";
  return [
    {
      type: "RecordAmended",
      data: {
        documentId: record.documentId,
        version: latest.version + 1,
        sections: command.sections,
        media,
        contribution: contribution(command.committer, command.at, changeType, "amend"),
      },
    },
  ];
}

function attest(command: AttestRecord, record: MedicalRecord): Decision {
  requireWritable(record);
  if (record.status !== "DRAFT") throw refusal("RECORD_NOT_DRAFT");
  requireAuthor(record, command.committer.id);
  requireOwnSignature(command.signature, command.committer.id);
  requireCurrentVersion(record, command.version);
  requireEditWindow(record, command.settings, command.at);
  requireComplete(current(record).sections);
  requireTrustedTime(command.signature, command.tsaSkewSeconds, command.settings);
  const pending = record.authorNeedsCosign;
  return [
    {
      type: "RecordAttested",
      data: {
        documentId: record.documentId,
        version: command.version,
        signature: { ...command.signature, role: "AUTHOR" },
        status: pending ? "PENDING_COSIGN" : "SIGNED",
        completedAt: pending ? "" : command.at.toISOString(),
        tsaSkewSeconds: command.tsaSkewSeconds,
        skewLimitSeconds: command.settings.maxTsaSkewSeconds,
        contribution: contribution(command.committer, command.at, "attestation", "attest"),
      },
    },
  ];
}

function cosign(command: CosignRecord, record: MedicalRecord): Decision {
  requireWritable(record);
  if (record.status !== "PENDING_COSIGN") throw refusal("NOT_PENDING_COSIGN");
  const { supervisor } = command;
  if (supervisor.practitionerId !== command.committer.id) throw refusal("INVALID_RECORD_INPUT", "supervisor");
  if (supervisor.practitionerId === record.author.practitionerId) throw refusal("COSIGNER_IS_AUTHOR");
  if (!supervisor.qualified) throw refusal("COSIGNER_NOT_QUALIFIED");
  requireOwnSignature(command.signature, command.committer.id);
  requireCurrentVersion(record, command.version);
  requireTrustedTime(command.signature, command.tsaSkewSeconds, command.settings);
  const at = command.at.toISOString();
  return [
    {
      type: "RecordCosigned",
      data: {
        documentId: record.documentId,
        version: command.version,
        signature: { ...command.signature, role: "COSIGNER" },
        cosigner: { practitionerId: supervisor.practitionerId, name: supervisor.name },
        completedAt: at,
        tsaSkewSeconds: command.tsaSkewSeconds,
        skewLimitSeconds: command.settings.maxTsaSkewSeconds,
        contribution: contribution(command.committer, command.at, "attestation", "attest"),
      },
    },
  ];
}

function archive(command: ArchiveRecord, record: MedicalRecord): Decision {
  requireWritable(record);
  if (record.status !== "SIGNED") throw refusal("RECORD_NOT_SIGNED");
  const data = {
    documentId: record.documentId,
    version: current(record).version,
    contribution: contribution(command.committer, command.at, "modification", "archive"),
  };
  return [{ type: "RecordArchived", data }];
}

/** REC-06: corrections after signing, and the only change an archived record takes. No edit window: that is the point. */
function addendum(command: AttestAddendum, record: MedicalRecord): Decision {
  if (record.status === "DESTROYED") throw refusal("RECORD_DESTROYED");
  if (record.restrictedAt !== null) throw refusal("RECORD_RESTRICTED");
  if (record.status !== "SIGNED" && record.status !== "ARCHIVED") throw refusal("RECORD_NOT_SIGNED");
  const writers = [record.author.practitionerId, record.cosigner?.practitionerId];
  if (!writers.includes(command.committer.id)) throw refusal("NOT_RECORD_AUTHOR");
  requireId(command.addendumId, "addendumId");
  if (record.addenda.some((a) => a.addendumId === command.addendumId)) throw refusal("INVALID_RECORD_INPUT", "addendumId (used)");
  requireText(command.text, "text");
  requireText(command.reason, "reason", 2_000);
  requireOwnSignature(command.signature, command.committer.id);
  requireTrustedTime(command.signature, command.tsaSkewSeconds, command.settings);
  return [
    {
      type: "AddendumAttested",
      data: {
        documentId: record.documentId,
        addendumId: command.addendumId,
        parentVersion: current(record).version,
        text: command.text,
        reason: command.reason,
        signature: command.signature,
        tsaSkewSeconds: command.tsaSkewSeconds,
        skewLimitSeconds: command.settings.maxTsaSkewSeconds,
        contribution: contribution(command.committer, command.at, "amendment", "amend"),
      },
    },
  ];
}

function decide(command: RecordCommand, state: RecordState): Decision {
  const existing = (s: RecordState): MedicalRecord => {
    if (s.status !== "exists") throw refusal("RECORD_NOT_FOUND");
    requireCustodian(s.record, command.committer);
    return s.record;
  };
  switch (command.type) {
    case "OriginateRecord":
      return originate(command, state);
    case "AmendRecord":
      return amend(command, existing(state));
    case "AttestRecord":
      return attest(command, existing(state));
    case "CosignRecord":
      return cosign(command, existing(state));
    case "ArchiveRecord":
      return archive(command, existing(state));
    case "AttestAddendum":
      return addendum(command, existing(state));
    case "SealRecord":
      return seal(command, existing(state));
    case "SealIncrement":
      return sealIncrement(command, existing(state));
    case "LodgeDisputeClaim":
      return lodgeClaim(command, existing(state));
    case "ResolveDispute":
      return resolveDispute(command, existing(state));
    case "UnsealRecord":
      return unseal(command, existing(state));
    case "PlaceLegalHold":
      return placeHold(command, existing(state));
    case "RemoveLegalHold":
      return removeHold(command, existing(state));
    case "RestrictRecord":
      return restrict(command, existing(state));
    case "ApproveDestruction":
      return approveDestruction(command, existing(state));
    case "DestroyRecord":
      return destroyRecord(command, existing(state));
    case "DestroyMedia":
      return destroyMedia(command, existing(state));
  }
}

/** One outpatient record (stream records-record-<documentId>). Rules throw their refusal; it is returned here. */
export const recordDecider: Decider<RecordCommand, RecordEvent, RecordState> = {
  initialState: NO_RECORD,
  evolve,
  decide: refusing(decide),
};
