// npm run bench -- bus: the embedded mode's relay → in-process bus → durable consumers path alone (issue 15), as main-
// thread CPU µs and promises created per prescribing flow. The event stores are stand-ins that hand each event to
// their relay's subscription (their own reading cost is not the bus's), the checkpoints a SQLite file, the durables
// and their subjects the embedded platform's, the handlers trivial (one wrapped in idempotentHandler over a SQLite
// processed log, as pharmacy's is). One flow is the relays' share of the prescribing bench's flow (counted there): 45
// events over six relays, 12 of them published, 20 deliveries. Each event arrives alone and the path settles before
// the next (a macrotask turn), so lanes and relays go idle and wake as they do between a flow's requests. A pass of
// the harness alone (the same events, nobody reading them) follows each round and is subtracted.
import { createHook } from "node:async_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type EventStore, type LogPosition, type StoredEvent, uuidv7 } from "@ihp/eventsourcing";
import {
  type Consumer,
  type ConsumerSpec,
  envelopeMessage,
  idempotentHandler,
  InProcessBus,
  Relay,
  SqliteCheckpointStore,
  SqliteProcessedLog,
  subjectMatches,
} from "@ihp/messaging";

import { round } from "./stats.js";

const WARM_FLOWS = 300;
/** Flows of the pass that counts promises (async_hooks), a figure the machine's load does not blur. */
const COUNTED_FLOWS = 200;
const FLOWS = 2_000;
const ROUNDS = 7;

const ERASURE_ORDERS = ["ihp.identity.v1.SubjectErasureRequested", "ihp.identity.v1.SubjectErasureRetried"];

/** The embedded platform's durables, in the order its services register them. */
const DURABLES: readonly ConsumerSpec[] = [
  { durable: "identity-care-relationships", subjects: ["ihp.consult.v1.ConsultStarted", "ihp.consult.v1.ConsultCompleted", "ihp.consult.v1.ConsultTerminated"] },
  ...["identity", "consult", "prescription", "pharmacy", "integration", "records"].map((holder) => ({
    durable: `identity-erasure-confirmations-${holder}`,
    subjects: [`ihp.${holder}.v1.SubjectErasureConfirmed`],
  })),
  { durable: "identity-erasure-orders", subjects: ERASURE_ORDERS },
  ...["identity", "consult", "prescription", "pharmacy", "records"].map((context) => ({
    durable: context === "identity" ? "reporting-feed" : `reporting-feed-${context}`,
    subjects: [`ihp.${context}.v1.>`],
  })),
  { durable: "reporting-statistics-consult", subjects: ["ihp.consult.v1.ConsultStarted"] },
  { durable: "integration-outbound", subjects: ["ihp.prescription.v1.PrescriptionSigned", "ihp.pharmacy.v1.PrescriptionReviewed"] },
  { durable: "integration-erasure-orders", subjects: ERASURE_ORDERS },
  { durable: "consult-erasure-orders", subjects: ERASURE_ORDERS },
  { durable: "prescription-review-outcomes", subjects: ["ihp.pharmacy.v1.PrescriptionReviewed"] },
  { durable: "prescription-erasure-orders", subjects: ERASURE_ORDERS },
  { durable: "pharmacy-prescriptions", subjects: ["ihp.prescription.v1.PrescriptionSigned", "ihp.prescription.v1.PrescriptionVoided"] },
  { durable: "pharmacy-erasure-orders", subjects: ERASURE_ORDERS },
  { durable: "records-origination", subjects: ["ihp.consult.v1.ConsultCompleted"], concurrency: 4 },
  { durable: "records-erasure-orders", subjects: ERASURE_ORDERS },
  { durable: "gateway-feed", subjects: ["ihp.reporting.v1.FeedEntryRecorded"], startAt: "new" },
];

/** Per relay (context): the types of the flow's events it publishes, and how many it keeps inside the service. */
const FLOW: readonly { readonly context: string; readonly published: readonly string[]; readonly kept: number }[] = [
  { context: "identity", published: [], kept: 17 },
  { context: "consult", published: ["ConsultStarted", "ConsultCompleted"], kept: 5 },
  { context: "prescription", published: ["PrescriptionSigned"], kept: 3 },
  { context: "pharmacy", published: ["PrescriptionReviewed", "PrescriptionDispensed", "DeliveryDispatched"], kept: 4 },
  { context: "records", published: [], kept: 4 },
  { context: "reporting", published: Array.from({ length: 6 }, () => "FeedEntryRecorded"), kept: 0 },
];
const PUBLISHED = new Set(FLOW.flatMap((relay) => relay.published));

/** A stand-in event store: events pushed to it go to its one subscription, in order. */
class PushedEvents {
  private readonly events: StoredEvent[] = [];
  private first = 0n;
  private wake: (() => void) | undefined;

  push(event: Omit<StoredEvent, "position">): void {
    this.events.push({ ...event, position: this.first + BigInt(this.events.length) + 1n });
    this.wake?.();
  }

  async *subscribe(options: { after?: LogPosition; signal?: AbortSignal } = {}): AsyncGenerator<StoredEvent> {
    const signal = options.signal;
    signal?.addEventListener("abort", () => this.wake?.(), { once: true });
    let next = Number((options.after ?? 0n) - this.first);
    while (signal?.aborted !== true) {
      while (next < this.events.length) yield this.events[next++]!;
      // What the relay has read is dropped, so the run's memory does not grow with the flows.
      this.first += BigInt(next);
      this.events.splice(0, next);
      next = 0;
      // One promise per wait, as cheap as a stand-in can be: what it costs is counted as the path's.
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

function event(context: string, type: string, i: number): Omit<StoredEvent, "position"> {
  return {
    id: uuidv7(),
    type,
    schemaVersion: 1,
    data: { consultId: `consult-${i}`, patientId: `patient-${i % 50}`, physicianId: "physician-1", institutionId: "hospital-1", at: "2025-01-01T08:00:00.000Z" },
    metadata: {
      actorId: "physician-1",
      actorRole: "physician",
      tenantId: "hospital-1",
      correlationId: `flow-${i}`,
      causationId: `flow-${i}`,
      occurredAt: "2025-01-01T08:00:00.000Z",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    },
    streamId: `${context}-${i}`,
    revision: 0,
    recordedAt: "2025-01-01T08:00:00.000Z",
    prevHash: "0".repeat(64),
    hash: "f".repeat(64),
  };
}

/** One flow's events, interleaved over the relays as the flow's steps alternate between services. */
function flowSteps(): { readonly context: string; readonly type: string }[] {
  const queues = FLOW.map((relay) => [
    ...relay.published.map((type) => ({ context: relay.context, type })),
    ...Array.from({ length: relay.kept }, () => ({ context: relay.context, type: "Kept" })),
  ]);
  const steps: { context: string; type: string }[] = [];
  for (let i = 0; queues.some((queue) => i < queue.length); i++) for (const queue of queues) if (i < queue.length) steps.push(queue[i]!);
  return steps;
}

/**
 * The main thread's CPU (process.threadCpuUsage, Node ≥ 23.9; not in these @types/node yet), else the process's: the
 * collector's helper threads would add whichever collections fall in a round.
 */
const threadCpu: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage =
  (process as { threadCpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage }).threadCpuUsage?.bind(process) ?? process.cpuUsage.bind(process);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runBusBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ihp-bench-bus-"));
  // A window of a second, not two minutes: the run is short and fast, and with the default every id of it would stay
  // (a heap that only grows, major collections in random rounds); this way ids expire and are pruned as they do in a
  // platform that has run for a while.
  const bus = new InProcessBus({ duplicateWindowMs: 1_000 });
  const checkpoints = SqliteCheckpointStore.open({ path: join(dir, "relay-checkpoints.sqlite") });
  const processed = SqliteProcessedLog.open({ path: ":memory:" });
  const stores = new Map(FLOW.map((relay) => [relay.context, new PushedEvents()]));
  let delivered = 0;
  const consumers: Consumer[] = [];
  for (const spec of DURABLES) {
    const count = (): Promise<void> => {
      delivered += 1;
      return Promise.resolve();
    };
    consumers.push(await bus.consume(spec, spec.durable === "pharmacy-prescriptions" ? idempotentHandler(spec.durable, processed, count) : count));
  }
  bus.endRetention();
  const relays = FLOW.map(({ context }) => {
    const keep = envelopeMessage(context);
    return new Relay({
      name: `${context}-relay`,
      store: stores.get(context) as unknown as EventStore,
      bus,
      checkpoints,
      ordered: true,
      map: (stored) => (PUBLISHED.has(stored.type) ? keep(stored) : null),
    });
  });
  await Promise.all(relays.map((relay) => relay.start()));

  const steps = flowSteps();
  const subjects = steps.filter((step) => PUBLISHED.has(step.type)).map((step) => `ihp.${step.context}.v1.${step.type}`);
  const deliveriesPerFlow = subjects.reduce((sum, subject) => sum + DURABLES.filter((spec) => spec.subjects.some((pattern) => subjectMatches(pattern, subject))).length, 0);
  let flowNumber = 0;
  // With push = false only the harness runs (events pushed to a store nobody reads): its cost is subtracted.
  const runFlows = async (count: number, push: boolean): Promise<number> => {
    const spare = new PushedEvents();
    const before = threadCpu();
    for (let f = 0; f < count; f++) {
      flowNumber += 1;
      for (const step of steps) {
        (push ? stores.get(step.context)! : spare).push(event(step.context, step.type, flowNumber));
        await turn();
      }
    }
    const used = threadCpu(before);
    return (used.user + used.system) / count;
  };

  const promisesPerFlow = async (push: boolean): Promise<number> => {
    let created = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === "PROMISE") created += 1;
      },
    });
    hook.enable();
    await runFlows(COUNTED_FLOWS, push);
    hook.disable();
    return created / COUNTED_FLOWS;
  };

  const expected = (flows: number): number => flows * deliveriesPerFlow;
  let flowsRun = 0;
  await runFlows(WARM_FLOWS, true);
  flowsRun += WARM_FLOWS;
  const totals: number[] = [];
  const harness: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    totals.push(await runFlows(FLOWS, true));
    flowsRun += FLOWS;
    harness.push(await runFlows(FLOWS, false));
  }
  const promises = (await promisesPerFlow(true)) - (await promisesPerFlow(false));
  flowsRun += COUNTED_FLOWS;
  for (const relay of relays) await relay.stop();
  for (const consumer of consumers) await consumer.stop();
  await bus.close();
  await checkpoints.close();
  await processed.close();
  rmSync(dir, { recursive: true, force: true });
  if (delivered !== expected(flowsRun)) throw new Error(`delivered ${delivered} messages, expected ${expected(flowsRun)}`);

  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  // Each round's harness pass runs right after it, so the difference of the two cancels most of what the machine's
  // other load adds to both.
  const nets = totals.map((total, r) => total - harness[r]!);
  const net = median(nets);
  process.stdout.write(
    `bus: ${steps.length} events, ${subjects.length} published, ${deliveriesPerFlow} deliveries per flow; ` +
      `${round(promises, 1)} promises and ${round(net)} µs CPU per flow (rounds ${nets.map((value) => round(value)).join(", ")} µs; harness ${round(median(harness))} µs)\n`,
  );
  const result = {
    name: "bus",
    flows: FLOWS,
    rounds: ROUNDS,
    eventsPerFlow: steps.length,
    publishedPerFlow: subjects.length,
    deliveriesPerFlow,
    cpuUsPerFlow: round(net, 1),
    cpuUsPerDelivery: round(net / deliveriesPerFlow, 2),
    promisesPerFlow: round(promises, 1),
    harnessCpuUsPerFlow: round(median(harness), 1),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
