// The load generator's process (see loadGenerator.ts): answers one LoadRequest at a time over IPC.
import { performance } from "node:perf_hooks";

import { type FlowActors, runClinicalFlow } from "@ihp/runner";
import { SoftAuthenticator } from "@ihp/testing";

import type { LoadReply, LoadRequest } from "./loadGenerator.js";

let actors: FlowActors[] = [];

/** Counts the HTTP requests a piece of work makes through the global fetch (the GraphQL client's transport). */
let requests = 0;
const originalFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  requests += 1;
  return originalFetch(input, init);
};

async function timed(workers: readonly ((i: number) => Promise<unknown>)[], flows: number): Promise<LoadReply> {
  const latenciesMs: number[] = [];
  const cpu = process.cpuUsage();
  const before = requests;
  const start = performance.now();
  await Promise.all(
    workers.map(async (flow) => {
      for (let i = 0; i < flows; i++) {
        const t0 = performance.now();
        await flow(i);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { latenciesMs, elapsedMs, cpuMs: (used.user + used.system) / 1000, requests: requests - before };
}

async function answer(request: LoadRequest): Promise<LoadReply> {
  switch (request.op) {
    case "actors":
      actors = request.actors.map((actor) => ({
        ...actor,
        passkeys: { physician: SoftAuthenticator.restore(actor.passkeys.physician), pharmacist: SoftAuthenticator.restore(actor.passkeys.pharmacist) },
      }));
      return { latenciesMs: [], elapsedMs: 0, cpuMs: 0, requests: 0 };
    case "flows": {
      const { kind, round, flowsPerWorker, count } = request;
      const prescribe = kind === "prescribing";
      const chosen = count === true ? actors.slice(0, 1) : actors;
      return timed(chosen.map((actor, w) => (i: number) => runClinicalFlow(actor, `${kind}-${round}-${w}-${i}`, { prescribe })), flowsPerWorker);
    }
    case "bare": {
      const body = JSON.stringify({ query: "{ ok }", variables: { pad: "x".repeat(400) } });
      const flow = async () => {
        for (let r = 0; r < request.requests; r++) {
          const response = await fetch(request.url, { method: "POST", headers: { "content-type": "application/json" }, body });
          await response.text();
        }
      };
      return timed(Array.from({ length: request.workers }, () => flow), request.flowsPerWorker);
    }
  }
}

process.on("message", (request: LoadRequest) => {
  answer(request).then(
    (reply) => process.send?.({ reply }),
    (error: unknown) => process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
