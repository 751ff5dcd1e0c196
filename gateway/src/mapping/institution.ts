import type {
  ChangeLicenceRequest,
  Institution,
  Licence,
  PublicInstitution,
  RegisterInstitutionRequest,
  SetRegulatorConnectionRequest,
} from "@ihp/contracts/identity";
import { gradeFromProto, gradeToProto, type HospitalGradeName } from "./hospitalGrade.js";

export interface LicenceView {
  readonly number: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

/** GraphQL type Institution. */
export interface InstitutionView {
  readonly id: string;
  readonly name: string;
  readonly grade: HospitalGradeName | null;
  readonly licence: LicenceView | null;
  readonly subjectCodes: readonly string[];
  readonly jurisdiction: string;
  readonly hostInstitutionName: string;
  readonly hostLicenceNumber: string;
  readonly regulatorConnected: boolean;
  readonly revision: string;
}

/** GraphQL type PublicInstitution. */
export interface PublicInstitutionView {
  readonly id: string;
  readonly name: string;
  readonly grade: HospitalGradeName | null;
  readonly licenceNumber: string;
  readonly subjectCodes: readonly string[];
  readonly jurisdiction: string;
}

export function institutionView(institution: Institution): InstitutionView {
  return {
    id: institution.institutionId,
    name: institution.name,
    grade: gradeFromProto(institution.grade),
    licence: institution.licence === undefined ? null : licenceView(institution.licence),
    subjectCodes: institution.subjectCodes,
    jurisdiction: institution.jurisdiction,
    hostInstitutionName: institution.hostInstitutionName,
    hostLicenceNumber: institution.hostLicenceNumber,
    regulatorConnected: institution.regulatorConnected,
    revision: institution.revision.toString(),
  };
}

export function publicInstitutionView(institution: PublicInstitution): PublicInstitutionView {
  return {
    id: institution.institutionId,
    name: institution.name,
    grade: gradeFromProto(institution.grade),
    licenceNumber: institution.licenceNumber,
    subjectCodes: institution.subjectCodes,
    jurisdiction: institution.jurisdiction,
  };
}

function licenceView(licence: Licence): LicenceView {
  return { number: licence.number, validFrom: licence.validFrom, validUntil: licence.validUntil };
}

// Inputs, as graphql-js hands them over after coercing them against the schema.

export interface LicenceInput {
  readonly number: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface RegisterInstitutionInput {
  readonly requestId: string;
  readonly name: string;
  readonly grade: HospitalGradeName;
  readonly licence: LicenceInput;
  readonly subjectCodes: readonly string[];
  readonly jurisdiction: string;
  readonly hostInstitutionName: string;
  readonly hostLicenceNumber: string;
}

export interface ChangeLicenceInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly licence: LicenceInput;
  readonly subjectCodes?: readonly string[] | null;
}

export interface SetRegulatorConnectionInput {
  readonly requestId: string;
  readonly institutionId: string;
  readonly connected: boolean;
  readonly platformReference?: string | null;
}

export function registerInstitutionRequest(input: RegisterInstitutionInput): RegisterInstitutionRequest {
  return {
    requestId: input.requestId,
    name: input.name,
    grade: gradeToProto(input.grade),
    licence: licence(input.licence),
    subjectCodes: [...input.subjectCodes],
    jurisdiction: input.jurisdiction,
    hostInstitutionName: input.hostInstitutionName,
    hostLicenceNumber: input.hostLicenceNumber,
  };
}

export function changeLicenceRequest(input: ChangeLicenceInput): ChangeLicenceRequest {
  return {
    requestId: input.requestId,
    institutionId: input.institutionId,
    licence: licence(input.licence),
    subjectCodes: [...(input.subjectCodes ?? [])],
  };
}

export function setRegulatorConnectionRequest(input: SetRegulatorConnectionInput): SetRegulatorConnectionRequest {
  return {
    requestId: input.requestId,
    institutionId: input.institutionId,
    connected: input.connected,
    platformReference: input.platformReference ?? "",
  };
}

function licence(input: LicenceInput): Licence {
  return { number: input.number, validFrom: input.validFrom, validUntil: input.validUntil };
}
