import { enumValue } from "@ihp/contracts";
import { type ConsultRecordSourceServiceServer, ConsultType, PriorRecordSource, PriorRecordType } from "@ihp/contracts/consult";
import type { GrpcHandlers } from "@ihp/platform";
import type { Caller } from "../../application/caller.js";
import type { RecordSource } from "../../application/recordSource.js";
import { callerOf } from "./consultServer.js";
import { unlessEmpty } from "@ihp/contracts";
import { messageToProto } from "./convert.js";

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
        consultType: enumValue(ConsultType, "CONSULT_TYPE_", consult.consultType),
        patientId: consult.patientId,
        patientBirthDate: consult.patientBirthDate,
        patientSex: consult.patientSex,
        guardianId: unlessEmpty(consult.guardianId),
        physicianId: consult.physicianId,
        startedAt,
        completedAt: completion.completedAt,
        summary: completion.summary,
        diagnoses: completion.diagnoses.map(({ code, name, version }) => ({ code, name, version })),
        priorRecordId: prior?.recordId,
        priorRecordSource: prior ? enumValue(PriorRecordSource, "PRIOR_RECORD_SOURCE_", prior.source) : PriorRecordSource.PRIOR_RECORD_SOURCE_UNSPECIFIED,
        priorRecordType: prior ? enumValue(PriorRecordType, "PRIOR_RECORD_TYPE_", prior.recordType) : PriorRecordType.PRIOR_RECORD_TYPE_UNSPECIFIED,
        priorRecordDate: prior?.recordDate,
        transcript: transcript
          .map(messageToProto)
          .map(({ messageId, senderRole, kind, text, mediaUri, mediaSha256, sentAt }) => ({ messageId, senderRole, kind, text, mediaUri, mediaSha256, sentAt })),
        recordings: recordings.map(({ uri, sha256, durationSeconds, storedAt }) => ({ uri, sha256, durationSeconds, storedAt })),
        // Only a HIS-linked prior record carries it (REC-01 header); absent for an upload or an older consult.
        hisPatientId: prior?.source === "HIS" ? unlessEmpty(prior.hisPatientId ?? "") : undefined,
      };
    }),
  };
}
