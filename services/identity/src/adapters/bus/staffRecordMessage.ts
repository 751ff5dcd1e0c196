import { Profession, StaffRecordChanged } from "@ihp/contracts/identity";
import type { StoredEvent } from "@ihp/eventsourcing";
import { PRACTITIONER_STREAM_PREFIX } from "../../application/practitioners/ids.js";
import type { StaffRecordChangedData } from "../../domain/practitioners/index.js";

const PROFESSIONS: Readonly<Record<StaffRecordChangedData["profession"], Profession>> = {
  PHYSICIAN: Profession.PROFESSION_PHYSICIAN,
  NURSE: Profession.PROFESSION_NURSE,
  PHARMACIST: Profession.PROFESSION_PHARMACIST,
};

/**
 * REP-03: a practitioner stream's StaffRecordChanged as the integration event's protobuf bytes, with the ID number
 * opened for the regulator feed (the contract asks for it; it is never logged). Null for anything else.
 */
export function staffRecordPayload(
  stored: StoredEvent,
  openIdNumber: (sealed: string, practitionerId: string) => string,
): Uint8Array | null {
  if (stored.type !== "StaffRecordChanged" || !stored.streamId.startsWith(PRACTITIONER_STREAM_PREFIX)) return null;
  const data = stored.data as unknown as StaffRecordChangedData;
  const message: StaffRecordChanged = {
    practitionerId: data.practitionerId,
    institutionId: data.institutionId,
    change: data.change,
    profession: PROFESSIONS[data.profession],
    name: data.name,
    idNumber: openIdNumber(data.idNumberSealed, data.practitionerId),
    practiceLicenceNumber: data.licenceNumber,
    title: data.title,
    scopeCodes: [...data.scopeCodes],
    departmentCodes: [...data.departmentCodes],
    mainInstitutionName: data.mainInstitutionName,
    practiceStartedOn: data.practiceStartedOn,
    photoHash: data.photoHash,
    active: data.active,
  };
  return StaffRecordChanged.encode(message).finish();
}
