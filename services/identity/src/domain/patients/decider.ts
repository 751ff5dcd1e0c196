import { refusing, type Decider } from "@ihp/eventsourcing";
import { refusal } from "../errors.js";
import type { LinkGuardian, PatientCommand, RecordVerification, RegisterPatient, VerifyGuardianship } from "./commands.js";
import type { PatientEvent } from "./events.js";
import { isAdult, requireEvidenceReference, requireIdentity, requireRelationship } from "./rules.js";
import { NO_PATIENT, type PatientState } from "./state.js";
import type { Guardianship, Patient } from "./types.js";

type Decision = readonly PatientEvent[];

const GUARDIANSHIP_METHOD = /^[A-Z][A-Z0-9_]{2,63}$/;

function register(command: RegisterPatient, state: PatientState): Decision {
  // Patient ids are derived from the blind index of the document, so the same person lands on the same stream.
  if (state.status === "registered") throw refusal("PATIENT_ALREADY_REGISTERED");
  const identity = requireIdentity(command, command.at);
  const { sealedName, sealedIdNumber, idNumberIndex } = command.protectedIdentity;
  return [
    {
      type: "PatientRegistered",
      data: {
        patientId: command.patientId,
        idType: identity.idType,
        birthDate: identity.birthDate,
        sex: identity.sex,
        sealedName,
        sealedIdNumber,
        idNumberIndex,
      },
    },
  ];
}

function recordVerification(command: RecordVerification, patient: Patient): Decision {
  const data = { patientId: patient.patientId, method: command.method, providerReference: command.providerReference };
  if (!command.passed) return [{ type: "PatientVerificationFailed", data }];
  // Verified once is verified: a second pass is no news.
  if (patient.verification !== undefined) return [];
  return [{ type: "PatientIdentityVerified", data }];
}

function linkGuardian(command: LinkGuardian, child: Patient): Decision {
  if (command.guardianId === child.patientId) throw refusal("GUARDIAN_SELF_LINK");
  const relationship = requireRelationship(command.relationship);
  const evidenceReference = requireEvidenceReference(command.evidenceReference);
  if (command.guardian === undefined) throw refusal("PATIENT_NOT_FOUND");
  if (isAdult(child.birthDate, command.at)) throw refusal("CHILD_NOT_MINOR");
  if (!isAdult(command.guardian.birthDate, command.at)) throw refusal("GUARDIAN_NOT_ADULT");
  if (!command.guardian.verified) throw refusal("GUARDIAN_NOT_VERIFIED");
  const existing = child.guardians.find((link) => link.guardianId === command.guardianId);
  if (existing !== undefined) {
    if (existing.relationship === relationship && existing.evidenceReference === evidenceReference) return [];
    throw refusal("GUARDIAN_ALREADY_LINKED");
  }
  return [
    { type: "GuardianLinked", data: { childId: child.patientId, guardianId: command.guardianId, relationship, evidenceReference } },
  ];
}

function verifyGuardianship(command: VerifyGuardianship, child: Patient): Decision {
  const link = child.guardians.find((candidate) => candidate.guardianId === command.guardianId);
  if (link === undefined) throw refusal("GUARDIANSHIP_NOT_FOUND");
  if (!GUARDIANSHIP_METHOD.test(command.method)) throw refusal("INVALID_VERIFICATION_METHOD");
  if (link.verified) return [];
  return [
    { type: "GuardianshipVerified", data: { childId: child.patientId, guardianId: link.guardianId, method: command.method } },
  ];
}

function decide(command: PatientCommand, state: PatientState): Decision {
  switch (command.type) {
    case "RegisterPatient":
      return register(command, state);
    case "RecordVerification":
      return recordVerification(command, registered(state));
    case "LinkGuardian":
      return linkGuardian(command, registered(state));
    case "VerifyGuardianship":
      return verifyGuardianship(command, registered(state));
  }
}

function registered(state: PatientState): Patient {
  if (state.status !== "registered") throw refusal("PATIENT_NOT_FOUND");
  return state.patient;
}

function withGuardian(patient: Patient, guardianId: string, change: (link: Guardianship) => Guardianship): Patient {
  return { ...patient, guardians: patient.guardians.map((link) => (link.guardianId === guardianId ? change(link) : link)) };
}

function evolve(state: PatientState, event: PatientEvent): PatientState {
  if (event.type === "PatientRegistered") {
    const { patientId, idType, birthDate, sex, sealedName, sealedIdNumber, idNumberIndex } = event.data;
    return {
      status: "registered",
      patient: {
        patientId,
        idType,
        birthDate,
        sex,
        identity: { sealedName, sealedIdNumber, idNumberIndex },
        verification: undefined,
        guardians: [],
      },
    };
  }
  if (state.status !== "registered") return state;
  const { patient } = state;
  switch (event.type) {
    case "PatientIdentityVerified":
      return { status: "registered", patient: { ...patient, verification: { method: event.data.method } } };
    case "PatientVerificationFailed":
      return state;
    case "GuardianLinked": {
      const { guardianId, relationship, evidenceReference } = event.data;
      const link: Guardianship = { guardianId, relationship, evidenceReference, verified: false, verificationMethod: "" };
      return { status: "registered", patient: { ...patient, guardians: [...patient.guardians, link] } };
    }
    case "GuardianshipVerified":
      return {
        status: "registered",
        patient: withGuardian(patient, event.data.guardianId, (link) => ({
          ...link,
          verified: true,
          verificationMethod: event.data.method,
        })),
      };
  }
}

/** The patient aggregate (stream identity-patient-<patientId>): identity, verification, guardians of a minor. */
export const patientDecider: Decider<PatientCommand, PatientEvent, PatientState> = {
  initialState: NO_PATIENT,
  evolve,
  decide: refusing(decide),
};
