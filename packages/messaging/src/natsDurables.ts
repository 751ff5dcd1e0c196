import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/nats-core";
import type { ConsumerSpec } from "./bus.js";
import { NoStreamForSubjectError } from "./errors.js";

const DEFAULT_ACK_WAIT_MS = 30_000;

/** Which streams store each subject (a wide subject such as ihp.> may span several). */
export async function streamsFor(jsm: JetStreamManager, subjects: readonly string[]): Promise<Map<string, string[]>> {
  const byStream = new Map<string, string[]>();
  for (const subject of subjects) {
    let found = false;
    for await (const stream of jsm.streams.names(subject)) {
      found = true;
      byStream.set(stream, [...(byStream.get(stream) ?? []), subject]);
    }
    if (!found) throw new NoStreamForSubjectError(subject);
  }
  return byStream;
}

type Changeable = Pick<
  ConsumerConfig,
  "ack_wait" | "max_deliver" | "filter_subject" | "filter_subjects" | "max_ack_pending" | "inactive_threshold"
>;

/** max_ack_pending as the bus configures it (undefined: the server's default) and the least the spec needs. */
export interface AckPending {
  readonly configured: number | undefined;
  /** The spec's concurrency: with fewer unacked messages allowed, slots would stay idle. */
  readonly atLeast: number;
}

/**
 * The max_ack_pending to ask for given the durable's current one (undefined before it exists): the configured value
 * raised to the concurrency; without one, the server's default (1,000) unless the current value is below the
 * concurrency. undefined: leave it as it is. -1 is unlimited.
 */
export function maxAckPendingFor(ackPending: AckPending, current: number | undefined): number | undefined {
  const { configured, atLeast } = ackPending;
  if (configured !== undefined) return configured === -1 ? -1 : Math.max(configured, atLeast);
  if (current !== undefined && current !== -1 && current < atLeast) return atLeast;
  return undefined;
}

/**
 * Creates the durable pull consumer (explicit ack, from the stream's start) or aligns an existing one with the spec.
 * Safe from several processes at once: a lost creation race falls back to an update.
 */
export async function ensureDurable(
  jsm: JetStreamManager,
  stream: string,
  spec: ConsumerSpec,
  subjects: readonly string[],
  multiFilter: boolean,
  ackPending: AckPending,
): Promise<void> {
  const wanted = (current: ConsumerConfig | undefined): Changeable => {
    const maxAckPending = maxAckPendingFor(ackPending, current?.max_ack_pending);
    return {
      ack_wait: nanos(spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
      max_deliver: spec.maxDeliver ?? -1,
      ...filterConfig(subjects, multiFilter),
      ...(maxAckPending === undefined ? {} : { max_ack_pending: maxAckPending }),
      ...(spec.inactiveThresholdMs === undefined ? {} : { inactive_threshold: nanos(spec.inactiveThresholdMs) }),
    };
  };
  let current = await consumerConfig(jsm, stream, spec.durable);
  if (current === undefined) {
    try {
      const created = await jsm.consumers.add(stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: spec.startAt === "new" ? DeliverPolicy.New : DeliverPolicy.All,
        ...wanted(undefined),
      });
      // Created with the server's default max_ack_pending, which a large concurrency may exceed: aligned below.
      current = created.config;
    } catch (error) {
      // Another process may have created it first; then align its settings like any existing one.
      current = await consumerConfig(jsm, stream, spec.durable);
      if (current === undefined) throw error;
    }
  }
  const aligned = wanted(current);
  if (differs(current, aligned)) await jsm.consumers.update(stream, spec.durable, aligned);
}

function filterConfig(subjects: readonly string[], multiFilter: boolean): Pick<Changeable, "filter_subject" | "filter_subjects"> {
  // Both keys are always present: an update merges into the old config, where the other one may be set. An
  // undefined value is left out of the request, which clears it.
  if (subjects.length === 1) return { filter_subject: subjects[0], filter_subjects: undefined };
  if (multiFilter) return { filter_subject: undefined, filter_subjects: [...subjects] };
  return { filter_subject: undefined, filter_subjects: undefined };
}

async function consumerConfig(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerConfig | undefined> {
  try {
    return (await jsm.consumers.info(stream, durable)).config;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw error;
  }
}

function differs(current: ConsumerConfig, wanted: Changeable): boolean {
  const filters = (config: Changeable): string =>
    [...(config.filter_subjects ?? []), ...(config.filter_subject ? [config.filter_subject] : [])].sort().join(" ");
  return (
    current.ack_wait !== wanted.ack_wait ||
    (current.max_deliver ?? -1) !== wanted.max_deliver ||
    filters(current) !== filters(wanted) ||
    (wanted.max_ack_pending !== undefined && current.max_ack_pending !== wanted.max_ack_pending) ||
    (wanted.inactive_threshold !== undefined && current.inactive_threshold !== wanted.inactive_threshold)
  );
}

/** filter_subjects arrived in nats-server 2.10. */
export function supportsMultipleFilters(nc: NatsConnection): boolean {
  const [major = 0, minor = 0] = (nc.info?.version ?? "0.0.0").split(".").map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 10);
}
