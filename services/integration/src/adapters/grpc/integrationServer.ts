import type { IntegrationIngestServiceServer, IntegrationQueryServiceServer, IngestOutcome as IngestOutcomeProto } from "@ihp/contracts/integration";
import { IngestStatus } from "@ihp/contracts/integration";
import { type AuditTrail, type CallContext, correlationIdOf, type GrpcHandlers, recordingRefusals, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { Ingest, IngestOutcome, IngestSender } from "../../application/ingest.js";
import type { Queries } from "../../application/queries.js";
import { refusal } from "../../domain/errors.js";
import type { EncounterData, ImagingReportData, LabResultData } from "../../domain/hisPatient.js";

export function callerOf(call: CallContext, newId: () => string): Caller {
  const correlationId = correlationIdOf(call.metadata, newId);
  return { principal: call.principal, token: call.token, deadline: call.deadline, correlationId, trace: traceFields() };
}

/**
 * Only a hospital's own system credential (role integration, a service) sends or follows messages, and always for the
 * institution its token names: no request carries an institution id, so a credential of B can only address B's
 * HIS patients. The platform's own `system` services make no clinical ingest. Refused callers are audited.
 */
export async function senderOf(audit: AuditTrail, caller: Caller, action: string): Promise<IngestSender> {
  return recordingRefusals(audit, caller, action, undefined, () => {
    const { principal } = caller;
    if (principal.kind !== "service" || !principal.roles.includes("integration")) return Promise.reject(refusal("INTEGRATION_CREDENTIAL_REQUIRED"));
    return Promise.resolve({ institutionId: principal.tenantId, systemId: principal.subject });
  });
}

const outcome = (result: IngestOutcome): { outcome: IngestOutcomeProto } => ({
  outcome: { status: result.status === "ACCEPTED" ? IngestStatus.INGEST_STATUS_ACCEPTED : IngestStatus.INGEST_STATUS_DUPLICATE, objectId: result.objectId },
});

export interface IngestServerOptions {
  readonly handlers: GrpcHandlers;
  readonly ingest: Ingest;
  readonly audit: AuditTrail;
  readonly newId: () => string;
}

/** ihp.integration.v1.IntegrationIngestService: converts messages; the ingest path decides. */
export function ingestServer(options: IngestServerOptions): IntegrationIngestServiceServer {
  const { handlers, ingest, audit, newId } = options;
  const sender = (call: CallContext, action: string) => senderOf(audit, callerOf(call, newId), action);
  return {
    linkHisPatient: handlers.unary(async (request, call) => {
      const from = await sender(call, "LinkHisPatient");
      return outcome(await ingest.linkPatient(from, { messageId: request.messageId, hisPatientId: request.hisPatientId, patientId: request.patientId, idNumber: request.idNumber }));
    }),
    recordEncounter: handlers.unary(async (request, call) => outcome(await ingest.recordEncounter(await sender(call, "RecordEncounter"), request))),
    attachLabResult: handlers.unary(async (request, call) => outcome(await ingest.attachLabResult(await sender(call, "AttachLabResult"), request))),
    attachImagingReport: handlers.unary(async (request, call) => outcome(await ingest.attachImagingReport(await sender(call, "AttachImagingReport"), request))),
  };
}

function encounterToProto(e: EncounterData) {
  const { messageId: _m, ...rest } = e;
  return rest;
}
function labToProto(r: LabResultData) {
  const { messageId: _m, hisPatientId: _h, ...rest } = r;
  return rest;
}
function imagingToProto(r: ImagingReportData) {
  const { messageId: _m, hisPatientId: _h, ...rest } = r;
  return rest;
}

export interface QueryServerOptions {
  readonly handlers: GrpcHandlers;
  readonly queries: Queries;
  readonly newId: () => string;
}

/** ihp.integration.v1.IntegrationQueryService. */
export function queryServer(options: QueryServerOptions): IntegrationQueryServiceServer {
  const { handlers, queries, newId } = options;
  const caller = (call: CallContext) => callerOf(call, newId);
  return {
    getEncounter: handlers.unary(async (request, call) => ({
      encounter: encounterToProto(await queries.getEncounter(caller(call), request.institutionId, request.encounterId)),
    })),
    getLabResult: handlers.unary(async (request, call) => ({ result: labToProto(await queries.getLabResult(caller(call), request.institutionId, request.reportId)) })),
    listLabResults: handlers.unary(async (request, call) => ({ results: (await queries.listLabResults(caller(call), request.patientId)).map(labToProto) })),
    listImagingReports: handlers.unary(async (request, call) => ({ reports: (await queries.listImagingReports(caller(call), request.patientId)).map(imagingToProto) })),
    exportPatientFhir: handlers.unary(async (request, call) => ({ bundleJson: await queries.exportPatientFhir(caller(call), request.patientId) })),
  };
}
