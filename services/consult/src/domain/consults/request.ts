import { refusal } from "../errors.js";
import type { RecordRefusedRequest, RequestConsult } from "./commands.js";
import type { ConsultEvent } from "./events.js";
import {
  refuseClassA,
  refuseEmergency,
  requireConsultType,
  requireDepartment,
  requireDiagnoses,
  requireFamilyContract,
  requireInvitation,
  requirePriorRecord,
  requireRegulatorConnection,
  requireRequester,
} from "./rules.js";
import type { ConsultState } from "./state.js";
import type { Diagnosis, Invitation, PriorRecord } from "./types.js";

// The request: the gates every consult passes before it exists (CON-01 … CON-05, CON-08 … CON-10, REP-01), and the
// stored refusal when it does not.

type Decision = readonly ConsultEvent[];

const MS_PER_MINUTE = 60_000;

export function request(command: RequestConsult, state: ConsultState): Decision {
  // Ids are derived from request ids, and repeats are answered before deciding: this only guards other paths.
  if (state.status !== "none") throw refusal("CONSULT_NOT_WAITING");
  const { institution, patient, profile, settings, at } = command;
  const consultType = requireConsultType(command.consultType);
  requireRegulatorConnection(institution);
  const departmentCode = requireDepartment(command.departmentCode, institution);
  refuseEmergency(command.triageFlags);
  const guardian = requireRequester(command.requestedBy, patient, command.guardian, profile, at);

  let priorRecord: PriorRecord | null = null;
  let invitation: Invitation | null = null;
  let familyContractId = "";
  let confirmedDiagnoses: Diagnosis[] = [];
  switch (consultType) {
    case "FOLLOW_UP":
      priorRecord = requirePriorRecord(command.priorRecord, profile, at);
      refuseClassA(priorRecord.diagnoses, settings.classADiagnosisPrefixes);
      break;
    case "INVITED_CONSULTATION": {
      // CON-09: the patient is being seen offline now; CON-02/03 do not apply.
      const invited = requireInvitation(command.invitation);
      invitation = invited.invitation;
      confirmedDiagnoses = invited.diagnoses;
      break;
    }
    case "FAMILY_DOCTOR": {
      const contract = requireFamilyContract(
        command.familyContractId,
        command.familyContract,
        patient.patientId,
        institution.institutionId,
      );
      familyContractId = contract.contractId;
      confirmedDiagnoses = requireDiagnoses(contract.coveredDiagnoses);
      break;
    }
  }
  refuseClassA(confirmedDiagnoses, settings.classADiagnosisPrefixes);

  return [
    {
      type: "ConsultRequested",
      data: {
        consultId: command.consultId,
        institutionId: institution.institutionId,
        jurisdiction: institution.jurisdiction,
        consultType,
        departmentCode,
        patientId: patient.patientId,
        patientBirthDate: patient.birthDate,
        patientSex: patient.sex,
        requestedBy: command.requestedBy,
        guardianId: guardian?.guardianId ?? "",
        guardianRelationship: guardian?.relationship ?? "",
        requestedAt: at.toISOString(),
        acceptBy: new Date(at.getTime() + settings.acceptanceWindowMinutes * MS_PER_MINUTE).toISOString(),
        priorRecord,
        invitation,
        familyContractId,
        confirmedDiagnoses,
      },
    },
  ];
}

export function recordRefusal(command: RecordRefusedRequest, state: ConsultState): Decision {
  if (state.status !== "none") return [];
  return [
    {
      type: "ConsultRequestRefused",
      data: {
        consultId: command.consultId,
        institutionId: command.institutionId,
        consultType: command.consultType,
        departmentCode: command.departmentCode,
        patientId: command.patientId,
        requestedBy: command.requestedBy,
        code: command.code,
        kind: command.kind,
        ruleId: command.ruleId,
        refusedAt: command.at.toISOString(),
      },
    },
  ];
}
