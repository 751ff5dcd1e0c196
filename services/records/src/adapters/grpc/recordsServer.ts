import type { RecordsServiceServer } from "@ihp/contracts/records";
import { type CallContext, correlationIdOf, type GrpcHandlers, traceFields } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { RecordCommands } from "../../application/commands.js";
import type { createPendingCosignFeed } from "../../application/pendingCosign.js";
import type { RecordQueries } from "../../application/queries.js";
import { accessToProto, recordToProto, sectionsFromProto, versionToProto } from "./convert.js";

export function callerOf(call: CallContext, newId: () => string): Caller {
  const correlationId = correlationIdOf(call.metadata, newId);
  return { principal: call.principal, token: call.token, deadline: call.deadline, correlationId, trace: traceFields() };
}

export interface RecordsServerOptions {
  readonly handlers: GrpcHandlers;
  readonly queries: RecordQueries;
  readonly commands: RecordCommands;
  readonly pendingCosign: ReturnType<typeof createPendingCosignFeed>;
  readonly stopping: AbortSignal;
  readonly newId: () => string;
}

/** ihp.records.v1.RecordsService: converts messages; the application decides and records every read. */
export function recordsServer(options: RecordsServerOptions): RecordsServiceServer {
  const { handlers, queries, commands, newId } = options;
  const caller = (call: CallContext) => callerOf(call, newId);
  return {
    getRecord: handlers.unary(async (request, call) => ({ record: recordToProto(await queries.get(caller(call), request.recordId)) })),
    getRecordByConsult: handlers.unary(async (request, call) => ({ record: recordToProto(await queries.byConsult(caller(call), request.consultId)) })),
    listPatientRecords: handlers.unary(async (request, call) => ({
      records: (await queries.ofPatient(caller(call), request.patientId)).map((record) => recordToProto(record)),
    })),
    listRecordVersions: handlers.unary(async (request, call) => ({ versions: (await queries.versions(caller(call), request.recordId)).map(versionToProto) })),
    amendRecord: handlers.unary(async (request, call) => ({
      record: recordToProto(
        await commands.amend(caller(call), {
          requestId: request.requestId,
          documentId: request.recordId,
          expectedVersion: request.expectedVersion,
          sections: sectionsFromProto(request.sections),
        }),
      ),
    })),
    signRecord: handlers.unary(async (request, call) => ({
      record: recordToProto(await commands.sign(caller(call), { requestId: request.requestId, documentId: request.recordId, version: request.version })),
    })),
    listRecordAccess: handlers.unary(async (request, call) => ({ entries: (await queries.accessLog(caller(call), request.recordId)).map(accessToProto) })),
    watchPendingCosign: handlers.serverStream(async (_request, call, send) => {
      const signal = AbortSignal.any([call.signal, options.stopping]);
      await options.pendingCosign(caller(call), signal, (record) => send({ record: recordToProto(record, false) }));
    }),
  };
}
