import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigError } from "@ihp/platform";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../src/config.js";
import { loadPersistedQueries, persistedQueryHash } from "../src/http/persistedQueries.js";

const BASE = { IDENTITY_GRPC_URL: "identity:50051", REPORTING_GRPC_URL: "reporting:50051" };

describe("gateway HTTP settings (issue 13)", () => {
  it("defaults: no CORS origin, no introspection, a rate limit, persisted queries off", () => {
    const config = loadGatewayConfig(BASE);
    expect(config.GATEWAY_CORS_ORIGINS).toEqual([]);
    expect(config.GATEWAY_INTROSPECTION).toBe(false);
    expect(config.GATEWAY_RATE_LIMIT_MAX).toBe(600);
    expect(config.GATEWAY_RATE_LIMIT_WINDOW_MS).toBe(60_000);
    expect(config.GATEWAY_PERSISTED_ONLY).toBe(false);
    expect(config.GATEWAY_PERSISTED_QUERIES_FILE).toBeUndefined();
  });

  it("introspection is switched on its own, and follows GraphiQL when not set", () => {
    expect(loadGatewayConfig({ ...BASE, GATEWAY_INTROSPECTION: "true" }).GATEWAY_INTROSPECTION).toBe(true);
    expect(loadGatewayConfig({ ...BASE, GATEWAY_GRAPHIQL: "true" }).GATEWAY_INTROSPECTION).toBe(true);
    expect(loadGatewayConfig({ ...BASE, GATEWAY_GRAPHIQL: "true", GATEWAY_INTROSPECTION: "false" }).GATEWAY_INTROSPECTION).toBe(false);
  });

  it("reads the CORS allow-list and refuses what is not an origin; persisted-only needs a list", () => {
    const config = loadGatewayConfig({ ...BASE, GATEWAY_CORS_ORIGINS: "https://doctor.example.cn, http://localhost:5173" });
    expect(config.GATEWAY_CORS_ORIGINS).toEqual(["https://doctor.example.cn", "http://localhost:5173"]);
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadGatewayConfig({ ...BASE, ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((problem) => problem.variable);
      }
    };
    expect(problems({ GATEWAY_CORS_ORIGINS: "*" })).toEqual(["GATEWAY_CORS_ORIGINS"]);
    expect(problems({ GATEWAY_CORS_ORIGINS: "https://a.example/path" })).toEqual(["GATEWAY_CORS_ORIGINS"]);
    expect(problems({ GATEWAY_PERSISTED_ONLY: "true" })).toEqual(["GATEWAY_PERSISTED_ONLY"]);
    expect(problems({ GATEWAY_RATE_LIMIT_MAX: "-1" })).toEqual(["GATEWAY_RATE_LIMIT_MAX"]);
  });

  it("loads a persisted query list whose entries hash to their keys, and refuses one that does not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "persisted-"));
    const query = "query Ping { __typename }";
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ [persistedQueryHash(query)]: query }));
    expect(await loadPersistedQueries(good, true)).toEqual({ queries: { [persistedQueryHash(query)]: query }, only: true });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ["0".repeat(64)]: query }));
    await expect(loadPersistedQueries(bad, false)).rejects.toThrow(/does not hash/);
    expect(await loadPersistedQueries(undefined, false)).toBeUndefined();
  });
});
