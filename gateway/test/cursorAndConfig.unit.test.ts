import { ConfigError } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../src/config.js";
import { decodeCursor, encodeCursor } from "../src/paging/cursor.js";

describe("cursors", () => {
  it("round-trip and refuse what the gateway did not make", () => {
    expect(decodeCursor(encodeCursor({ after: "abc", skip: 3 }), 100)).toEqual({ after: "abc", skip: 3 });
    for (const bad of ["", "%%%", Buffer.from("[]").toString("base64url"), encodeCursor({ after: "x", skip: 101 })]) {
      expect(() => decodeCursor(bad, 100)).toThrow(expect.objectContaining({ code: "INVALID_CURSOR" }));
    }
  });
});

describe("loadGatewayConfig", () => {
  it("reads the gateway's variables on top of the platform's, with defaults", () => {
    const config = loadGatewayConfig({ IDENTITY_GRPC_URL: "identity:50051", REPORTING_GRPC_URL: "dns:///reporting:50051" });
    expect(config).toMatchObject({
      SERVICE_NAME: "gateway",
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: 4000,
      GATEWAY_GRAPHIQL: false,
      GATEWAY_CALL_TIMEOUT_MS: 5_000,
      AUTH_MODE: "builtin",
    });
  });

  it("lists every problem at once, naming variables but never values", () => {
    let thrown: unknown;
    try {
      loadGatewayConfig({ GATEWAY_PORT: "99999", GATEWAY_GRAPHIQL: "yes", AUTH_MODE: "oidc", REPORTING_GRPC_URL: "secret value" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const variables = (thrown as ConfigError).problems.map((problem) => problem.variable);
    expect(variables).toEqual(
      expect.arrayContaining(["GATEWAY_GRAPHIQL", "GATEWAY_PORT", "IDENTITY_GRPC_URL", "OIDC_AUDIENCE", "OIDC_ISSUER", "OIDC_JWKS_URL", "REPORTING_GRPC_URL"]),
    );
    expect((thrown as Error).message).not.toContain("secret value");
  });
});
