import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { type Component, createLifecycle, createLogger, type SignalTarget } from "../src/index.js";
import { LogCapture } from "./support/logCapture.js";

function setup(target?: SignalTarget) {
  const capture = new LogCapture();
  const events: string[] = [];
  const lifecycle = createLifecycle({
    logger: createLogger({ name: "consult", level: "info", destination: capture }),
    defaultStopTimeoutMs: 1_000,
    ...(target === undefined ? {} : { process: target }),
  });
  const component = (name: string, extra: Partial<Component> = {}): Component => ({
    start: () => {
      events.push(`start ${name}`);
    },
    stop: () => {
      events.push(`stop ${name}`);
    },
    ...extra,
  });
  return { lifecycle, events, component, capture };
}

describe("createLifecycle", () => {
  it("starts in order and stops in reverse order", async () => {
    const { lifecycle, events, component } = setup();
    for (const name of ["telemetry", "store", "bus", "relay", "grpc"]) lifecycle.register(name, component(name));
    await lifecycle.start();
    const outcomes = await lifecycle.stop();
    expect(events).toEqual([
      "start telemetry",
      "start store",
      "start bus",
      "start relay",
      "start grpc",
      "stop grpc",
      "stop relay",
      "stop bus",
      "stop store",
      "stop telemetry",
    ]);
    expect(outcomes.map(({ name, outcome }) => `${name}:${outcome}`)).toEqual([
      "grpc:stopped",
      "relay:stopped",
      "bus:stopped",
      "store:stopped",
      "telemetry:stopped",
    ]);
  });

  it("abandons a hanging stop after its timeout and still stops the rest", async () => {
    const { lifecycle, events, component, capture } = setup();
    lifecycle.register("store", component("store"));
    lifecycle.register("consumer", component("consumer", { stop: () => new Promise<void>(() => undefined), stopTimeoutMs: 20 }));
    lifecycle.register("grpc", component("grpc"));
    await lifecycle.start();
    const outcomes = await lifecycle.stop();
    expect(outcomes.map(({ outcome }) => outcome)).toEqual(["stopped", "timed_out", "stopped"]);
    expect(events.slice(-2)).toEqual(["stop grpc", "stop store"]);
    expect(capture.records().some((line) => line["msg"] === "stop timed out; abandoned" && line["component"] === "consumer")).toBe(true);
  });

  it("keeps stopping after a component fails to stop", async () => {
    const { lifecycle, events, component } = setup();
    lifecycle.register("store", component("store"));
    lifecycle.register("bus", component("bus", { stop: () => Promise.reject(new Error("drain failed")) }));
    await lifecycle.start();
    expect((await lifecycle.stop()).map(({ outcome }) => outcome)).toEqual(["failed", "stopped"]);
    expect(events).toContain("stop store");
  });

  it("is idempotent: concurrent and repeated stops share one run", async () => {
    const { lifecycle, events, component } = setup();
    lifecycle.register("store", component("store"));
    await lifecycle.start();
    const [first, second] = await Promise.all([lifecycle.stop(), lifecycle.stop("again")]);
    expect(second).toBe(first);
    expect(await lifecycle.stop()).toBe(first);
    expect(events.filter((event) => event === "stop store")).toHaveLength(1);
  });

  it("stops what already started when a later start fails, and only that", async () => {
    const { lifecycle, events, component } = setup();
    lifecycle.register("store", component("store"));
    lifecycle.register("bus", component("bus", { start: () => Promise.reject(new Error("NATS unreachable")) }));
    lifecycle.register("grpc", component("grpc"));
    await expect(lifecycle.start()).rejects.toThrow("NATS unreachable");
    expect(events).toEqual(["start store", "stop store"]);
    expect(() => lifecycle.register("late", component("late"))).toThrow(/after start/);
  });

  it("lets a start in progress finish before stopping it in its place", async () => {
    const { lifecycle, events, component } = setup();
    let finishStart: (() => void) | undefined;
    lifecycle.register("store", component("store"));
    lifecycle.register(
      "bus",
      component("bus", {
        start: () =>
          new Promise<void>((resolve) => {
            events.push("start bus");
            finishStart = resolve;
          }),
      }),
    );
    lifecycle.register("grpc", component("grpc"));
    const starting = lifecycle.start();
    await expect.poll(() => finishStart).toBeDefined();
    const stopping = lifecycle.stop();
    finishStart?.();
    await expect(starting).rejects.toThrow(/stopped while starting/);
    await stopping;
    expect(events).toEqual(["start store", "start bus", "stop bus", "stop store"]);
  });

  it("stops on SIGTERM and exits 0", async () => {
    const exits: number[] = [];
    const target = Object.assign(new EventEmitter(), { exit: (code: number) => void exits.push(code) });
    const { lifecycle, events, component } = setup(target);
    const unsubscribe = lifecycle.handleSignals();
    lifecycle.register("store", component("store"));
    await lifecycle.start();
    target.emit("SIGTERM");
    await expect.poll(() => exits).toEqual([0]);
    expect(events).toEqual(["start store", "stop store"]);
    unsubscribe();
    expect(target.listenerCount("SIGTERM") + target.listenerCount("SIGINT")).toBe(0);
  });

  it("exits 1 at once on a second signal while still draining", async () => {
    const exits: number[] = [];
    const target = Object.assign(new EventEmitter(), { exit: (code: number) => void exits.push(code) });
    const { lifecycle, component } = setup(target);
    let stopCalled = false;
    lifecycle.handleSignals();
    lifecycle.register(
      "grpc",
      component("grpc", {
        stop: () => {
          stopCalled = true;
          return new Promise<void>(() => undefined);
        },
        stopTimeoutMs: 30_000,
      }),
    );
    await lifecycle.start();
    target.emit("SIGTERM");
    await expect.poll(() => stopCalled).toBe(true);
    expect(exits).toEqual([]);
    target.emit("SIGINT");
    expect(exits).toEqual([1]);
  });

  it("exits 1 after a signal when a component did not stop cleanly", async () => {
    const exits: number[] = [];
    const target = Object.assign(new EventEmitter(), { exit: (code: number) => void exits.push(code) });
    const { lifecycle, component } = setup(target);
    lifecycle.handleSignals();
    lifecycle.register("bus", component("bus", { stop: () => Promise.reject(new Error("drain failed")) }));
    await lifecycle.start();
    target.emit("SIGINT");
    await expect.poll(() => exits).toEqual([1]);
  });
});
