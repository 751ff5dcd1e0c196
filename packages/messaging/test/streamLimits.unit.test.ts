import { describe, expect, it } from "vitest";
import { contextStream, streamLimitsFromEnv, wantedConfig } from "../src/natsStreams.js";

// Issue 14 item 2: stream replicas and byte limits come from the deployment (NATS_STREAM_REPLICAS,
// NATS_STREAM_MAX_BYTES via service-host); one replica and no byte limit when unset, as dev and tests run one server.
describe("context stream limits (issue 14 item 2)", () => {
  it("defaults to 1 replica and no byte limit", () => {
    const config = wantedConfig(contextStream("identity"), 120_000);
    expect([config.num_replicas, config.max_bytes]).toEqual([1, -1]);
  });

  it("takes the replicas and byte limit the deployment sets", () => {
    const config = wantedConfig(contextStream("identity", { replicas: 3, maxBytes: 8 * 1024 ** 3 }), 120_000);
    expect([config.num_replicas, config.max_bytes]).toEqual([3, 8 * 1024 ** 3]);
  });
});

describe("stream limits from the environment (issue 14 item 2)", () => {
  it("every caller of contextStream without limits gets the deployment's, so none provisions the stream back to 1 replica", () => {
    expect(streamLimitsFromEnv({ NATS_STREAM_REPLICAS: "3", NATS_STREAM_MAX_BYTES: "2147483648" })).toEqual({ replicas: 3, maxBytes: 2147483648 });
    expect(streamLimitsFromEnv({})).toEqual({ replicas: undefined, maxBytes: undefined });
    const saved = process.env["NATS_STREAM_REPLICAS"];
    process.env["NATS_STREAM_REPLICAS"] = "3";
    try {
      expect(wantedConfig(contextStream("reporting"), 120_000).num_replicas).toBe(3);
    } finally {
      if (saved === undefined) delete process.env["NATS_STREAM_REPLICAS"];
      else process.env["NATS_STREAM_REPLICAS"] = saved;
    }
  });

  it("refuses a malformed value rather than provisioning with the default", () => {
    expect(() => streamLimitsFromEnv({ NATS_STREAM_REPLICAS: "three" })).toThrow(/NATS_STREAM_REPLICAS/);
    expect(() => streamLimitsFromEnv({ NATS_STREAM_MAX_BYTES: "0" })).toThrow(/NATS_STREAM_MAX_BYTES/);
  });
});
