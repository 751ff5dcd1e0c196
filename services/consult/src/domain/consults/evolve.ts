import type { ConsultEvent } from "./events.js";
import type { ConsultState } from "./state.js";
import type { Consult } from "./types.js";

/** How each consult event changes the consult (the decider's evolve). */
export function evolve(state: ConsultState, event: ConsultEvent): ConsultState {
  if (event.type === "ConsultRequested") {
    const { data } = event;
    return {
      status: "exists",
      consult: {
        consultId: data.consultId,
        institutionId: data.institutionId,
        jurisdiction: data.jurisdiction,
        consultType: data.consultType,
        departmentCode: data.departmentCode,
        patientId: data.patientId,
        patientBirthDate: data.patientBirthDate,
        patientSex: data.patientSex,
        guardianId: data.guardianId,
        requestedAt: data.requestedAt,
        acceptBy: data.acceptBy,
        priorRecord: data.priorRecord,
        invitation: data.invitation,
        familyContractId: data.familyContractId,
        status: "WAITING",
        physicianId: "",
        confirmedDiagnoses: data.confirmedDiagnoses,
        eligibility: data.consultType === "FOLLOW_UP" ? "PENDING" : "NOT_REQUIRED",
        consent: null,
        terminationReason: "",
        videoRoomId: "",
        recording: "NONE",
      },
    };
  }
  if (event.type === "ConsultRequestRefused") return { status: "refused", code: event.data.code };
  if (state.status !== "exists") return state;
  const consult = state.consult;
  const next = (changes: Partial<Consult>): ConsultState => ({ status: "exists", consult: { ...consult, ...changes } });
  switch (event.type) {
    case "ConsultCancelled":
      return next({ status: "CANCELLED" });
    case "ConsultExpired":
      return next({ status: "EXPIRED" });
    case "ConsultAccepted":
      return next({ status: "ACCEPTED", physicianId: event.data.physicianId, acceptedAt: event.data.acceptedAt });
    case "FollowUpEligibilityDecided":
      return event.data.eligible
        ? next({ eligibility: "ELIGIBLE", confirmedDiagnoses: event.data.verifiedDiagnoses })
        : next({ eligibility: "INELIGIBLE", status: "REFUSED" });
    case "ConsentGiven":
      return next({ consent: { version: event.data.consentVersion, sha256: event.data.consentSha256 } });
    case "ConsultStarted":
      return next({ status: "IN_PROGRESS" });
    case "VideoRoomOpened":
      return next({ videoRoomId: event.data.roomId });
    case "RecordingStarted":
      return next({ recording: "STARTED" });
    case "RecordingStopped":
      return next({ recording: "STOPPED" });
    case "ConsultCompleted":
      return next({ status: "COMPLETED" });
    case "ConsultTerminated":
      return next({ status: "TERMINATED_REFERRED", terminationReason: event.data.reasonCode });
    case "MessageSent":
    case "RecordingStored":
    case "ReferralNoticeIssued":
      return state;
  }
}
