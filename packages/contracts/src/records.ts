// @ihp/contracts/records: the records service's gRPC contracts (proto/ihp/records/v1).
export {
  AccessEntry,
  AmendRecordRequest,
  AmendRecordResponse,
  AuxiliaryExamination,
  Coded,
  FieldChange,
  GetRecordByConsultRequest,
  GetRecordByConsultResponse,
  GetRecordRequest,
  GetRecordResponse,
  ListPatientRecordsRequest,
  ListPatientRecordsResponse,
  ListRecordAccessRequest,
  ListRecordAccessResponse,
  ListRecordVersionsRequest,
  ListRecordVersionsResponse,
  MediaReference,
  PrescriptionLink,
  Record,
  RecordDiagnosis,
  RecordSections,
  RecordSignature,
  RecordVersion,
  RecordsServiceClient,
  RecordsServiceService,
  SignRecordRequest,
  SignRecordResponse,
  WatchPendingCosignRequest,
  WatchPendingCosignResponse,
} from "./gen/ihp/records/v1/records.js";
export type { RecordsServiceServer } from "./gen/ihp/records/v1/records.js";
// RecordLifecycleService (lifecycle.proto): co-signature, archive, addenda, holds, restriction, destruction, sealing.
export * from "./gen/ihp/records/v1/lifecycle.js";
// RecordMediaService (media.proto): reading and destroying a record's media (issue 11 item 2; REC-01, REC-03).
export {
  DestroyRecordMediaRequest,
  DestroyRecordMediaResponse,
  GetRecordMediaRequest,
  GetRecordMediaResponse,
  RecordMediaServiceClient,
  RecordMediaServiceService,
} from "./gen/ihp/records/v1/media.js";
export type { RecordMediaServiceServer } from "./gen/ihp/records/v1/media.js";
