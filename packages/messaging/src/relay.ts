import type { EventStore, LogPosition, StoredEvent } from "@ihp/eventsourcing";
import { backoffDelay, sleep, type BackoffPolicy } from "./backoff.js";
import type { Bus, BusMessage } from "./bus.js";
import { CheckpointSaver } from "./checkpointSaver.js";
import type { CheckpointStore } from "./checkpointStore.js";
import { envelopeMessage } from "./envelope.js";
import { SETTLED } from "./promised.js";

/** Event → bus message; null keeps the event inside the service (domain events are private, ARCHITECTURE §5). */
export type EventMapper = (event: StoredEvent) => BusMessage | null;

export interface RelayFailure {
  readonly error: unknown;
  /** The event being published or mapped, when there was one. */
  readonly event: StoredEvent | undefined;
  /** True when the relay stopped because of it (a mapping that throws, a subscription that fails). */
  readonly fatal: boolean;
}

export interface RelayOptions {
  /** Checkpoint name, unique per relay, e.g. "identity-relay". */
  readonly name: string;
  readonly store: EventStore;
  readonly bus: Bus;
  readonly checkpoints: CheckpointStore;
  /** Default envelopeMessage(context). */
  readonly map?: EventMapper;
  /** Bounded context for the default mapping's subjects (ihp.<context>.v1.<type>). */
  readonly context?: string;
  /** Publishes awaiting their acknowledgement at once. Default 32; 1 keeps bus order equal to log order. */
  readonly maxInFlight?: number;
  /**
   * Bus order must be log order (consumers rely on it): one publish at a time, unless the bus keeps overlapping
   * publishes in order (Bus.publishesInOrder: the in-process bus), where maxInFlight still applies. Default false.
   */
  readonly ordered?: boolean;
  /** Wait between attempts to publish one event. Default 100 ms … 10 s. */
  readonly retry?: BackoffPolicy;
  /** Failed publish attempts (retried) and fatal stops. Default: a process warning. */
  readonly onError?: (failure: RelayFailure) => void;
  /**
   * While events keep coming, the checkpoint is saved at most this often (stop() saves at once). A crash then repeats
   * at most this much publishing, which the bus and consumers drop. Default CHECKPOINT_INTERVAL_MS.
   */
  readonly checkpointIntervalMs?: number;
}

/** Default interval between checkpoint saves of a busy relay: one commit per 100 ms instead of one per event. */
export const CHECKPOINT_INTERVAL_MS = 100;

/** One event between subscription and checkpoint. */
interface InFlight {
  readonly position: LogPosition;
  published: boolean;
  readonly settled: Promise<void>;
}

/**
 * Tails a service's event store and publishes to the bus (ARCHITECTURE §6.4), at least once: the checkpoint is saved
 * only up to the last event before which everything has been published, so it never passes an event whose publish
 * did not succeed, and a crash only means events are published again (the bus drops repeats by id within its
 * duplicate window; consumers skip what they processed). Up to maxInFlight publishes run at once; a failed publish is
 * retried with backoff, never skipped, and holds the checkpoint (and, at maxInFlight, new publishes) until it succeeds.
 * While it retries, events behind it may already be on the bus: order on the bus is log order only without failures
 * or with maxInFlight 1.
 */
export class Relay {
  private readonly map: EventMapper;
  private readonly maxInFlight: number;
  private readonly retry: BackoffPolicy;
  private readonly onError: (failure: RelayFailure) => void;
  private running: { readonly controller: AbortController; readonly done: Promise<void> } | undefined;

  constructor(private readonly options: RelayOptions) {
    if (options.map === undefined && options.context === undefined) {
      throw new TypeError("Relay needs a map function or a context for the default mapping");
    }
    this.map = options.map ?? envelopeMessage(options.context ?? "");
    // Behind the in-process bus a publish resolves only once every consumer has handled the message: one at a time,
    // a relay would hand each durable one message at a time, whatever its concurrency (issue 15).
    const oneAtATime = options.ordered === true && options.bus.publishesInOrder !== true;
    this.maxInFlight = oneAtATime ? 1 : Math.max(1, options.maxInFlight ?? 32);
    this.retry = options.retry ?? { initialMs: 100, maxMs: 10_000 };
    this.onError = options.onError ?? warnOnRelayFailure(options.name);
  }

  /** Loads the checkpoint and starts tailing the store; resolves once running. */
  async start(): Promise<void> {
    if (this.running !== undefined) throw new Error(`relay ${this.options.name} is already running`);
    const after = await this.options.checkpoints.load(this.options.name);
    const controller = new AbortController();
    this.running = { controller, done: this.run(after, controller) };
  }

  /** Stops reading, lets the publishes in flight finish their current attempt, saves the checkpoint. */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    running.controller.abort();
    await running.done;
    this.running = undefined;
  }

  private async run(after: LogPosition, controller: AbortController): Promise<void> {
    const signal = controller.signal;
    const saver = new CheckpointSaver(
      this.options.checkpoints,
      this.options.name,
      after,
      (error) => this.report(error, undefined, false),
      this.options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS,
    );
    const inFlight: InFlight[] = [];
    const advance = (): void => {
      let last: LogPosition | undefined;
      while (inFlight[0]?.published === true) last = inFlight.shift()?.position;
      if (last !== undefined) saver.advance(last);
    };
    let current: StoredEvent | undefined;
    try {
      for await (const event of this.options.store.subscribe({ after, signal })) {
        current = event;
        const message = this.map(event);
        // Most events stay inside their service (issue 15: 33 of a prescribing flow's 45). With nothing in flight
        // before it, such an event moves the checkpoint at once, without a promise; behind one, it waits in line.
        if (message === null && inFlight.length === 0) {
          saver.advance(event.position);
          continue;
        }
        if (message === null) {
          inFlight.push({ position: event.position, published: true, settled: SETTLED });
        } else {
          const entry: InFlight = {
            position: event.position,
            published: false,
            settled: this.publish(message, event, signal).then((ok) => {
              entry.published = ok;
              advance();
            }),
          };
          inFlight.push(entry);
        }
        // Back-pressure: never more than maxInFlight events between the subscription and the checkpoint.
        while (inFlight.length >= this.maxInFlight && !signal.aborted) await inFlight[0]?.settled;
      }
    } catch (error) {
      if (!signal.aborted) this.report(error, current, true);
    } finally {
      // However the loop ended, no new attempts: the ones in flight finish, the checkpoint records what succeeded.
      controller.abort();
      await Promise.all(inFlight.map((entry) => entry.settled));
      advance();
      await saver.flush();
    }
  }

  /** Publishes until it succeeds; false when stopped first. */
  private async publish(message: BusMessage, event: StoredEvent, signal: AbortSignal): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      try {
        await this.options.bus.publish(message);
        return true;
      } catch (error) {
        this.report(error, event, false);
        if (signal.aborted) return false;
        await sleep(backoffDelay(this.retry, failures), signal);
        if (signal.aborted) return false;
      }
    }
  }

  private report(error: unknown, event: StoredEvent | undefined, fatal: boolean): void {
    try {
      this.onError({ error, event, fatal });
    } catch {
      // A failing reporter must not stop the relay.
    }
  }
}

function warnOnRelayFailure(name: string): (failure: RelayFailure) => void {
  return ({ error, event, fatal }) => {
    const reason = error instanceof Error ? error.message : String(error);
    const where = event === undefined ? "" : ` at event ${event.id} (position ${event.position})`;
    process.emitWarning(`relay ${name}${fatal ? " stopped" : " will retry"}${where}: ${reason}`, {
      code: fatal ? "IHP_RELAY_STOPPED" : "IHP_RELAY_PUBLISH_FAILED",
    });
  };
}
