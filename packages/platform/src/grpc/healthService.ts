import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerWritableStream,
  status,
} from "@grpc/grpc-js";
import {
  type HealthCheckRequest,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthServer,
  HealthServiceDefinition,
} from "@ihp/contracts";

/** Statuses a server reports for itself; SERVICE_UNKNOWN and UNKNOWN are the protocol's answers, not states. */
export type HealthState = "SERVING" | "NOT_SERVING";

/** The server as a whole, in the protocol's convention. */
export const OVERALL = "";

type Watcher = (status: ServingStatus) => void;

/**
 * grpc.health.v1.Health for one server: Check answers from the current table, Watch streams each change. A status
 * is kept per fully qualified service name; "" stands for the whole server. Public by design: probes carry no token.
 */
export class HealthService {
  readonly definition = HealthServiceDefinition;
  readonly implementation: HealthServer;
  private readonly statuses = new Map<string, ServingStatus>([[OVERALL, ServingStatus.NOT_SERVING]]);
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly streams = new Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>();
  private shuttingDown = false;

  constructor() {
    this.implementation = { check: this.check, watch: this.watch };
  }

  /** Sets a service's status and tells its watchers. Ignored once shutdown() ran: a draining server stays down. */
  setStatus(service: string, state: HealthState): void {
    if (this.shuttingDown) return;
    this.update(service, state === "SERVING" ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Sets every status this server reports (the whole server and each service): what a lost dependency means. */
  setAll(state: HealthState): void {
    for (const service of [...this.statuses.keys()]) this.setStatus(service, state);
  }

  /** The current status, SERVICE_UNKNOWN for a name never set. */
  status(service: string): ServingStatus {
    return this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
  }

  /**
   * Marks everything NOT_SERVING so probes and balancers stop sending traffic, then ends the Watch streams, which
   * would otherwise keep a graceful server shutdown waiting forever.
   */
  shutdown(): void {
    if (this.shuttingDown) return;
    for (const service of this.statuses.keys()) this.update(service, ServingStatus.NOT_SERVING);
    this.shuttingDown = true;
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }

  private update(service: string, next: ServingStatus): void {
    if (this.statuses.get(service) === next) return;
    this.statuses.set(service, next);
    for (const watcher of this.watchers.get(service) ?? []) watcher(next);
  }

  private readonly check: handleUnaryCall<HealthCheckRequest, HealthCheckResponse> = (call, callback) => {
    const current = this.statuses.get(call.request.service);
    if (current === undefined) {
      callback({ code: status.NOT_FOUND, details: "unknown service", name: "Error", message: "unknown service" });
      return;
    }
    callback(null, HealthCheckResponse.create({ status: current }));
  };

  private readonly watch: handleServerStreamingCall<HealthCheckRequest, HealthCheckResponse> = (call) => {
    const service = call.request.service;
    const send = (next: ServingStatus): void => {
      call.write(HealthCheckResponse.create({ status: next }));
    };
    send(this.status(service));
    if (this.shuttingDown) {
      call.end();
      return;
    }
    let watchers = this.watchers.get(service);
    if (watchers === undefined) {
      watchers = new Set();
      this.watchers.set(service, watchers);
    }
    watchers.add(send);
    this.streams.add(call);
    const stop = (): void => {
      watchers.delete(send);
      this.streams.delete(call);
    };
    call.once("cancelled", stop);
    call.once("finish", stop);
  };
}

/** Something a service cannot work without (its bus, its event store): `check` resolves while it answers. */
export interface HealthProbe {
  readonly name: string;
  check(): Promise<unknown>;
}

export interface HealthWatch {
  /** Runs the probes now (tests, and once at start) and applies the outcome. */
  checkNow(): Promise<void>;
  stop(): void;
}

/**
 * Health that tells the truth: every `everyMs` the probes run (each bounded by `timeoutMs`), and the whole server
 * reports NOT_SERVING while any fails, SERVING again once all answer. Runs never overlap; the timer does not keep the
 * process alive. After health.shutdown() nothing changes any more (a draining server stays down).
 */
export function watchHealth(options: {
  readonly health: HealthService;
  readonly probes: readonly HealthProbe[];
  readonly everyMs: number;
  readonly timeoutMs?: number;
  /** Told the names of the failing probes whenever the set changes (empty: healthy again). */
  readonly onChange?: (failing: readonly string[]) => void;
}): HealthWatch {
  const timeoutMs = options.timeoutMs ?? Math.min(options.everyMs, 2_000);
  let last = "";
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const probe = async (candidate: HealthProbe): Promise<boolean> => {
    let expire: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      expire = setTimeout(() => reject(new Error("health probe timed out")), timeoutMs);
    });
    try {
      await Promise.race([candidate.check(), deadline]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(expire);
    }
  };
  const checkNow = async (): Promise<void> => {
    const outcomes = await Promise.all(options.probes.map(async (candidate) => ({ name: candidate.name, ok: await probe(candidate) })));
    if (stopped) return;
    const failing = outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.name);
    options.health.setAll(failing.length === 0 ? "SERVING" : "NOT_SERVING");
    const key = failing.join(",");
    if (key !== last) {
      last = key;
      options.onChange?.(failing);
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void checkNow().finally(schedule), options.everyMs);
    timer.unref();
  };
  schedule();
  return {
    checkNow,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
