import type { ConsultRecordSourceServiceServer } from "@ihp/contracts/consult";
import type { GrpcHandlers } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { RecordSource } from "../../application/recordSource.js";
import { callerOf } from "./consultServer.js";

/** ihp.consult.v1.ConsultRecordSourceService: the records service reads a completed consult (REC-01). */
export function recordSourceServer(options: {
  handlers: GrpcHandlers;
  source: (caller: Caller, consultId: string) => Promise<RecordSource>;
  newId: () => string;
}): ConsultRecordSourceServiceServer {
  return {
    getRecordSource: options.handlers.unary(async (request, call) => {
      const { consult, startedAt, completion, transcript, recordings } = await options.source(callerOf(call, options.newId), request.consultId);
      const prior = consult.priorRecord;
      return {
        consultId: consult.consultId,
        institutionId: consult.institutionId,
        jurisdiction: consult.jurisdiction,
        departmentCode: consult.departmentCode,
        consultType: consult.consultType,
        patientId: consult.patientId,
        patientBirthDate: consult.patientBirthDate,
        patientSex: consult.patientSex,
        guardianId: consult.guardianId,
        physicianId: consult.physicianId,
        startedAt,
        completedAt: completion.completedAt,
        summary: completion.summary,
        diagnoses: completion.diagnoses.map(({ code, name, version }) => ({ code, name, version })),
        priorRecordId: prior?.recordId ?? "",
        priorRecordSource: prior?.source ?? "",
        priorRecordType: prior?.recordType ?? "",
        priorRecordDate: prior?.recordDate ?? "",
        transcript: transcript.map(({ messageId, senderRole, kind, text, mediaUri, mediaSha256, sentAt }) => ({ messageId, senderRole, kind, text, mediaUri, mediaSha256, sentAt })),
        recordings: recordings.map(({ uri, sha256, durationSeconds, storedAt }) => ({ uri, sha256, durationSeconds, storedAt })),
        // Only a HIS-linked prior record carries it (REC-01 header); empty for an upload or an older consult.
        hisPatientId: prior?.source === "HIS" ? (prior.hisPatientId ?? "") : "",
      };
    }),
  };
}
