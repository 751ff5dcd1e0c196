import type { Logger } from "pino";

/** Something with a start and a stop: a store, the bus, the relay, a server, telemetry. */
export interface Component {
  start?(): Promise<void> | void;
  stop(): Promise<void> | void;
  /** How long stop may take before it is abandoned; the lifecycle's default otherwise. */
  readonly stopTimeoutMs?: number;
}

export interface StopOutcome {
  readonly name: string;
  readonly outcome: "stopped" | "failed" | "timed_out";
  readonly ms: number;
}

export interface Lifecycle {
  /** Adds a component. Order matters: start runs in this order, stop in the reverse. */
  register(name: string, component: Component): void;
  /** Starts every component in order. If one fails, those already started are stopped and the error rethrown. */
  start(): Promise<void>;
  /** Stops started components in reverse order, each within its timeout. Idempotent: later calls share the result. */
  stop(reason?: string): Promise<readonly StopOutcome[]>;
  /** On SIGTERM/SIGINT: stop, then exit (1 if any stop failed or timed out). A second signal exits at once. */
  handleSignals(): () => void;
}

/** The process surface handleSignals uses, injectable so tests can send signals without killing the runner. */
export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  exit(code: number): void;
}

export interface LifecycleOptions {
  readonly logger: Logger;
  readonly defaultStopTimeoutMs?: number;
  readonly process?: SignalTarget;
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * Start-up and shutdown that mirror each other (ARCHITECTURE §10). Register in start order — telemetry, stores, bus,
 * relay and consumers, gRPC server — and stop runs the reverse: stop accepting and drain in-flight, stop relay and
 * consumers, drain the bus, close stores, flush telemetry. A component that hangs is abandoned after its timeout so
 * the rest still stop.
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const defaultTimeout = options.defaultStopTimeoutMs ?? 10_000;
  const target: SignalTarget = options.process ?? process;
  const registered: { readonly name: string; readonly component: Component }[] = [];
  const started: { readonly name: string; readonly component: Component }[] = [];
  // startAll itself, which stop() waits on, and the promise callers get, which also stops on failure. Kept apart so
  // a failed start can call stop() without stop() waiting on that very failure handler.
  let startRun: Promise<void> | undefined;
  let starting: Promise<void> | undefined;
  let stopping: Promise<readonly StopOutcome[]> | undefined;

  async function startAll(): Promise<void> {
    for (const entry of registered) {
      if (stopping !== undefined) throw new Error("lifecycle stopped while starting");
      logger.info({ component: entry.name }, "starting");
      try {
        await entry.component.start?.();
      } catch (error) {
        logger.error({ component: entry.name, err: error }, "start failed; stopping what already started");
        throw error;
      }
      started.push(entry);
    }
    logger.info({ components: started.length }, "started");
  }

  async function stopAll(reason: string): Promise<readonly StopOutcome[]> {
    logger.info({ reason }, "stopping");
    const outcomes: StopOutcome[] = [];
    for (const { name, component } of [...started].reverse()) {
      const timeoutMs = component.stopTimeoutMs ?? defaultTimeout;
      const begun = performance.now();
      const outcome = await withTimeout(async () => component.stop(), timeoutMs);
      const ms = Math.round(performance.now() - begun);
      outcomes.push({ name, outcome: outcome.kind, ms });
      if (outcome.kind === "stopped") logger.info({ component: name, ms }, "stopped");
      else if (outcome.kind === "timed_out") logger.warn({ component: name, timeoutMs }, "stop timed out; abandoned");
      else logger.error({ component: name, err: outcome.error }, "stop failed");
    }
    logger.info({ components: outcomes.length }, "stopped all");
    return outcomes;
  }

  function stop(reason = "requested"): Promise<readonly StopOutcome[]> {
    // A component still starting is let finish first, so it is stopped in its place in the order. A start that hangs
    // therefore holds up the stop; a second signal exits regardless.
    stopping ??= (startRun ?? Promise.resolve()).catch(() => undefined).then(() => stopAll(reason));
    return stopping;
  }

  return {
    register(name, component) {
      if (starting !== undefined) throw new Error(`cannot register ${name} after start`);
      registered.push({ name, component });
    },
    start() {
      if (starting === undefined) {
        startRun = startAll();
        starting = startRun.catch(async (error: unknown) => {
          await stop("start failed");
          throw error;
        });
      }
      return starting;
    },
    stop,
    handleSignals() {
      let received = false;
      const onSignal = (signal: NodeJS.Signals) => (): void => {
        if (received) {
          logger.warn({ signal }, "second signal; exiting without waiting");
          target.exit(1);
          return;
        }
        received = true;
        void stop(signal).then(
          (outcomes) => target.exit(outcomes.every(({ outcome }) => outcome === "stopped") ? 0 : 1),
          () => target.exit(1),
        );
      };
      const listeners = new Map(SIGNALS.map((signal) => [signal, onSignal(signal)] as const));
      for (const [signal, listener] of listeners) target.on(signal, listener);
      return () => {
        for (const [signal, listener] of listeners) target.off(signal, listener);
      };
    },
  };
}

type Outcome = { kind: "stopped" } | { kind: "failed"; error: unknown } | { kind: "timed_out" };

async function withTimeout(run: () => Promise<void>, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    // unref: a pending timeout alone must not keep a process alive that has otherwise stopped.
    timer = setTimeout(() => resolve({ kind: "timed_out" }), timeoutMs).unref();
  });
  const finished = run().then(
    (): Outcome => ({ kind: "stopped" }),
    (error: unknown): Outcome => ({ kind: "failed", error }),
  );
  try {
    return await Promise.race([finished, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
