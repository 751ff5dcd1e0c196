import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { EventEnvelope, LogCheckpointSigned } from "@ihp/contracts";
import {
  type AnchorableLog,
  appendCheckpoint,
  CHECKPOINT_ALGORITHM,
  type CheckpointSigner,
  checkCheckpoint,
  type LogCheckpoint,
  readCheckpoints,
  type TimestampAuthority,
  timestampDigest,
} from "@ihp/eventsourcing";
import type { Bus, BusMessage } from "@ihp/messaging";
import type { Logger } from "@ihp/platform";

/** Integration event type and payload of a published checkpoint (proto/ihp/common/v1/checkpoint.proto). */
export const CHECKPOINT_EVENT_TYPE = "LogCheckpointSigned";
export const CHECKPOINT_CONTENT_TYPE = "application/x-protobuf; proto=ihp.common.v1.LogCheckpointSigned";

/** Runs `run` every `ms` until the returned function is called. Injected in tests, which call the run themselves. */
export type CheckpointTimer = (ms: number, run: () => void) => () => void;

export const intervalTimer: CheckpointTimer = (ms, run) => {
  const timer = setInterval(run, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface LogCheckpointerOptions {
  readonly context: string;
  readonly log: AnchorableLog;
  readonly signer: CheckpointSigner;
  /** This process's local append-only copy (JSON Lines); undefined with DATA_DIR=:memory: (the bus copy only). */
  readonly file: string | undefined;
  /**
   * The other replicas' copies in the same folder (`checkpointCopies`), read at open to resume from the newest
   * checkpoint of this key; one that cannot be read is skipped with a warning, not a reason to refuse to start.
   */
  readonly otherFiles?: readonly string[] | undefined;
  readonly bus: Bus;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly logger: Logger;
  /** RFC 3161 authority that stamps each checkpoint (CHECKPOINT_TSA_URL); undefined: none. */
  readonly tsa?: TimestampAuthority | undefined;
}

/**
 * The local copy's file name. With a replica id (REPLICA_ID), one file per replica: replicas share DATA_DIR on a
 * network volume, where appends from several hosts to one file can overwrite or tear each other's lines.
 */
export function checkpointCopyName(context: string, replica: string | undefined): string {
  return `${context}-log-checkpoints${replica === undefined ? "" : `.${replica}`}.jsonl`;
}

/** Every local copy of the context's checkpoints in `dir`: each replica's, and one written without a replica id. */
export async function checkpointCopies(dir: string, context: string): Promise<string[]> {
  const prefix = `${context}-log-checkpoints.`;
  const names = await readdir(dir).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw error;
  });
  return names.filter((name) => name.startsWith(prefix) && name.endsWith(".jsonl")).map((name) => join(dir, name));
}

/**
 * Signs checkpoints of the service's log head (ARCHITECTURE §5, XC-01): stores each in the local copy, outside the
 * event table, then publishes it on ihp.<context>.v1.LogCheckpointSigned so that a copy exists beyond the reach of
 * whoever holds the service's files. A checkpoint is made only when the head moved since the last one. A publish that
 * fails is retried at the next run, before any new checkpoint: the local copy alone anchors nothing against an
 * attacker who can delete it.
 */
export class LogCheckpointer {
  readonly #options: LogCheckpointerOptions;
  #last: LogCheckpoint | undefined;
  #unpublished: LogCheckpoint | undefined;
  #running: Promise<LogCheckpoint | undefined> | undefined;

  private constructor(options: LogCheckpointerOptions, last: LogCheckpoint | undefined) {
    this.#options = options;
    this.#last = last;
  }

  /** Resumes after the last checkpoint that this service's key signed, in its own copy or another replica's. */
  static async open(options: LogCheckpointerOptions): Promise<LogCheckpointer> {
    const values = options.file === undefined ? [] : await readCheckpoints(options.file);
    for (const file of options.otherFiles ?? []) {
      try {
        values.push(...(await readCheckpoints(file)));
      } catch (error) {
        options.logger.warn({ err: error, file }, "another replica's checkpoint copy not read; resuming without it");
      }
    }
    let last: LogCheckpoint | undefined;
    for (const value of values) {
      const checked = checkCheckpoint(value, options.signer.publicKey, options.context);
      if (checked.ok && (last === undefined || BigInt(checked.checkpoint.position) >= BigInt(last.position))) last = checked.checkpoint;
    }
    return new LogCheckpointer(options, last);
  }

  /** The last checkpoint signed (or found in the local copy at open). */
  get last(): LogCheckpoint | undefined {
    return this.#last;
  }

  /** Signs, stores and publishes a checkpoint if the head moved; returns it (undefined: nothing new). Runs one at a time. */
  checkpoint(): Promise<LogCheckpoint | undefined> {
    const previous = this.#running ?? Promise.resolve(undefined);
    const run = previous.catch(() => undefined).then(() => this.#checkpoint());
    this.#running = run;
    return run.finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
  }

  async #checkpoint(): Promise<LogCheckpoint | undefined> {
    const { context, log, signer, file, clock } = this.#options;
    if (this.#unpublished !== undefined) await this.#publish(this.#unpublished);
    const head = await log.head();
    if (head.position === 0n) return undefined;
    if (this.#last !== undefined && this.#last.position === head.position.toString() && this.#last.headHash === head.hash) {
      return undefined;
    }
    const checkpoint = await this.#stamp(signer.sign(context, head, clock()));
    if (file !== undefined) await appendCheckpoint(file, checkpoint);
    this.#last = checkpoint;
    this.#unpublished = checkpoint;
    await this.#publish(checkpoint);
    return checkpoint;
  }

  /** Adds the TSA's token; a TSA that fails does not hold up the checkpoint, which is then kept unstamped. */
  async #stamp(checkpoint: LogCheckpoint): Promise<LogCheckpoint> {
    const { tsa, logger } = this.#options;
    if (tsa === undefined) return checkpoint;
    try {
      const token = await tsa.stamp(timestampDigest(checkpoint));
      return { ...checkpoint, timestamp: Buffer.from(token).toString("base64") };
    } catch (error) {
      logger.warn({ err: error, position: checkpoint.position }, "log checkpoint not time-stamped; kept without a token");
      return checkpoint;
    }
  }

  async #publish(checkpoint: LogCheckpoint): Promise<void> {
    try {
      await this.#options.bus.publish(this.message(checkpoint));
      if (this.#unpublished === checkpoint) this.#unpublished = undefined;
    } catch (error) {
      this.#options.logger.warn({ err: error, position: checkpoint.position }, "log checkpoint not published; retrying at the next run");
    }
  }

  /** The bus message: an EventEnvelope like every integration event, so consumers of ihp.<context>.v1.> can skip it. */
  message(checkpoint: LogCheckpoint): BusMessage {
    const { context, newId } = this.#options;
    const id = newId();
    const payload = LogCheckpointSigned.encode({
      version: checkpoint.version,
      log: checkpoint.log,
      position: checkpoint.position,
      headHash: checkpoint.headHash,
      signedAt: checkpoint.signedAt,
      algorithm: checkpoint.algorithm,
      publicKey: checkpoint.publicKey,
      signature: Buffer.from(checkpoint.signature, "base64"),
      timestamp: Buffer.from(checkpoint.timestamp ?? "", "base64"),
    }).finish();
    const envelope: EventEnvelope = {
      id,
      type: CHECKPOINT_EVENT_TYPE,
      schemaVersion: 1,
      streamId: "",
      streamRevision: 0n,
      logPosition: checkpoint.position,
      metadata: {
        actorId: context,
        actorRole: "system",
        tenantId: "",
        correlationId: id,
        causationId: id,
        traceparent: "",
        tracestate: "",
        occurredAt: checkpoint.signedAt,
        profileVersion: "",
        requestId: "",
      },
      hash: checkpoint.headHash,
      contentType: CHECKPOINT_CONTENT_TYPE,
      payload: Buffer.from(payload),
    };
    return { subject: `ihp.${context}.v1.${CHECKPOINT_EVENT_TYPE}`, id, data: EventEnvelope.encode(envelope).finish(), headers: {} };
  }
}

/** Reads a published checkpoint back into the JSON form `ihp-verify-log --checkpoints` and verify take. */
export function checkpointFromMessage(message: BusMessage): LogCheckpoint | undefined {
  const envelope = EventEnvelope.decode(message.data);
  if (envelope.type !== CHECKPOINT_EVENT_TYPE) return undefined;
  const signed = LogCheckpointSigned.decode(envelope.payload);
  if (signed.version !== 1 || signed.algorithm !== CHECKPOINT_ALGORITHM) return undefined;
  return {
    version: 1,
    log: signed.log,
    position: signed.position,
    headHash: signed.headHash,
    signedAt: signed.signedAt,
    algorithm: CHECKPOINT_ALGORITHM,
    publicKey: signed.publicKey,
    signature: Buffer.from(signed.signature).toString("base64"),
    ...(signed.timestamp.length === 0 ? {} : { timestamp: Buffer.from(signed.timestamp).toString("base64") }),
  };
}
