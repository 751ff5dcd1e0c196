// Pure entry of @ihp/eventsourcing: port, types, hashing, decider runtime. Adapters have their own entries
// (@ihp/eventsourcing/sqlite, @ihp/eventsourcing/kurrentdb) so that importing the port loads no database client.
export { canonicalJson } from "./canonicalJson.js";
export { deepFreeze } from "./deepFreeze.js";
export { fold, refusing } from "./decider.js";
export type { Decider, DomainEvent } from "./decider.js";
export { DomainError, isDomainError, isRequestId, REQUEST_ID_ERRORS, refusalsOf } from "./domainError.js";
export type { DomainErrorKind, ErrorEntry } from "./domainError.js";
export { appendToStreams } from "./appendToStreams.js";
export { DuplicateEventIdError, InvalidAppendError, MultiStreamAppendUnsupportedError, StoreClosedError, WrongExpectedRevisionError } from "./errors.js";
export { isAnchorable } from "./eventStore.js";
export type {
  AnchorableLog,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
  VerifyFailure,
  VerifyResult,
} from "./eventStore.js";
export { commandPipeline, ConcurrencyExhaustedError, handleCommand, metadataFor } from "./handleCommand.js";
export { appendDecisions, decideStream } from "./decideStreams.js";
export type { StreamCommand, StreamDecision } from "./decideStreams.js";
export type { Acting, CommandEnvelope, CommandRun, CommandSource, HandleOptions, HandleResult } from "./handleCommand.js";
export { GENESIS_HASH, hashEvent } from "./hashChain.js";
export { canSubscribeToStream, subscribeToStream } from "./streamSubscription.js";
export type { StreamSubscribable, StreamSubscribeOptions } from "./streamSubscription.js";
export { checkAnchors } from "./checkpoints/anchors.js";
export type { Anchor, AnchorCheck, AnchorOptions } from "./checkpoints/anchors.js";
export { appendCheckpoint, openCheckpointSigner, readCheckpoints } from "./checkpoints/checkpointFiles.js";
export { readOrCreateKeyFile, readOrCreateKeyFileBytes } from "./keyFile.js";
export { CHECKPOINT_ALGORITHM, CheckpointSigner, checkCheckpoint, checkpointToBeSigned } from "./checkpoints/logCheckpoint.js";
export type { CheckpointRejection, LogCheckpoint, LogHead } from "./checkpoints/logCheckpoint.js";
export { httpTimestampAuthority, timestampDigest, timeStampRequest, timestampStatus, verifyTimestamp } from "./checkpoints/timestamp.js";
export type { HttpTimestampAuthorityOptions, TimestampAuthority } from "./checkpoints/timestamp.js";
export type { HashInput } from "./hashChain.js";
export { START } from "./types.js";
export type { EventMetadata, JsonObject, JsonValue, LogPosition, NewEvent, StoredEvent } from "./types.js";
export { uuidv7 } from "./uuidv7.js";
