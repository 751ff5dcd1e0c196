import { enumName, enumValue } from "@ihp/contracts";
import {
  type ChangeLicenceRequest,
  HospitalGrade,
  type Institution,
  type PublicInstitution,
  type RegisterInstitutionRequest,
  type SetRegulatorConnectionRequest,
} from "@ihp/contracts/identity";
import type * as Gql from "../../gen/graphql.js";
import { absentAsNull, nullAsAbsent } from "../../grpc/optionals.js";

export function institutionView(institution: Institution): Gql.Institution {
  return {
    ...absentAsNull(institution),
    id: institution.institutionId,
    grade: enumName("HOSPITAL_GRADE_", institution.grade),
    revision: institution.revision.toString(),
  };
}

export function publicInstitutionView(institution: PublicInstitution): Gql.PublicInstitution {
  return { ...institution, id: institution.institutionId, grade: enumName("HOSPITAL_GRADE_", institution.grade) };
}

export function registerInstitutionRequest(input: Gql.RegisterInstitutionInput): RegisterInstitutionRequest {
  return { ...input, grade: enumValue(HospitalGrade, "HOSPITAL_GRADE_", input.grade), subjectCodes: [...input.subjectCodes] };
}

export function changeLicenceRequest(input: Gql.ChangeLicenceInput): ChangeLicenceRequest {
  return { ...input, subjectCodes: [...(input.subjectCodes ?? [])] };
}

export function setRegulatorConnectionRequest(input: Gql.SetRegulatorConnectionInput): SetRegulatorConnectionRequest {
  return nullAsAbsent(input);
}
