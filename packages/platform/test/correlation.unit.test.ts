import { Metadata } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";

import { CORRELATION_HEADER, correlationIdOf } from "../src/index.js";

function withHeader(value: string | undefined): Metadata {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set(CORRELATION_HEADER, value);
  return metadata;
}

describe("correlationIdOf", () => {
  const fresh = () => "fresh-id";

  it("keeps a well-formed correlation id the caller sent", () => {
    expect(correlationIdOf(withHeader("corr:2026-12.07_a"), fresh)).toBe("corr:2026-12.07_a");
    expect(correlationIdOf(withHeader("x".repeat(128)), fresh)).toBe("x".repeat(128));
  });

  it("replaces a missing, empty, over-long or malformed one with a fresh id (it is stored in audit records)", () => {
    for (const header of [undefined, "", "x".repeat(129), "has space", "<script>", "a/b"]) {
      expect(correlationIdOf(withHeader(header), fresh), JSON.stringify(header)).toBe("fresh-id");
    }
  });
});
