// @ihp/contracts/identity: the identity service's gRPC contract and integration events (proto/ihp/identity/v1).
export {
  ChangeLicenceRequest,
  ChangeLicenceResponse,
  GetInstitutionRequest,
  GetInstitutionResponse,
  HospitalGrade,
  Institution,
  InstitutionRegistered,
  InstitutionServiceClient,
  InstitutionServiceService,
  Licence,
  LicenceChanged,
  ListPublicInstitutionsRequest,
  ListPublicInstitutionsResponse,
  PublicInstitution,
  RegisterInstitutionRequest,
  RegisterInstitutionResponse,
  RegulatorConnectionChanged,
  SetRegulatorConnectionRequest,
  SetRegulatorConnectionResponse,
  hospitalGradeFromJSON,
  hospitalGradeToJSON,
} from "./gen/ihp/identity/v1/institutions.js";
export type { InstitutionServiceServer } from "./gen/ihp/identity/v1/institutions.js";
export { HOSPITAL_GRADE_NAMES, hospitalGradeName, hospitalGradeOf } from "./hospitalGrades.js";
export type { HospitalGradeName } from "./hospitalGrades.js";
