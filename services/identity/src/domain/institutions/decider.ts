import { refusing, type Decider } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type { ChangeLicence, InstitutionCommand, RegisterInstitution, SetRegulatorConnection } from "./commands.js";
import type { InstitutionEvent } from "./events.js";
import {
  requireGrade,
  requireHost,
  requireInstitutionName,
  requireJurisdiction,
  requireLicence,
  requirePlatformReference,
  requireSubjects,
} from "./rules.js";
import { type InstitutionState, UNREGISTERED } from "./state.js";
import type { Institution, Licence } from "./types.js";

type Decision = readonly InstitutionEvent[];

function register(command: RegisterInstitution, state: InstitutionState): Decision {
  // The application derives ids from request ids and answers a repeated request id before deciding, so this guards
  // against any other path reaching an existing stream, never overwriting it.
  if (state.status === "registered") throw refusal("INSTITUTION_ALREADY_REGISTERED");
  const name = requireInstitutionName(command.name);
  const grade = requireGrade(command.grade);
  const licence = requireLicence(command.licence, command.at);
  const subjectCodes = requireSubjects(command.subjectCodes);
  const jurisdiction = requireJurisdiction(command.jurisdiction);
  const host = requireHost(command.hostInstitutionName, command.hostLicenceNumber);
  return [
    {
      type: "InstitutionRegistered",
      data: {
        institutionId: command.institutionId,
        name,
        grade,
        licence,
        subjectCodes,
        jurisdiction,
        hostInstitutionName: host.name,
        hostLicenceNumber: host.licenceNumber,
      },
    },
  ];
}

function changeLicence(command: ChangeLicence, institution: Institution): Decision {
  const licence = requireLicence(command.licence, command.at);
  const subjectCodes =
    command.subjectCodes.length === 0 ? [...institution.subjectCodes] : requireSubjects(command.subjectCodes);
  // Nothing new is not a violation: the request succeeds and appends nothing, so the feed gets no empty message.
  if (sameLicence(licence, institution.licence) && sameList(subjectCodes, institution.subjectCodes)) return [];
  return [{ type: "LicenceChanged", data: { institutionId: institution.institutionId, licence, subjectCodes } }];
}

function setRegulatorConnection(command: SetRegulatorConnection, institution: Institution): Decision {
  const platformReference = requirePlatformReference(command.connected, command.platformReference);
  const unchanged = command.connected === institution.regulatorConnected;
  // Reconnecting under a new confirmation is news for the regulator; repeating the same one, or a disconnect while
  // disconnected, is not.
  if (unchanged && (!command.connected || platformReference === institution.platformReference)) return [];
  return [
    {
      type: "RegulatorConnectionChanged",
      data: { institutionId: institution.institutionId, connected: command.connected, platformReference },
    },
  ];
}

function decide(command: InstitutionCommand, state: InstitutionState): Decision {
  switch (command.type) {
    case "RegisterInstitution":
      return register(command, state);
    case "ChangeLicence":
      return changeLicence(command, registered(state));
    case "SetRegulatorConnection":
      return setRegulatorConnection(command, registered(state));
  }
}

function registered(state: InstitutionState): Institution {
  if (state.status !== "registered") throw refusal("INSTITUTION_NOT_FOUND");
  return state.institution;
}

function evolve(state: InstitutionState, event: InstitutionEvent): InstitutionState {
  switch (event.type) {
    case "InstitutionRegistered":
      return { status: "registered", institution: { ...event.data, regulatorConnected: false, platformReference: "" } };
    case "LicenceChanged":
      if (state.status !== "registered") return state;
      return {
        status: "registered",
        institution: { ...state.institution, licence: event.data.licence, subjectCodes: event.data.subjectCodes },
      };
    case "RegulatorConnectionChanged":
      if (state.status !== "registered") return state;
      return {
        status: "registered",
        institution: {
          ...state.institution,
          regulatorConnected: event.data.connected,
          platformReference: event.data.platformReference,
        },
      };
  }
}

/**
 * The institution aggregate (stream identity-institution-<id>). Rules live in rules.ts; they throw their refusal,
 * which is returned here as the Decider contract wants.
 */
export const institutionDecider: Decider<InstitutionCommand, InstitutionEvent, InstitutionState> = {
  initialState: UNREGISTERED,
  evolve,
  decide: refusing(decide),
};

function sameLicence(a: Licence, b: Licence): boolean {
  return a.number === b.number && a.validFrom === b.validFrom && a.validUntil === b.validUntil;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
