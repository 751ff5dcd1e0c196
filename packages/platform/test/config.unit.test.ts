import { describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigSchema, ConfigError, loadConfig, requiredUnless, serviceConfigSchema } from "../src/index.js";

const minimal = { SERVICE_NAME: "consult" };

function problemsOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).problems.map((p) => [p.variable, p.problem]));
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the embedded-mode defaults", () => {
    const config = loadConfig(baseConfigSchema, minimal);
    expect(config).toEqual({
      SERVICE_NAME: "consult",
      LOG_LEVEL: "info",
      GRPC_HOST: "127.0.0.1",
      GRPC_PORT: 50051,
      METRICS_PORT: 9464,
      DATA_DIR: "./data",
      AUTH_MODE: "builtin",
      SHUTDOWN_GRACE_MS: 20_000,
      CHECKPOINT_INTERVAL_SECONDS: 60,
    });
  });

  it("coerces numbers, accepts port 0 and treats blank values as unset", () => {
    const config = loadConfig(baseConfigSchema, { ...minimal, GRPC_PORT: "0", METRICS_PORT: "9100", NATS_URL: "  " });
    expect(config.GRPC_PORT).toBe(0);
    expect(config.METRICS_PORT).toBe(9100);
    expect(config.NATS_URL).toBeUndefined();
  });

  it("reports every bad or missing variable in one error", () => {
    const problems = problemsOf(() =>
      loadConfig(baseConfigSchema, {
        GRPC_PORT: "70000",
        LOG_LEVEL: "loud",
        AUTH_MODE: "oidc",
        OIDC_ISSUER: "not a url",
        NATS_URL: "http://nats:4222",
      }),
    );
    expect(Object.keys(problems)).toEqual([
      "BUS_TRANSIT_KEY_FILE",
      "GRPC_PORT",
      "LOG_LEVEL",
      "NATS_URL",
      "OIDC_AUDIENCE",
      "OIDC_ISSUER",
      "OIDC_JWKS_URL",
      "SERVICE_NAME",
    ]);
    expect(problems["SERVICE_NAME"]).toBe("required but not set");
    expect(problems["OIDC_JWKS_URL"]).toBe("required when AUTH_MODE=oidc");
    expect(problems["OIDC_AUDIENCE"]).toBe("required when AUTH_MODE=oidc");
  });

  it("lists problems readably and never echoes the values", () => {
    const secret = "s3cr3t-Value-DO-NOT-PRINT";
    try {
      loadConfig(baseConfigSchema, { ...minimal, GRPC_PORT: secret, OIDC_ISSUER: secret, DATA_DIR: "" });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid configuration \(2 problems\):\n {2}- GRPC_PORT: .+\n {2}- OIDC_ISSUER: .+$/);
      expect(message).not.toContain(secret);
    }
  });

  it("accepts a complete OIDC configuration", () => {
    const config = loadConfig(baseConfigSchema, {
      ...minimal,
      AUTH_MODE: "oidc",
      OIDC_ISSUER: "https://login.example.cn/realms/ihp",
      OIDC_JWKS_URL: "https://login.example.cn/realms/ihp/protocol/openid-connect/certs",
      OIDC_AUDIENCE: "ihp",
      NATS_URL: "nats://nats-0:4222,nats://nats-1:4222",
      BUS_TRANSIT_KEY_FILE: "/etc/ihp/bus-transit/keys.json",
    });
    expect(config.AUTH_MODE).toBe("oidc");
    expect(config.OIDC_AUDIENCE).toBe("ihp");
  });

  it("XC-01: a NATS bus needs its transit key file (payloads sealed at rest in JetStream)", () => {
    const problems = problemsOf(() => loadConfig(baseConfigSchema, { ...minimal, NATS_URL: "nats://nats:4222" }));
    expect(problems).toEqual({ BUS_TRANSIT_KEY_FILE: "required with NATS_URL: bus payloads are sealed at rest in JetStream" });
  });

  it("needs both TLS files or neither", () => {
    const problems = problemsOf(() => loadConfig(baseConfigSchema, { ...minimal, GRPC_TLS_CERT_FILE: "/tls/tls.crt" }));
    expect(problems).toEqual({ GRPC_TLS_KEY_FILE: "TLS needs both GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE" });
  });

  it("extends the base with a service's own variables and keeps the cross-variable rules", () => {
    const schema = serviceConfigSchema({ CONSULT_MAX_OPEN: z.coerce.number().int().positive() });
    expect(loadConfig(schema, { ...minimal, CONSULT_MAX_OPEN: "3" }).CONSULT_MAX_OPEN).toBe(3);
    const problems = problemsOf(() => loadConfig(schema, { ...minimal, AUTH_MODE: "oidc" }));
    expect(Object.keys(problems)).toEqual(["CONSULT_MAX_OPEN", "OIDC_AUDIENCE", "OIDC_ISSUER", "OIDC_JWKS_URL"]);
    expect(() => serviceConfigSchema({ GRPC_PORT: z.string() })).toThrow(/base variable/);
  });
});

describe("requiredUnless", () => {
  it("gives a set value and names an unset variable with what would replace it", () => {
    expect(requiredUnless("127.0.0.1:50051", "IDENTITY_GRPC_ADDRESS", "an identity port is given")).toBe("127.0.0.1:50051");
    expect(problemsOf(() => requiredUnless(undefined, "IDENTITY_GRPC_ADDRESS", "an identity port is given"))).toEqual({
      IDENTITY_GRPC_ADDRESS: "required unless an identity port is given",
    });
  });
});
