import { describe, expect, it } from "vitest";

import { waitFor } from "@ihp/testing";

describe("waitFor", () => {
  it("resolves once the condition holds, sync or async", async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3);
    expect(calls).toBe(3);
    let asyncCalls = 0;
    await waitFor(() => Promise.resolve(++asyncCalls >= 2));
    expect(asyncCalls).toBe(2);
  });

  it("rejects after the timeout, naming what it waited for", async () => {
    await expect(waitFor(() => false, 30, "the relay to publish")).rejects.toThrow(
      /timed out after 30 ms waiting for the relay to publish/,
    );
  });
});
