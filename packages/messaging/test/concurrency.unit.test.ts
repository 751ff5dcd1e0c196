import { describe, expect, it } from "vitest";
import { concurrencyOf, limiter } from "../src/concurrency.js";
import { InvalidConcurrencyError } from "../src/errors.js";
import { maxAckPendingFor } from "../src/natsDurables.js";

const spec = (concurrency?: number) => ({ durable: "d", subjects: ["ihp.x.>"], ...(concurrency === undefined ? {} : { concurrency }) });

describe("concurrencyOf", () => {
  it("is 1 when unset and the value when a positive integer", () => {
    expect(concurrencyOf(spec())).toBe(1);
    expect(concurrencyOf(spec(4))).toBe(4);
  });

  it("refuses anything else with INVALID_CONCURRENCY, a TypeError", () => {
    for (const bad of [0, -2, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => concurrencyOf(spec(bad))).toThrow(InvalidConcurrencyError);
      expect(() => concurrencyOf(spec(bad))).toThrow(TypeError);
    }
  });
});

describe("limiter", () => {
  it("holds at most `limit` slots, hands a freed slot to the oldest waiter, and is idle once all are released", async () => {
    const slots = limiter(2);
    const order: string[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push("third"));
    const fourth = slots.acquire().then(() => order.push("fourth"));
    let idle = false;
    const idling = slots.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await third;
    expect(order).toEqual(["third"]);
    slots.release();
    await fourth;
    slots.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    slots.release();
    await idling;
    expect(idle).toBe(true);
    await slots.idle();
  });
});

describe("maxAckPendingFor", () => {
  it("raises the configured value to the concurrency and keeps unlimited (-1)", () => {
    expect(maxAckPendingFor({ configured: 2, atLeast: 5 }, 2)).toBe(5);
    expect(maxAckPendingFor({ configured: 10, atLeast: 5 }, undefined)).toBe(10);
    expect(maxAckPendingFor({ configured: -1, atLeast: 5 }, 3)).toBe(-1);
  });

  it("without a configured value leaves the server's unless it is below the concurrency", () => {
    expect(maxAckPendingFor({ configured: undefined, atLeast: 4 }, undefined)).toBeUndefined();
    expect(maxAckPendingFor({ configured: undefined, atLeast: 4 }, 1_000)).toBeUndefined();
    expect(maxAckPendingFor({ configured: undefined, atLeast: 4 }, -1)).toBeUndefined();
    expect(maxAckPendingFor({ configured: undefined, atLeast: 4 }, 1)).toBe(4);
  });
});
