// @ihp/records: the records service (issue 11). Exports are listed, never re-exported wholesale; the domain's own
// index (src/domain/index.ts) lists the domain for the service's code and tests.
export { RECORDS_CONTEXT, startRecordsService } from "./service.js";
export type { RecordsService, RecordsServiceOptions } from "./service.js";
export { recordsConfigSchema } from "./config.js";
export type { RecordsConfig } from "./config.js";
export { RECORDS_ERRORS } from "./domain/index.js";
export type { MedicalRecord, OutpatientRecord, RecordsErrorCode, RecordStatus } from "./domain/index.js";
