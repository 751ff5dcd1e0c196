import { type Decider, refusing } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type {
  AcceptConsult,
  CancelConsult,
  CompleteConsult,
  ConsultCommand,
  DecideEligibility,
  ExpireConsult,
  GiveConsent,
  OpenVideoRoom,
  SendMessage,
  StartConsult,
  StoreRecording,
  TerminateConsult,
} from "./commands.js";
import type { ConsultEvent, ReferralNoticeIssuedData } from "./events.js";
import {
  isClassA,
  refuseClassA,
  requireDiagnoses,
  requireMessage,
  requireRecording,
  requireSummary,
} from "./rules.js";
import { evolve } from "./evolve.js";
import { closed, existing, participantRole, requireAssigned, requireParticipantPatient } from "./guards.js";
import { recordRefusal, request } from "./request.js";
import { type ConsultState, NO_CONSULT } from "./state.js";
import type { Consult } from "./types.js";

type Decision = readonly ConsultEvent[];

function cancel(command: CancelConsult, consult: Consult): Decision {
  requireParticipantPatient(consult, command.cancelledBy);
  if (consult.status !== "WAITING") throw refusal(closed(consult) ? "CONSULT_CLOSED" : "CONSULT_NOT_WAITING");
  return [
    {
      type: "ConsultCancelled",
      data: { consultId: consult.consultId, cancelledBy: command.cancelledBy, cancelledAt: command.at.toISOString() },
    },
  ];
}

function expire(command: ExpireConsult, consult: Consult): Decision {
  if (consult.status !== "WAITING") throw refusal(closed(consult) ? "CONSULT_CLOSED" : "CONSULT_NOT_WAITING");
  if (command.at.getTime() <= Date.parse(consult.acceptBy)) throw refusal("CONSULT_NOT_EXPIRED");
  return [{ type: "ConsultExpired", data: { consultId: consult.consultId, expiredAt: command.at.toISOString() } }];
}

function accept(command: AcceptConsult, consult: Consult): Decision {
  if (consult.status === "ACCEPTED" || consult.status === "IN_PROGRESS") throw refusal("CONSULT_ALREADY_ACCEPTED");
  if (consult.status !== "WAITING") throw refusal("CONSULT_CLOSED");
  if (command.at.getTime() > Date.parse(consult.acceptBy)) throw refusal("ACCEPTANCE_WINDOW_PASSED");
  if (!command.regulatorConnected) throw refusal("REGULATOR_NOT_CONNECTED");
  return [
    {
      type: "ConsultAccepted",
      data: {
        consultId: consult.consultId,
        physicianId: command.physicianId,
        stepUpId: command.stepUpId,
        sessionId: command.sessionId,
        acceptedAt: command.at.toISOString(),
      },
    },
  ];
}

function decideEligibility(command: DecideEligibility, consult: Consult): Decision {
  requireAssigned(consult, command.physicianId);
  if (consult.consultType !== "FOLLOW_UP" || consult.priorRecord === null) throw refusal("ELIGIBILITY_NOT_REQUIRED");
  if (consult.eligibility !== "PENDING") throw refusal("ELIGIBILITY_ALREADY_DECIDED");
  if (consult.status !== "ACCEPTED") throw refusal(closed(consult) ? "CONSULT_CLOSED" : "CONSULT_NOT_ACCEPTED");
  const verifiedDiagnoses = command.eligible ? requireDiagnoses(command.verifiedDiagnoses) : [];
  if (command.eligible && verifiedDiagnoses.length === 0) throw refusal("INVALID_DIAGNOSIS");
  const at = command.at.toISOString();
  const decided: ConsultEvent = {
    type: "FollowUpEligibilityDecided",
    data: {
      consultId: consult.consultId,
      physicianId: command.physicianId,
      eligible: command.eligible,
      priorRecordId: consult.priorRecord.recordId,
      verifiedDiagnoses,
      reasonCode: command.eligible ? "" : "FIRST_VISIT_NOT_ALLOWED",
      signature: command.signature,
      decidedAt: at,
    },
  };
  // CON-08: a verified Class-A diagnosis ends the consult at once with a referral; the decision itself is kept.
  if (verifiedDiagnoses.some((diagnosis) => isClassA(diagnosis, command.settings.classADiagnosisPrefixes))) {
    return [decided, ...termination(consult, command.physicianId, "CLASS_A_INFECTIOUS_DISEASE", command.at)];
  }
  return [decided];
}

function giveConsent(command: GiveConsent, consult: Consult): Decision {
  requireParticipantPatient(consult, command.givenBy);
  if (closed(consult)) throw refusal("CONSULT_CLOSED");
  if (consult.consent !== null) throw refusal("CONSENT_ALREADY_GIVEN");
  const { current } = command;
  if (command.consentVersion !== current.version || command.consentSha256.toLowerCase() !== current.sha256) {
    throw refusal("CONSENT_VERSION_STALE");
  }
  return [
    {
      type: "ConsentGiven",
      data: {
        consultId: consult.consultId,
        givenBy: command.givenBy,
        consentVersion: current.version,
        consentSha256: current.sha256,
        givenAt: command.at.toISOString(),
      },
    },
  ];
}

function start(command: StartConsult, consult: Consult): Decision {
  requireAssigned(consult, command.physicianId);
  if (consult.status !== "ACCEPTED") {
    throw refusal(consult.status === "IN_PROGRESS" ? "CONSULT_ALREADY_ACCEPTED" : closed(consult) ? "CONSULT_CLOSED" : "CONSULT_NOT_ACCEPTED");
  }
  if (consult.eligibility === "PENDING") throw refusal("ELIGIBILITY_NOT_DECIDED");
  if (consult.consent === null) throw refusal("CONSENT_REQUIRED");
  return [
    {
      type: "ConsultStarted",
      data: {
        consultId: consult.consultId,
        institutionId: consult.institutionId,
        consultType: consult.consultType,
        departmentCode: consult.departmentCode,
        patientId: consult.patientId,
        physicianId: consult.physicianId,
        priorRecordId: consult.priorRecord?.recordId ?? "",
        startedAt: command.at.toISOString(),
        requestedAt: consult.requestedAt,
        acceptedAt: consult.acceptedAt ?? "",
      },
    },
  ];
}

function sendMessage(command: SendMessage, consult: Consult): Decision {
  const senderRole = participantRole(consult, command.senderId);
  if (consult.status !== "IN_PROGRESS") throw refusal("CONSULT_NOT_IN_PROGRESS");
  const content = requireMessage(command.content);
  return [
    {
      type: "MessageSent",
      data: {
        consultId: consult.consultId,
        messageId: command.messageId,
        senderId: command.senderId,
        senderRole,
        kind: content.kind,
        text: content.kind === "TEXT" ? content.text : "",
        mediaUri: content.kind === "IMAGE" ? content.uri : "",
        mediaSha256: content.kind === "IMAGE" ? content.sha256 : "",
        sentAt: command.at.toISOString(),
      },
    },
  ];
}

function openVideoRoom(command: OpenVideoRoom, consult: Consult): Decision {
  participantRole(consult, command.participantId);
  if (consult.status !== "IN_PROGRESS") throw refusal("CONSULT_NOT_IN_PROGRESS");
  if (consult.videoRoomId !== "") return [];
  const at = command.at.toISOString();
  // REC-03 / XC-07: audio and video are recorded from the moment the room opens until the consult ends.
  return [
    { type: "VideoRoomOpened", data: { consultId: consult.consultId, roomId: command.roomId, openedAt: at } },
    { type: "RecordingStarted", data: { consultId: consult.consultId, roomId: command.roomId, startedAt: at } },
  ];
}

function storeRecording(command: StoreRecording, consult: Consult): Decision {
  if (consult.videoRoomId === "" || consult.videoRoomId !== command.roomId) throw refusal("NO_VIDEO_ROOM");
  requireRecording(command.uri, command.sha256, command.durationSeconds);
  return [
    {
      type: "RecordingStored",
      data: {
        consultId: consult.consultId,
        roomId: command.roomId,
        uri: command.uri.trim(),
        sha256: command.sha256.trim().toLowerCase(),
        durationSeconds: command.durationSeconds,
        storedAt: command.at.toISOString(),
      },
    },
  ];
}

function complete(command: CompleteConsult, consult: Consult): Decision {
  requireAssigned(consult, command.physicianId);
  if (consult.status !== "IN_PROGRESS") throw refusal(closed(consult) ? "CONSULT_CLOSED" : "CONSULT_NOT_IN_PROGRESS");
  const summary = requireSummary(command.summary);
  const diagnoses = requireDiagnoses(command.diagnoses);
  if (diagnoses.length === 0) throw refusal("INVALID_SUMMARY");
  // CON-08: a Class-A diagnosis is not completed online; the physician terminates with a referral.
  refuseClassA(diagnoses, command.settings.classADiagnosisPrefixes);
  const confirmed = new Set(consult.confirmedDiagnoses.map((diagnosis) => diagnosis.code));
  return [
    {
      type: "ConsultCompleted",
      data: {
        consultId: consult.consultId,
        institutionId: consult.institutionId,
        physicianId: command.physicianId,
        summary,
        diagnoses: diagnoses.map((diagnosis) => ({
          ...diagnosis,
          // CON-05: only the same diagnosis made offline may be addressed online.
          flag: confirmed.has(diagnosis.code) ? "CONFIRMED" : "NEW_DIAGNOSIS",
        })),
        signature: command.signature,
        completedAt: command.at.toISOString(),
      },
    },
    ...stopRecording(consult, command.at),
  ];
}

function terminate(command: TerminateConsult, consult: Consult): Decision {
  requireAssigned(consult, command.physicianId);
  if (closed(consult)) throw refusal("CONSULT_CLOSED");
  if (!command.settings.terminationReasons.includes(command.reasonCode)) throw refusal("UNKNOWN_TERMINATION_REASON");
  return termination(consult, command.physicianId, command.reasonCode, command.at);
}

function termination(consult: Consult, physicianId: string, reasonCode: string, at: Date): ConsultEvent[] {
  const iso = at.toISOString();
  const referral: ReferralNoticeIssuedData = {
    consultId: consult.consultId,
    patientId: consult.patientId,
    reasonCode,
    adviceCode:
      reasonCode === "EMERGENCY"
        ? "EMERGENCY_CARE"
        : reasonCode === "CLASS_A_INFECTIOUS_DISEASE" || reasonCode === "SUSPECTED_INFECTIOUS_DISEASE"
          ? "INFECTIOUS_DISEASE_HOSPITAL"
          : "VISIT_PHYSICAL_HOSPITAL",
    issuedAt: iso,
  };
  return [
    {
      type: "ConsultTerminated",
      data: { consultId: consult.consultId, institutionId: consult.institutionId, physicianId, reasonCode, terminatedAt: iso },
    },
    { type: "ReferralNoticeIssued", data: referral },
    ...stopRecording(consult, at),
  ];
}

function stopRecording(consult: Consult, at: Date): ConsultEvent[] {
  if (consult.recording !== "STARTED") return [];
  return [{ type: "RecordingStopped", data: { consultId: consult.consultId, roomId: consult.videoRoomId, stoppedAt: at.toISOString() } }];
}

function decide(command: ConsultCommand, state: ConsultState): Decision {
  switch (command.type) {
    case "RequestConsult":
      return request(command, state);
    case "RecordRefusedRequest":
      return recordRefusal(command, state);
    case "CancelConsult":
      return cancel(command, existing(state));
    case "ExpireConsult":
      return expire(command, existing(state));
    case "AcceptConsult":
      return accept(command, existing(state));
    case "DecideEligibility":
      return decideEligibility(command, existing(state));
    case "GiveConsent":
      return giveConsent(command, existing(state));
    case "StartConsult":
      return start(command, existing(state));
    case "SendMessage":
      return sendMessage(command, existing(state));
    case "OpenVideoRoom":
      return openVideoRoom(command, existing(state));
    case "StoreRecording":
      return storeRecording(command, existing(state));
    case "CompleteConsult":
      return complete(command, existing(state));
    case "TerminateConsult":
      return terminate(command, existing(state));
  }
}

/**
 * The consult aggregate (stream consult-<id>). Rules live in rules.ts; they throw their refusal, which is returned
 * here as the Decider contract wants.
 */
export const consultDecider: Decider<ConsultCommand, ConsultEvent, ConsultState> = {
  initialState: NO_CONSULT,
  evolve,
  decide: refusing(decide),
};
