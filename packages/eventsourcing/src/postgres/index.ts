// @ihp/eventsourcing/postgres: the event store for several replicas sharing one PostgreSQL log.
export { PostgresEventStore } from "./postgresEventStore.js";
export type { PostgresEventStoreOptions } from "./postgresEventStore.js";
export { grantAppendOnlySql, schemaSql } from "./schema.js";
