import { refusing, type Decider } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type {
  ChangePractice,
  EnablePractitioner,
  NoticeCredentialExpiry,
  PractitionerCommand,
  RecordIdentityVerification,
  RecordPracticeDocument,
  RecordRegistryLookup,
  RegisterPractitioner,
} from "./commands.js";
import type { PractitionerEvent, StaffRecordChange, StaffRecordChanged } from "./events.js";
import {
  isExpired,
  requireDocumentKind,
  requireEligible,
  requireMainInstitution,
  requirePhotoHash,
  requirePractice,
  requirePracticeStart,
  requirePractitionerName,
  requireProfession,
  requireReasonCode,
  requireReference,
} from "./rules.js";
import { NO_PRACTITIONER, type PractitionerState } from "./state.js";
import type { Practice, Practitioner } from "./types.js";

type Decision = readonly PractitionerEvent[];

function register(command: RegisterPractitioner, state: PractitionerState): Decision {
  if (state.status === "registered") throw refusal("PRACTITIONER_ALREADY_REGISTERED");
  const name = requirePractitionerName(command.name);
  const profession = requireProfession(command.profession);
  const mainInstitutionName = requireMainInstitution(command.mainInstitutionName);
  const practiceStartedOn = requirePracticeStart(command.practiceStartedOn, command.at);
  const photoHash = requirePhotoHash(command.photoHash);
  const practice = requirePractice(command.practice, profession, command.institution, command.at);
  if (command.idNumberSealed === "") throw new Error("the application seals the ID number before deciding");
  return [
    {
      type: "PractitionerRegistered",
      data: {
        practitionerId: command.practitionerId,
        institutionId: command.institution.institutionId,
        person: {
          name,
          idNumberSealed: command.idNumberSealed,
          profession,
          mainInstitutionName,
          mainInstitutionIsHost: command.mainInstitutionIsHost,
          practiceStartedOn,
          photoHash,
        },
        practice,
      },
    },
  ];
}

function recordRegistryLookup(command: RecordRegistryLookup, practitioner: Practitioner): Decision {
  const { outcome } = command;
  const practitionerId = practitioner.practitionerId;
  if (outcome.status === "REGISTERED") {
    const eLicenceReference = outcome.eLicenceReference === "" ? "" : requireReference(outcome.eLicenceReference);
    return [{ type: "RegistryVerified", data: { practitionerId, source: outcome.source, eLicenceReference } }];
  }
  return [{ type: "RegistryLookupFailed", data: { practitionerId, source: outcome.source, reason: outcome.status } }];
}

function recordIdentity(command: RecordIdentityVerification, practitioner: Practitioner): Decision {
  if (command.faceMatchRequired && command.method !== "FACE_MATCH") throw refusal("FACE_MATCH_REQUIRED");
  const reference = requireReference(command.reference);
  return [
    {
      type: "IdentityVerified",
      data: { practitionerId: practitioner.practitionerId, method: command.method, reference },
    },
  ];
}

function recordDocument(command: RecordPracticeDocument, practitioner: Practitioner): Decision {
  const kind = requireDocumentKind(command.kind);
  const reference = requireReference(command.reference);
  const current = kind === "REGISTERING_INSTITUTION_CONSENT" ? practitioner.consentReference : practitioner.filingReference;
  if (current === reference) return [];
  return [{ type: "PracticeDocumentRecorded", data: { practitionerId: practitioner.practitionerId, kind, reference } }];
}

function enable(command: EnablePractitioner, practitioner: Practitioner): Decision {
  if (practitioner.status === "ACTIVE") return [];
  if (practitioner.status === "SUSPENDED") throw refusal("PRACTITIONER_SUSPENDED");
  requireEligible(practitioner, command.institution, command.settings, command.at);
  const enabled: Practitioner = { ...practitioner, status: "ACTIVE", everEnabled: true };
  return [
    { type: "PractitionerEnabled", data: { practitionerId: practitioner.practitionerId } },
    staffRecord(enabled, "ENABLED"),
  ];
}

function changePractice(command: ChangePractice, practitioner: Practitioner): Decision {
  const practice = requirePractice(command.practice, practitioner.person.profession, command.institution, command.at);
  if (samePractice(practice, practitioner.practice)) return [];
  const changed: Practitioner = { ...practitioner, practice, credentialExpired: false };
  if (changed.status === "ACTIVE") {
    // An active practitioner stays eligible only if the new facts keep them so (e.g. a contracted affiliation).
    requireEligible(changed, command.institution, command.settings, command.at);
  }
  const events: PractitionerEvent[] = [
    { type: "PracticeChanged", data: { practitionerId: practitioner.practitionerId, practice } },
  ];
  if (practitioner.everEnabled) events.push(staffRecord(changed, "CHANGED"));
  return events;
}

function suspend(reasonRaw: string, practitioner: Practitioner): Decision {
  const reason = requireReasonCode(reasonRaw);
  if (practitioner.status === "SUSPENDED") return [];
  const suspended: Practitioner = { ...practitioner, status: "SUSPENDED" };
  return withStaffRecord(
    [{ type: "PractitionerSuspended", data: { practitionerId: practitioner.practitionerId, reason } }],
    suspended,
    "SUSPENDED",
  );
}

function reinstate(practitioner: Practitioner): Decision {
  if (practitioner.status !== "SUSPENDED") return [];
  const reinstated: Practitioner = { ...practitioner, status: practitioner.statusBeforeSuspension };
  return withStaffRecord(
    [
      {
        type: "PractitionerReinstated",
        data: { practitionerId: practitioner.practitionerId, status: practitioner.statusBeforeSuspension },
      },
    ],
    reinstated,
    "REINSTATED",
  );
}

function revoke(reasonRaw: string, practitioner: Practitioner): Decision {
  const reason = requireReasonCode(reasonRaw);
  const revoked: Practitioner = { ...practitioner, status: "REVOKED" };
  return withStaffRecord(
    [{ type: "PractitionerRevoked", data: { practitionerId: practitioner.practitionerId, reason } }],
    revoked,
    "REVOKED",
  );
}

function exit(practitioner: Practitioner): Decision {
  const exited: Practitioner = { ...practitioner, status: "EXITED" };
  return withStaffRecord(
    [{ type: "PractitionerExited", data: { practitionerId: practitioner.practitionerId } }],
    exited,
    "EXITED",
  );
}

function noticeExpiry(command: NoticeCredentialExpiry, practitioner: Practitioner): Decision {
  const { licenceValidUntil } = practitioner.practice;
  if (practitioner.credentialExpired || !isExpired(licenceValidUntil, command.at)) return [];
  const expired: Practitioner = { ...practitioner, credentialExpired: true };
  return withStaffRecord(
    [{ type: "CredentialExpired", data: { practitionerId: practitioner.practitionerId, licenceValidUntil } }],
    expired,
    "EXPIRED",
  );
}

function decide(command: PractitionerCommand, state: PractitionerState): Decision {
  if (command.type === "RegisterPractitioner") return register(command, state);
  const practitioner = registered(state);
  switch (command.type) {
    case "RecordRegistryLookup":
      return recordRegistryLookup(command, open(practitioner));
    case "RecordIdentityVerification":
      return recordIdentity(command, open(practitioner));
    case "RecordPracticeDocument":
      return recordDocument(command, open(practitioner));
    case "EnablePractitioner":
      return enable(command, open(practitioner));
    case "ChangePractice":
      return changePractice(command, open(practitioner));
    case "SuspendPractitioner":
      return suspend(command.reason, open(practitioner));
    case "ReinstatePractitioner":
      return reinstate(open(practitioner));
    case "RevokePractitioner":
      return revoke(command.reason, open(practitioner));
    case "RecordExit":
      return exit(open(practitioner));
    case "NoticeCredentialExpiry":
      return practitioner.status === "ACTIVE" || practitioner.status === "SUSPENDED"
        ? noticeExpiry(command, practitioner)
        : [];
  }
}

function registered(state: PractitionerState): Practitioner {
  if (state.status !== "registered") throw refusal("PRACTITIONER_NOT_FOUND");
  return state.practitioner;
}

/** Revoked and exited practitioners are closed: nothing about them changes any more. */
function open(practitioner: Practitioner): Practitioner {
  if (practitioner.status === "REVOKED" || practitioner.status === "EXITED") throw refusal("PRACTITIONER_CLOSED");
  return practitioner;
}

/** REP-03: a staff record for every change of someone who was ever enabled; before that the regulator has none. */
function withStaffRecord(events: PractitionerEvent[], after: Practitioner, change: StaffRecordChange): Decision {
  return after.everEnabled ? [...events, staffRecord(after, change)] : events;
}

function staffRecord(practitioner: Practitioner, change: StaffRecordChange): StaffRecordChanged {
  const { person, practice } = practitioner;
  return {
    type: "StaffRecordChanged",
    data: {
      practitionerId: practitioner.practitionerId,
      institutionId: practitioner.institutionId,
      change,
      profession: person.profession,
      name: person.name,
      idNumberSealed: person.idNumberSealed,
      licenceNumber: practice.licenceNumber,
      title: practice.title,
      scopeCodes: [...practice.scopeCodes],
      departmentCodes: [...practice.departmentCodes],
      mainInstitutionName: person.mainInstitutionName,
      practiceStartedOn: person.practiceStartedOn,
      photoHash: person.photoHash,
      active: practitioner.status === "ACTIVE" && !practitioner.credentialExpired,
    },
  };
}

function evolve(state: PractitionerState, event: PractitionerEvent): PractitionerState {
  if (event.type === "PractitionerRegistered") {
    const { data } = event;
    return {
      status: "registered",
      practitioner: {
        practitionerId: data.practitionerId,
        institutionId: data.institutionId,
        person: data.person,
        practice: data.practice,
        status: "PENDING",
        statusBeforeSuspension: "PENDING",
        everEnabled: false,
        registryVerified: false,
        registryFailure: "",
        eLicenceReference: "",
        identityVerified: false,
        consentReference: "",
        filingReference: "",
        credentialExpired: false,
      },
    };
  }
  if (state.status !== "registered") return state;
  const p = state.practitioner;
  return { status: "registered", practitioner: apply(p, event) };
}

function apply(p: Practitioner, event: Exclude<PractitionerEvent, { type: "PractitionerRegistered" }>): Practitioner {
  switch (event.type) {
    case "RegistryVerified":
      return { ...p, registryVerified: true, registryFailure: "", eLicenceReference: event.data.eLicenceReference };
    case "RegistryLookupFailed":
      // An outage does not undo an earlier confirmation; a registry that says no (or suspended) does (IDN-01).
      return event.data.reason === "UNAVAILABLE"
        ? { ...p, registryFailure: event.data.reason }
        : { ...p, registryVerified: false, registryFailure: event.data.reason };
    case "IdentityVerified":
      return { ...p, identityVerified: true };
    case "PracticeDocumentRecorded":
      return event.data.kind === "REGISTERING_INSTITUTION_CONSENT"
        ? { ...p, consentReference: event.data.reference }
        : { ...p, filingReference: event.data.reference };
    case "PractitionerEnabled":
      return { ...p, status: "ACTIVE", everEnabled: true };
    case "PracticeChanged":
      return { ...p, practice: event.data.practice, credentialExpired: false };
    case "PractitionerSuspended":
      return { ...p, status: "SUSPENDED", statusBeforeSuspension: p.status === "ACTIVE" ? "ACTIVE" : "PENDING" };
    case "PractitionerReinstated":
      return { ...p, status: event.data.status };
    case "PractitionerRevoked":
      return { ...p, status: "REVOKED" };
    case "PractitionerExited":
      return { ...p, status: "EXITED" };
    case "CredentialExpired":
      return { ...p, credentialExpired: true };
    case "StaffRecordChanged":
      return p;
  }
}

/** The practitioner aggregate (stream identity-practitioner-<id>). Rules live in rules.ts and access.ts. */
export const practitionerDecider: Decider<PractitionerCommand, PractitionerEvent, PractitionerState> = {
  initialState: NO_PRACTITIONER,
  evolve,
  decide: refusing(decide),
};

function samePractice(a: Practice, b: Practice): boolean {
  return (
    a.title === b.title &&
    a.licenceNumber === b.licenceNumber &&
    a.licenceValidUntil === b.licenceValidUntil &&
    a.dispensingYears === b.dispensingYears &&
    a.affiliation === b.affiliation &&
    a.scopeCodes.join(",") === b.scopeCodes.join(",") &&
    a.departmentCodes.join(",") === b.departmentCodes.join(",")
  );
}
