import { describe, expect, it } from "vitest";
import { contextStream, wantedConfig } from "../src/natsStreams.js";

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
