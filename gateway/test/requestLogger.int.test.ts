import { tmpdir } from "node:os";
import { join } from "node:path";

import { createLogger, type Logger } from "@ihp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lazyRequestLogger } from "../src/http/requestLogger.js";
import { type Harness, startHarness } from "./support/harness.js";

/** A platform logger whose lines are kept, and a count of the children made of it. */
function countingLogger(level: "info" | "debug") {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: "gateway", level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  const counts = { children: 0 };
  const child = logger.child;
  logger.child = function (this: Logger, ...args: Parameters<Logger["child"]>) {
    counts.children += 1;
    return child.apply(this, args);
  } as Logger["child"];
  return { logger, lines, counts };
}

describe("request logger (issue 15: request.log's child is made when something logs through it)", () => {
  it("makes no child while nothing is logged, or only what the level drops; one, bound to the reqId, for what is logged", () => {
    const { logger, lines, counts } = countingLogger("info");
    const quiet = lazyRequestLogger(logger, { reqId: "req-1" }, {});
    quiet.debug("dropped");
    quiet.trace({ a: 1 }, "dropped");
    expect(quiet.level).toBe("info");
    expect(counts.children).toBe(0);
    expect(lines).toEqual([]);

    const used = lazyRequestLogger(logger, { reqId: "req-2" }, {});
    used.warn({ directory: "/x" }, "first");
    used.error("second");
    expect(counts.children).toBe(1);
    expect(lines.map((line) => [line["reqId"], line["msg"], line["level"]])).toEqual([
      ["req-2", "first", 40],
      ["req-2", "second", 50],
    ]);
  });

  it("keeps a route's own log level, and masks what it logs as the platform logger does", () => {
    const { logger, lines } = countingLogger("info");
    const verbose = lazyRequestLogger(logger, { reqId: "req-3" }, { level: "debug" });
    expect(verbose.level).toBe("debug");
    verbose.debug({ authorization: "Bearer abc.def.ghi" }, "kept");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: "req-3", msg: "kept", authorization: "[REDACTED]" });
    verbose.child({ part: "x" }).debug("nested");
    expect(lines[1]).toMatchObject({ reqId: "req-3", part: "x", msg: "nested" });
  });

  describe("on the gateway", () => {
    let h: Harness;
    const { logger, lines, counts } = countingLogger("info");
    beforeAll(async () => {
      // A dashboard directory with nothing built in it: the route logs through request.log.
      h = await startHarness({ logger, dashboardDir: join(tmpdir(), "ihp-no-dashboard") });
    });
    afterAll(async () => {
      await h.close();
    });

    it("logs every request's summary line with its reqId, without a child logger per request", async () => {
      lines.length = 0;
      const before = counts.children;
      for (let i = 0; i < 5; i++) {
        const response = await h.app.inject({ method: "POST", url: "/graphql", payload: { query: "{ publicInstitutions(first: 1) { edges { node { id } } } }" } });
        expect(response.statusCode).toBe(200);
      }
      expect(counts.children - before).toBe(0);
      const summaries = lines.filter((line) => line["msg"] === "request completed");
      expect(summaries).toHaveLength(5);
      for (const line of summaries) expect(line).toMatchObject({ reqId: expect.stringMatching(/^req-/) as unknown, method: "POST", path: "/graphql", status: 200 });
      expect(new Set(summaries.map((line) => line["reqId"])).size).toBe(5);
    });

    it("still binds the reqId to a line a route logs through request.log", async () => {
      lines.length = 0;
      const response = await h.app.inject({ method: "GET", url: "/dashboard/" });
      expect(response.statusCode).toBe(404);
      const warning = lines.find((line) => line["msg"] === "the dashboard is not built (npm run build)");
      const summary = lines.find((line) => line["msg"] === "request completed");
      expect(warning?.["reqId"]).toMatch(/^req-/);
      expect(warning?.["reqId"]).toBe(summary?.["reqId"]);
    });
  });
});
