import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { ServerResponse, IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { Socket } from "node:net";
import helmet from "helmet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP, dashboardRoutes } from "../src/http/dashboard.js";
import { applySecurityHeaders, securityHeaders } from "../src/http/securityHeaders.js";
import { type Harness, startHarness } from "./support/harness.js";

/** The headers helmet's own middleware puts on a real response for these options. */
function helmetOnAResponse(contentSecurityPolicy: boolean): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  let failure: unknown;
  helmet({ contentSecurityPolicy: contentSecurityPolicy ? undefined : false })(request, response, (error?: unknown) => {
    failure = error;
  });
  expect(failure).toBeUndefined();
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]));
}

describe("security headers (issue 13 item 13; worked out once, issue 15)", () => {
  it("are exactly the headers helmet's middleware sets, with and without the content security policy", () => {
    expect(Object.fromEntries(securityHeaders({ contentSecurityPolicy: true }))).toEqual(helmetOnAResponse(true));
    expect(Object.fromEntries(securityHeaders({ contentSecurityPolicy: false }))).toEqual(helmetOnAResponse(false));
    expect(Object.fromEntries(securityHeaders({ contentSecurityPolicy: true }))["content-security-policy"]).toContain("default-src 'self'");
    expect(Object.fromEntries(securityHeaders({ contentSecurityPolicy: false }))["content-security-policy"]).toBeUndefined();
  });

  it("give way to a route's own header of the same name: the dashboard's stricter content security policy", async () => {
    const directory = mkdtempSync(join(tmpdir(), "ihp-dashboard-"));
    const app = Fastify();
    try {
      writeFileSync(join(directory, "index.html"), "<!doctype html><title>dashboard</title>");
      app.addHook("onRequest", applySecurityHeaders(securityHeaders({ contentSecurityPolicy: true })));
      await app.register(dashboardRoutes(directory));
      const page = await app.inject({ method: "GET", url: "/dashboard/" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-security-policy"]).toBe(DASHBOARD_CSP);
      expect(page.headers["referrer-policy"]).toBe("no-referrer");
      expect(page.headers["strict-transport-security"]).toBe(helmetOnAResponse(true)["strict-transport-security"]);
    } finally {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  describe("on the gateway", () => {
    let h: Harness;
    let graphiql: Harness;
    beforeAll(async () => {
      h = await startHarness();
      graphiql = await startHarness({ graphiql: true });
    });
    afterAll(async () => {
      await h.close();
      await graphiql.close();
    });

    it("are on every answer: a query, an anonymous public query, a refusal, an unknown route, a health check", async () => {
      const expected = helmetOnAResponse(true);
      const answers = await Promise.all([
        h.app.inject({ method: "POST", url: "/graphql", payload: { query: "{ __typename }" } }),
        h.app.inject({ method: "POST", url: "/graphql", payload: { query: "{ publicInstitutions(first: 1) { edges { node { id } } } }" } }),
        h.app.inject({ method: "POST", url: "/graphql", headers: { accept: "application/graphql-response+json" }, payload: { query: "{ nope }" } }),
        h.app.inject({ method: "GET", url: "/nowhere" }),
        h.app.inject({ method: "GET", url: "/healthz" }),
      ]);
      for (const answer of answers) {
        for (const [name, value] of Object.entries(expected)) expect(answer.headers[name], `${answer.statusCode} ${name}`).toBe(value);
      }
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 400, 404, 200]);
    });

    it("leave the content security policy off while GraphiQL is served, and keep the others", async () => {
      const answer = await graphiql.app.inject({ method: "GET", url: "/healthz" });
      expect(answer.headers["content-security-policy"]).toBeUndefined();
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["strict-transport-security"]).toBe(helmetOnAResponse(false)["strict-transport-security"]);
    });
  });
});
