import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamUpdateConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";

/** A JetStream stream to provision: one per bounded context. */
export interface StreamSpec {
  /** e.g. IHP_IDENTITY */
  readonly name: string;
  /** e.g. ["ihp.identity.>"] */
  readonly subjects: readonly string[];
  /**
   * Drop messages older than this. Default 0: keep until the limits say otherwise. JetStream is transport, not the
   * record (ARCHITECTURE §5); a limit bounds disk, but a durable offline for longer then misses messages.
   */
  readonly maxAgeMs?: number;
  /** Replicas in a cluster. Default 1 (one NATS server in dev and tests); the Kubernetes manifests set 3. */
  readonly replicas?: number;
  /** Bytes the stream may hold before it drops its oldest messages. Default unlimited (-1). */
  readonly maxBytes?: number;
}

/** Deployment-wide stream limits (NATS_STREAM_REPLICAS, NATS_STREAM_MAX_BYTES). */
export interface StreamLimits {
  readonly replicas?: number | undefined;
  readonly maxBytes?: number | undefined;
}

/** The stream of a bounded context: IHP_<CONTEXT> on ihp.<context>.> */
/**
 * NATS_STREAM_REPLICAS / NATS_STREAM_MAX_BYTES from the environment. The default of contextStream, so that every
 * process provisioning a stream (each service for its own, reporting and the gateway for the ones they read) asks for
 * the same settings: one left at the default would otherwise update the stream back to 1 replica at every start.
 */
export function streamLimitsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): StreamLimits {
  const read = (name: string, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}`);
    return value;
  };
  return { replicas: read("NATS_STREAM_REPLICAS", 1), maxBytes: read("NATS_STREAM_MAX_BYTES", 1) };
}

export function contextStream(context: string, limits: StreamLimits = streamLimitsFromEnv()): StreamSpec {
  return {
    name: `IHP_${context.toUpperCase()}`,
    subjects: [`ihp.${context}.>`],
    ...(limits.replicas === undefined ? {} : { replicas: limits.replicas }),
    ...(limits.maxBytes === undefined ? {} : { maxBytes: limits.maxBytes }),
  };
}

/**
 * Creates each stream, or brings an existing one to the spec. Safe to run at every start-up and from several
 * processes at once: only settings that JetStream lets you change are compared and updated.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  specs: readonly StreamSpec[],
  duplicateWindowMs: number,
): Promise<void> {
  for (const spec of specs) {
    const wanted = wantedConfig(spec, duplicateWindowMs);
    let current = await currentConfig(jsm, spec.name);
    if (current === undefined) {
      try {
        await jsm.streams.add({
          name: spec.name,
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          ...wanted,
        });
        continue;
      } catch (error) {
        // Another process may have created it first; then align it like any existing one.
        current = await currentConfig(jsm, spec.name);
        if (current === undefined) throw error;
      }
    }
    if (differs(current, wanted)) await jsm.streams.update(spec.name, wanted);
  }
}

type WantedConfig = Pick<StreamUpdateConfig, "subjects" | "duplicate_window" | "max_age" | "num_replicas" | "max_bytes">;

/** The settings ensureStreams creates a stream with or updates it to. */
export function wantedConfig(spec: StreamSpec, duplicateWindowMs: number): WantedConfig {
  const maxAge = spec.maxAgeMs ?? 0;
  // JetStream refuses a duplicate window longer than max_age.
  const window = maxAge > 0 ? Math.min(duplicateWindowMs, maxAge) : duplicateWindowMs;
  return {
    subjects: [...spec.subjects],
    duplicate_window: nanos(window),
    max_age: nanos(maxAge),
    num_replicas: spec.replicas ?? 1,
    max_bytes: spec.maxBytes ?? -1,
  };
}

async function currentConfig(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

function differs(current: StreamConfig, wanted: WantedConfig): boolean {
  const sameSubjects = [...current.subjects].sort().join(" ") === [...wanted.subjects].sort().join(" ");
  return (
    !sameSubjects ||
    current.duplicate_window !== wanted.duplicate_window ||
    current.max_age !== wanted.max_age ||
    current.num_replicas !== wanted.num_replicas ||
    current.max_bytes !== wanted.max_bytes
  );
}
