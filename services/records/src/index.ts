// @ihp/records: the records service (issue 11): the domain (its index lists every export) and the service.
export * from "./domain/index.js";
export { RECORDS_CONTEXT, startRecordsService } from "./service.js";
export type { RecordsService, RecordsServiceOptions } from "./service.js";
export { recordsConfigSchema } from "./config.js";
export type { RecordsConfig } from "./config.js";
