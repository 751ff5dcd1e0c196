import { type AuditTrail, authorize, recordingRefusals } from "@ihp/platform";
import type { EncounterData, ImagingReportData, LabResultData } from "../domain/hisPatient.js";
import { refusal } from "../domain/errors.js";
import { isSafeId } from "../domain/messages.js";
import type { Caller } from "./caller.js";
import { patientBundle } from "./fhirExport.js";
import type { IdentityPort } from "./ports.js";
import type { Records } from "./records.js";

export interface Queries {
  /** CON-03 evidence for consult (a system credential), the sending institution's system, or the patient. */
  getEncounter(caller: Caller, institutionId: string, encounterId: string): Promise<EncounterData>;
  getLabResult(caller: Caller, institutionId: string, reportId: string): Promise<LabResultData>;
  listLabResults(caller: Caller, patientId: string): Promise<readonly LabResultData[]>;
  listImagingReports(caller: Caller, patientId: string): Promise<readonly ImagingReportData[]>;
  exportPatientFhir(caller: Caller, patientId: string): Promise<string>;
}

export interface QueriesOptions {
  readonly records: Records;
  readonly audit: AuditTrail;
  readonly identity: IdentityPort;
}

const newestFirst = <T extends { readonly issuedAt: string }>(items: readonly T[]) => [...items].sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt));

/**
 * Reads, deny by default (REC-08): the patient, a verified guardian of a minor patient, the platform's own services
 * (`system`, e.g. consult's CON-03 check), a physician treating the patient (identity's care relationship) and, for
 * one object, the institution system that sent it. Every read is recorded before it is answered.
 */
export function createQueries(options: QueriesOptions): Queries {
  const { records, audit, identity } = options;

  async function mayReadPatient(caller: Caller, patientId: string, institutionId?: string): Promise<void> {
    const { principal } = caller;
    if (authorize(principal, { roles: ["system"] }).allowed) return;
    if (institutionId !== undefined && principal.roles.includes("integration") && principal.tenantId === institutionId) return;
    if (patientId !== "" && principal.kind === "human") {
      if (principal.roles.includes("patient")) {
        if (principal.subject === patientId) return;
        if (await identity.checkGuardian(caller, principal.subject, patientId)) return;
      }
      // XC-03 / REC-09: a physician only through a care relationship, as identity decides it.
      if (principal.roles.includes("physician") && (await identity.isTreating(caller, patientId))) return;
    }
    throw refusal("RESULTS_ACCESS_DENIED");
  }

  function read<T>(caller: Caller, action: string, resource: string | undefined, work: () => Promise<T>): Promise<T> {
    return recordingRefusals(audit, caller, action, resource, async () => {
      const result = await work();
      await audit.recorded({ principal: caller.principal, action, resource, ruleId: "REC-08", correlationId: caller.correlationId, trace: caller.trace });
      return result;
    });
  }

  function requireIds(...ids: string[]): void {
    if (!ids.every(isSafeId)) throw refusal("INVALID_HIS_ID");
  }

  async function one<T extends { readonly patientId: string }>(caller: Caller, kind: "encounter" | "lab", institutionId: string, objectId: string, pick: (state: NonNullable<Awaited<ReturnType<Records["byObject"]>>>) => T | undefined): Promise<T> {
    requireIds(institutionId, objectId);
    const state = await records.byObject(kind, institutionId, objectId);
    const found = state === undefined ? undefined : pick(state);
    if (found === undefined) {
      await mayReadPatient(caller, "", institutionId); // nobody unauthorised learns whether it exists
      throw refusal("INTEGRATION_OBJECT_NOT_FOUND");
    }
    await mayReadPatient(caller, found.patientId, institutionId);
    return found;
  }

  async function allOf(caller: Caller, patientId: string) {
    requireIds(patientId);
    await mayReadPatient(caller, patientId);
    return records.ofPatient(patientId);
  }

  return {
    getEncounter: (caller, institutionId, encounterId) =>
      read(caller, "GetEncounter", isSafeId(encounterId) ? `encounter/${institutionId}/${encounterId}` : undefined, () =>
        one(caller, "encounter", institutionId, encounterId, (state) => state.encounters.get(encounterId)),
      ),
    getLabResult: (caller, institutionId, reportId) =>
      read(caller, "GetLabResult", isSafeId(reportId) ? `lab/${institutionId}/${reportId}` : undefined, () =>
        one(caller, "lab", institutionId, reportId, (state) => state.labResults.get(reportId)),
      ),
    listLabResults: (caller, patientId) =>
      read(caller, "ListLabResults", isSafeId(patientId) ? `patient/${patientId}` : undefined, async () =>
        newestFirst((await allOf(caller, patientId)).flatMap((his) => [...his.labResults.values()])),
      ),
    listImagingReports: (caller, patientId) =>
      read(caller, "ListImagingReports", isSafeId(patientId) ? `patient/${patientId}` : undefined, async () =>
        newestFirst((await allOf(caller, patientId)).flatMap((his) => [...his.imagingReports.values()])),
      ),
    exportPatientFhir: (caller, patientId) =>
      read(caller, "ExportPatientFhir", isSafeId(patientId) ? `patient/${patientId}` : undefined, async () =>
        JSON.stringify(patientBundle(patientId, await allOf(caller, patientId))),
      ),
  };
}
