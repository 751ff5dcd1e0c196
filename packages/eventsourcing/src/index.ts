// Pure entry of @ihp/eventsourcing: port, types, hashing, decider runtime. Adapters have their own entries
// (@ihp/eventsourcing/sqlite, @ihp/eventsourcing/kurrentdb) so that importing the port loads no database client.
export { canonicalJson } from "./canonicalJson.js";
export { fold } from "./decider.js";
export type { Decider, DomainEvent } from "./decider.js";
export { DomainError } from "./domainError.js";
export type { DomainErrorKind } from "./domainError.js";
export { DuplicateEventIdError, InvalidAppendError, StoreClosedError, WrongExpectedRevisionError } from "./errors.js";
export type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  SubscribeOptions,
  VerifyFailure,
  VerifyResult,
} from "./eventStore.js";
export { ConcurrencyExhaustedError, handleCommand } from "./handleCommand.js";
export type { CommandEnvelope, HandleOptions, HandleResult } from "./handleCommand.js";
export { GENESIS_HASH, hashEvent } from "./hashChain.js";
export type { HashInput } from "./hashChain.js";
export { START } from "./types.js";
export type { EventMetadata, JsonObject, JsonValue, LogPosition, NewEvent, StoredEvent } from "./types.js";
export { uuidv7 } from "./uuidv7.js";
