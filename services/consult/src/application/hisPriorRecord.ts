import { RemoteError } from "@ihp/platform";
import type { PriorRecordInput } from "../domain/consults/index.js";
import { refusal } from "../domain/errors.js";
import type { Caller } from "./caller.js";
import type { HisEncounterPort } from "./ports.js";

/**
 * CON-03 linked from HIS: a prior record whose source is HIS names an encounter the institution's HIS recorded in the
 * integration service. Its record type, date, issuing institution and diagnoses are taken from that encounter, never
 * from the client. An encounter that does not exist, belongs to another institution or another patient, or that the
 * caller may not read is HIS_ENCOUNTER_NOT_USABLE (one code, so the answer does not tell which), and so is any HIS
 * link when no integration service is configured. The encounter's HIS patient id is kept with the record (REC-01
 * header). Uploads pass unchanged: whatever hisPatientId an upload carries is dropped by requirePriorRecord.
 */
export async function resolveHisPriorRecord(
  encounters: HisEncounterPort | undefined,
  caller: Caller,
  record: PriorRecordInput | null,
  institutionId: string,
  patientId: string,
): Promise<PriorRecordInput | null> {
  const hisLinkId = record?.hisLinkId.trim() ?? "";
  if (record === null || hisLinkId === "" || record.documentId.trim() !== "") return record;
  // Deny by default: without an integration service (INTEGRATION_GRPC_ADDRESS) nothing can vouch for a HIS link, and
  // the client's own account of it is no evidence.
  if (encounters === undefined) throw refusal("HIS_ENCOUNTER_NOT_USABLE");
  let encounter;
  try {
    encounter = await encounters.encounter(caller, institutionId, hisLinkId);
  } catch (error) {
    if (error instanceof RemoteError && (error.kind === "PERMISSION_DENIED" || error.kind === "INVALID_ARGUMENT")) throw refusal("HIS_ENCOUNTER_NOT_USABLE");
    throw error;
  }
  if (encounter === null || encounter.institutionId !== institutionId || encounter.patientId !== patientId) throw refusal("HIS_ENCOUNTER_NOT_USABLE");
  return {
    ...record,
    recordType: encounter.recordType,
    recordDate: encounter.encounterDate,
    issuingInstitution: encounter.institutionId,
    diagnoses: encounter.diagnoses.map((d) => ({ code: d.code, name: d.name, version: d.version })),
    // The record header's HIS patient id (REC-01) comes from the encounter too; an upload carries none.
    hisPatientId: encounter.hisPatientId,
  };
}
