// The flow benches' clients in a process of their own (the load generator), so the platform's process CPU is the
// platform's alone: in one process the bench's HTTP client, JSON and passkey signatures counted as the platform's
// (≈10 ms of a prescribing flow). The generator reports its own CPU too, so nothing is hidden.
import { type ChildProcess, fork } from "node:child_process";

import { type EmbeddedPlatform, type FlowActors, seedDemo } from "@ihp/runner";
import type { SoftAuthenticatorState } from "@ihp/testing";

/** FlowActors as plain data: the passkeys as their exported state (the generator holds the only live copies). */
export interface PortableActors extends Omit<FlowActors, "passkeys"> {
  readonly passkeys: { readonly physician: SoftAuthenticatorState; readonly pharmacist: SoftAuthenticatorState };
}

export type LoadRequest =
  | { readonly op: "actors"; readonly actors: readonly PortableActors[] }
  /** Each actor runs `flowsPerWorker` flows in a row, all actors at once; `count` counts the HTTP requests made. */
  | { readonly op: "flows"; readonly kind: "consult" | "prescribing"; readonly round: string; readonly flowsPerWorker: number; readonly count?: boolean }
  /** `workers` clients each make `requests` sequential POSTs to `url`, `flowsPerWorker` times. */
  | { readonly op: "bare"; readonly url: string; readonly requests: number; readonly workers: number; readonly flowsPerWorker: number };

export interface LoadReply {
  readonly latenciesMs: number[];
  readonly elapsedMs: number;
  /** The generator's own process CPU for this work. */
  readonly cpuMs: number;
  readonly requests: number;
}

export interface LoadGenerator {
  run(request: LoadRequest): Promise<LoadReply>;
  close(): void;
}

export function toPortable(actors: FlowActors): PortableActors {
  return { ...actors, passkeys: { physician: actors.passkeys.physician.export(), pharmacist: actors.passkeys.pharmacist.export() } };
}

/**
 * One demo institution per worker, seeded through the platform's GraphQL: one person is registered once per
 * institution (IDN-08), and each worker needs its own physician, pharmacist and patient (one clinical session per
 * account).
 */
export async function seededActors(platform: EmbeddedPlatform, workers: number, variant: string): Promise<PortableActors[]> {
  const url = platform.graphqlUrl;
  const actors: PortableActors[] = [];
  for (let w = 0; w < workers; w++) {
    const seed = await seedDemo(url, platform.issuer, new Date(), { variant: `${variant}-${w}` });
    const token = (role: string): string => {
      const value = seed.tokens[role];
      if (value === undefined) throw new Error(`the ${variant} seed gave no ${role} token`);
      return value;
    };
    const { institutionId, staff } = seed;
    actors.push(toPortable({ url, institutionId, patientToken: token("patient"), physicianToken: token("physician"), pharmacistToken: token("pharmacist"), passkeys: staff.passkeys }));
  }
  return actors;
}

/** Forks the generator (same node and loader flags as this process); one request at a time. */
export function startLoadGenerator(): LoadGenerator {
  const child: ChildProcess = fork(new URL("./loadGenerator.child.ts", import.meta.url).pathname, [], { serialization: "advanced" });
  let pending: { resolve: (reply: LoadReply) => void; reject: (error: Error) => void } | undefined;
  const fail = (error: Error) => {
    pending?.reject(error);
    pending = undefined;
  };
  child.on("message", (message: { reply?: LoadReply; error?: string }) => {
    const waiting = pending;
    pending = undefined;
    if (message.error !== undefined) waiting?.reject(new Error(`load generator: ${message.error}`));
    else if (message.reply !== undefined) waiting?.resolve(message.reply);
  });
  child.on("exit", (code) => fail(new Error(`the load generator exited (${code})`)));
  child.on("error", fail);
  return {
    run(request) {
      if (pending !== undefined) return Promise.reject(new Error("the load generator runs one request at a time"));
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        child.send(request);
      });
    },
    close() {
      child.removeAllListeners("exit");
      child.kill();
    },
  };
}
