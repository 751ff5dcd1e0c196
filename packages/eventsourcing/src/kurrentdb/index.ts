// @ihp/eventsourcing/kurrentdb: the event store on a KurrentDB (EventStoreDB) cluster, for the distributed mode.
export { KurrentDbEventStore } from "./kurrentDbEventStore.js";
export type { KurrentClient, KurrentDbEventStoreOptions } from "./kurrentDbEventStore.js";
export { decodePosition, encodePosition, UnreadableRecordError } from "./codec.js";
