// @ihp/eventsourcing/sqlite: the embedded event store (the default for `npm start`).
export { SqliteEventStore } from "./sqliteEventStore.js";
export type { SqliteEventStoreOptions } from "./sqliteEventStore.js";
export { verifyFile } from "./verifyFile.js";
export { openSqliteFile, PAGE_CACHE_KIB } from "./openSqlite.js";
export type { SqliteFileOptions } from "./openSqlite.js";
export { threadSqliteWriter } from "./writers.js";
export type { SqliteThreadWriter } from "./writers.js";
export type { SqlValue } from "./writerThread.js";
