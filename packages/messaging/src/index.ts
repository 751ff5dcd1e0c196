// @ihp/messaging: the bus port, its in-process and NATS JetStream adapters, the relay from event store to bus, and
// what consumers need to be idempotent.
export type { BackoffPolicy } from "./backoff.js";
export type { Bus, BusMessage, Consumer, ConsumerSpec, DeliveredMessage, MessageHandler } from "./bus.js";
export type { CheckpointStore } from "./checkpointStore.js";
export { decodeEnvelope, envelopedMessage, envelopeMessage, JSON_CONTENT_TYPE } from "./envelope.js";
export type { EnvelopeContent } from "./envelope.js";
export type { DecodedEnvelope } from "./envelope.js";
export { BusClosedError, DurableInUseError, InvalidEnvelopeError, NoStreamForSubjectError } from "./errors.js";
export { warnOnGiveUp } from "./giveUp.js";
export type { GiveUp, GiveUpListener } from "./giveUp.js";
export { idempotentHandler } from "./idempotentHandler.js";
export type { ProcessedLog } from "./idempotentHandler.js";
export { InProcessBus } from "./inProcessBus.js";
export type { InProcessBusOptions } from "./inProcessBus.js";
export { NatsJetStreamBus } from "./natsJetStreamBus.js";
export type { NatsJetStreamBusOptions } from "./natsJetStreamBus.js";
export { contextStream, streamLimitsFromEnv } from "./natsStreams.js";
export type { StreamLimits, StreamSpec } from "./natsStreams.js";
export { Relay } from "./relay.js";
export type { EventMapper, RelayFailure, RelayOptions } from "./relay.js";
export { SqliteCheckpointStore } from "./sqliteCheckpointStore.js";
export type { SqliteCheckpointStoreOptions } from "./sqliteCheckpointStore.js";
export { SqliteProcessedLog } from "./sqliteProcessedLog.js";
export type { SqliteProcessedLogOptions } from "./sqliteProcessedLog.js";
export { InvalidSubjectError, subjectMatches } from "./subjects.js";
export { loadTransitKeys, TransitSealError, transitKeysFromJson } from "./transitSealing.js";
export type { TransitErrorCode, TransitKeys } from "./transitSealing.js";
