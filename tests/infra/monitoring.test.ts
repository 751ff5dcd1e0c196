import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmbeddedPlatform, startEmbeddedPlatform } from "@ihp/runner";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Issue 14 item 3: the alert rules and the dashboard name only metrics a running platform exports, so renaming a
// metric breaks this test instead of silently blinding an alert.

const ROOT = join(import.meta.dirname, "..", "..");
const RULES = join(ROOT, "infra", "monitoring", "alerts.yaml");
const DASHBOARD = join(ROOT, "infra", "monitoring", "dashboard.json");

/** Series Prometheus makes itself for every target: no process exports them. */
const SYNTHETIC = new Set(["up"]);
const KEYWORDS = new Set(["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "le", "inf", "nan"]);

/** The metric names a PromQL expression reads (labels, functions, keywords, strings and durations left out). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/(?<![A-Za-z0-9_:])\d[\d.]*(?:e[+-]?\d+)?/gi, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const token = match[0];
    const next = bare.slice((match.index ?? 0) + token.length).trimStart();
    if (next.startsWith("(") || KEYWORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names];
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

function ruleExpressions(): { where: string; expr: string }[] {
  const file = load(readFileSync(RULES, "utf8")) as RuleFile;
  return file.groups.flatMap((group) => group.rules.map((rule) => ({ where: `${group.name}/${rule.alert ?? rule.record ?? "?"}`, expr: rule.expr })));
}

function dashboardExpressions(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: { title: string; targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })));
}

/** Metric family names in a Prometheus text exposition (# TYPE lines), with each histogram's _bucket/_sum/_count. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split("\n")) {
    const typed = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typed === null) continue;
    const [, name = "", type] = typed;
    names.add(name);
    if (type === "histogram" || type === "summary") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
  }
  return names;
}

describe("monitoring: alert rules and dashboard against a running embedded platform (issue 14 item 3)", () => {
  let platform: EmbeddedPlatform;
  let dataDir: string;
  let exposition = "";

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "ihp-monitoring-"));
    platform = await startEmbeddedPlatform({ dataDir, gatewayPort: 0, logLevel: "silent", metricsPort: 0 });
    // One GraphQL request, so the gateway's request series have samples too.
    await fetch(platform.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    if (platform.metricsUrl === undefined) throw new Error("the embedded platform serves no /metrics");
    const response = await fetch(platform.metricsUrl);
    expect(response.status).toBe(200);
    exposition = await response.text();
  });
  afterAll(async () => {
    await platform.stop("test");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reads metric names out of PromQL, leaving labels, functions and keywords out", () => {
    expect(metricNames('sum by (le) (rate(ihp_x_bucket{outcome!="ok",a=~"b|c"}[5m])) / clamp_min(up, 1e-9) > 2 and on (job) ihp_y')).toEqual(["ihp_x_bucket", "up", "ihp_y"]);
  });

  it("one /metrics serves every service's and the gateway's series, each under its own service label", () => {
    for (const service of ["identity", "consult", "prescription", "pharmacy", "reporting", "gateway"]) {
      expect(exposition, service).toMatch(new RegExp(`^ihp_[a-z_]+(?:_bucket|_count|_sum)?\\{[^}]*service="${service}"`, "m"));
    }
    // The event-sourced services each report their relay lag and append latency under their own label.
    for (const context of ["identity", "consult", "prescription", "pharmacy", "reporting"]) {
      expect(exposition).toMatch(new RegExp(`^ihp_relay_lag_events\\{context="${context}",service="${context}"\\} \\d+`, "m"));
    }
    // Every service's grpc.health.v1 reports SERVING (reporting included, which starts outside the service host).
    for (const context of ["identity", "consult", "prescription", "pharmacy", "reporting"]) {
      expect(exposition).toMatch(new RegExp(`^ihp_health_serving\\{context="${context}",service="${context}"\\} 1$`, "m"));
    }
    expect(exposition).toMatch(/^ihp_gateway_requests_total\{operation="[^"]+",outcome="ok",service="gateway"\} [1-9]/m);
    // Process series once, not once per service.
    expect(exposition.match(/^# TYPE process_resident_memory_bytes /gm)).toHaveLength(1);
  });

  it("every metric the alert rules and the dashboard name is exported", () => {
    const exported = exportedNames(exposition);
    const used = [...ruleExpressions(), ...dashboardExpressions()];
    expect(used.length).toBeGreaterThan(15);
    const missing = used.flatMap(({ where, expr }) => metricNames(expr).filter((name) => !SYNTHETIC.has(name) && !exported.has(name)).map((name) => `${where}: ${name}`));
    expect(missing).toEqual([]);
  });

  it("the alert rules cover relay lag, projection lag, dead letters, checkpoint age, NOT_SERVING, the gateway's errors and p99 latency", () => {
    const all = ruleExpressions().map((rule) => rule.expr).join("\n");
    for (const name of ["ihp_relay_lag_events", "ihp_projection_lag_events", "ihp_dead_letters_total", "ihp_log_checkpoint_age_seconds", "ihp_health_serving", "ihp_gateway_requests_total", "ihp_gateway_request_seconds_bucket"]) {
      expect(all, name).toContain(name);
    }
    // Checkpoint age: above twice the default interval (CHECKPOINT_INTERVAL_SECONDS 3600).
    expect(all).toMatch(/ihp_log_checkpoint_age_seconds > 2 \* 3600/);
  });

  const promtool = spawnSync("promtool", ["--version"]).status === 0;
  if (!promtool) console.warn("[monitoring] promtool check skipped: promtool is not installed (apt-get install prometheus provides it)");
  it.skipIf(!promtool)("promtool accepts the rule file", () => {
    expect(execFileSync("promtool", ["check", "rules", RULES], { encoding: "utf8" })).toMatch(/SUCCESS: \d+ rules found/);
  });
});
