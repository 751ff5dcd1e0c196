import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  beijingDate,
  demoActors,
  type DemoSeed,
  type EmbeddedPlatform,
  type FlowActors,
  graphql,
  loginAs,
  runClinicalFlow,
  seedDemo,
  startEmbeddedPlatform,
} from "@ihp/runner";
import { waitFor, writeWeekendOnlyCalendarFile } from "@ihp/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Issue 12 item 8: the supervision dashboard page, served by the gateway at /dashboard/, in real Chromium. After a
// seeded clinical flow it signs in, loads the page, and checks every rendered figure against what the read models
// answer through GraphQL with the same token and the same period; refusals are shown, not a blank page.

const CHROMIUM = "/usr/bin/chromium";
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DASHBOARD_DIR = join(REPO, "dashboard");
const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
// runner/src/demoSeed.ts: the demo institution's administrator (a variant's is admin@<variant>, same password).
const ADMIN_LOGIN = "admin@demo-hospital";
const ADMIN_PASSWORD = "Demo-admin-pass-1";
const OTHER = "dashboard-other";

const DASHBOARD_QUERY = `query ($institutionId: ID, $jurisdiction: String, $from: String!, $to: String!) {
  supervisionDashboard(institutionId: $institutionId, jurisdiction: $jurisdiction, from: $from, to: $to) {
    from to asOf consultsByType { key count } consultsByDepartment { key count }
    prescriptionsIssued prescriptionsApproved prescriptionsReturned prescriptionsRejected prescriptionReasons { key count }
    reviewTurnaround { count medianMinutes p90Minutes } consultResponse { count medianMinutes p90Minutes }
    terminations referrals terminationReasons { key count } adverseEventsBySeverity { key count } complaintsByStatus { key count }
    openAnomalyCases { caseId institutionId openedAt dueOn overdue } } }`;
const DELIVERY_QUERY = `query ($institutionId: ID, $jurisdiction: String) {
  regulatorDeliveryStatus(institutionId: $institutionId, jurisdiction: $jurisdiction) {
    asOf unacknowledged deadLettered oldestUnacknowledgedAt ackLagMedianSeconds
    pendingUploads { kind subjectId institutionId changedAt dueOn overdue } } }`;

type Counts = { key: string; count: number }[];
type Durations = { count: number; medianMinutes: number | null; p90Minutes: number | null };
interface Dashboard {
  from: string;
  to: string;
  asOf: string | null;
  consultsByType: Counts;
  consultsByDepartment: Counts;
  prescriptionsIssued: number;
  prescriptionsApproved: number;
  prescriptionsReturned: number;
  prescriptionsRejected: number;
  prescriptionReasons: Counts;
  reviewTurnaround: Durations;
  consultResponse: Durations;
  terminations: number;
  referrals: number;
  terminationReasons: Counts;
  adverseEventsBySeverity: Counts;
  complaintsByStatus: Counts;
  openAnomalyCases: { caseId: string; overdue: boolean }[];
}
interface Delivery {
  asOf: string;
  unacknowledged: number;
  deadLettered: number;
  oldestUnacknowledgedAt: string | null;
  ackLagMedianSeconds: number | null;
  pendingUploads: { kind: string; subjectId: string; overdue: boolean }[];
}
type Scope = { institutionId: string } | { jurisdiction: string };

/** The figures the page must show for a dashboard answer, by data-figure name, as their raw values (data-value). */
function expectedDashboardFigures(d: Dashboard): Record<string, string> {
  const figures: Record<string, string | number | null> = {
    from: d.from,
    to: d.to,
    asOf: d.asOf,
    "consultsByType.total": d.consultsByType.reduce((sum, { count }) => sum + count, 0),
    prescriptionsIssued: d.prescriptionsIssued,
    prescriptionsApproved: d.prescriptionsApproved,
    prescriptionsReturned: d.prescriptionsReturned,
    prescriptionsRejected: d.prescriptionsRejected,
    terminations: d.terminations,
    referrals: d.referrals,
    "openAnomalyCases.open": d.openAnomalyCases.length,
    "openAnomalyCases.overdue": d.openAnomalyCases.filter((c) => c.overdue).length,
  };
  for (const name of ["consultsByType", "consultsByDepartment", "prescriptionReasons", "terminationReasons", "adverseEventsBySeverity", "complaintsByStatus"] as const) {
    for (const { key, count } of d[name]) figures[`${name}.${key}`] = count;
  }
  for (const name of ["reviewTurnaround", "consultResponse"] as const) {
    for (const part of ["count", "medianMinutes", "p90Minutes"] as const) figures[`${name}.${part}`] = d[name][part];
  }
  return Object.fromEntries(Object.entries(figures).map(([name, value]) => [name, value === null ? "null" : String(value)]));
}

function expectedDeliveryFigures(s: Delivery): Record<string, string> {
  const figures: Record<string, string | number | null> = {
    "delivery.unacknowledged": s.unacknowledged,
    "delivery.deadLettered": s.deadLettered,
    "delivery.ackLagMedianSeconds": s.ackLagMedianSeconds,
    "delivery.oldestUnacknowledgedAt": s.oldestUnacknowledgedAt,
    // delivery.asOf is the time of each answer: checked apart (the page's is not later than the test's own).
    "pendingUploads.pending": s.pendingUploads.length,
    "pendingUploads.overdue": s.pendingUploads.filter((u) => u.overdue).length,
  };
  return Object.fromEntries(Object.entries(figures).map(([name, value]) => [name, value === null ? "null" : String(value)]));
}

/** Every figure cell on the page: data-figure → data-value (the raw number or text; "null" when missing). */
async function renderedFigures(page: Page): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};
  for (const cell of await page.locator("[data-figure]").all()) figures[(await cell.getAttribute("data-figure")) ?? ""] = (await cell.getAttribute("data-value")) ?? "";
  return figures;
}

const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();

/** The figures of one part of the page (the dashboard's or the delivery's), without the period cells of the header. */
function only(figures: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(figures).filter(([name]) => names.some((prefix) => name === prefix || name.startsWith(`${prefix}.`))));
}

const DASHBOARD_NAMES = ["from", "to", "asOf", "consultsByType", "consultsByDepartment", "prescriptionsIssued", "prescriptionsApproved", "prescriptionsReturned", "prescriptionsRejected", "prescriptionReasons", "reviewTurnaround", "consultResponse", "terminations", "referrals", "terminationReasons", "adverseEventsBySeverity", "complaintsByStatus", "openAnomalyCases"];
const DELIVERY_NAMES = ["delivery", "pendingUploads"];
const withoutDeliveryTime = (figures: Record<string, string>) => Object.fromEntries(Object.entries(only(figures, DELIVERY_NAMES)).filter(([name]) => name !== "delivery.asOf"));

async function loaded(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
}

/**
 * What the page shows for `scope` and what GraphQL answers the same token for the same period. The read models may
 * still be applying the flow's last events (feed entries, a completion) while the page loads: on a difference the
 * page is loaded again, at most three times, and the last pair is returned for the assertions to compare.
 */
async function pageAndGraphql(page: Page, url: string, scope: Scope, token: string): Promise<{ shown: Record<string, string>; d: Dashboard; s: Delivery }> {
  for (let attempt = 1; ; attempt++) {
    const shown = await renderedFigures(page);
    const d = await answer<Dashboard>(url, DASHBOARD_QUERY, { ...scope, from: shown["from"], to: shown["to"] }, token, "supervisionDashboard");
    const s = await answer<Delivery>(url, DELIVERY_QUERY, scope, token, "regulatorDeliveryStatus");
    const agree = isDeepStrictEqual(only(shown, DASHBOARD_NAMES), expectedDashboardFigures(d)) && isDeepStrictEqual(withoutDeliveryTime(shown), expectedDeliveryFigures(s));
    if (agree || attempt === 3) return { shown, d, s };
    await page.click("#scope-submit");
    await loaded(page);
  }
}

async function answer<T>(url: string, query: string, variables: Record<string, unknown>, token: string, field: string): Promise<T> {
  const response = await graphql<Record<string, T>>(url, query, variables, token);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data![field]!;
}

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`dashboard e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

describe.skipIf(!hasChromium)("REP-04, REP-02, REP-05: the supervision dashboard in Chromium, embedded mode", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ihp-dashboard-"));
  let platform: EmbeddedPlatform;
  let browser: Browser;
  let demo: DemoSeed;
  let other: DemoSeed;
  let base: string;
  let url: string;
  let admin: string;
  const consoleProblems: string[] = [];

  async function freshPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (message) => {
      // Script errors and CSP violations; not the browser's own note on a refused request (a favicon, an HTTP 4xx).
      const text = message.text();
      if (text.includes("Content Security Policy") || (message.type() === "error" && !text.startsWith("Failed to load resource"))) consoleProblems.push(text);
    });
    page.on("pageerror", (error) => consoleProblems.push(error.message));
    return page;
  }

  beforeAll(async () => {
    // CI's `npm test` builds every workspace first; a lone vitest run builds the page once here.
    if (!existsSync(join(DASHBOARD_DIR, "dist", "index.html"))) {
      execFileSync(process.execPath, [join(REPO, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], { cwd: DASHBOARD_DIR, stdio: "inherit" });
    }
    platform = await startEmbeddedPlatform({
      dataDir,
      gatewayPort: 0,
      logLevel: "warn",
      // Deadlines count from the real clock: in late December they reach into next year (test calendar, weekends only;
      // the built-in years win where they exist).
      workingDayCalendarFile: writeWeekendOnlyCalendarFile(dataDir, [0, 1, 2].map((ahead) => new Date().getUTCFullYear() + ahead)),
    });
    url = platform.graphqlUrl;
    base = url.replace(/\/graphql$/, "");
    const now = new Date();
    demo = await seedDemo(url, platform.issuer, now);
    other = await seedDemo(url, platform.issuer, now, { variant: OTHER });
    const actors: FlowActors = await demoActors(url, demo);
    await runClinicalFlow(actors, "dashboard-flow-1", { prescribe: true });
    admin = await loginAs(url, ADMIN_LOGIN, ADMIN_PASSWORD);
    // The statistics read model catches up from the bus: wait until today's figures hold the flow's consult,
    // signed prescription and approval before any page is loaded.
    const today = beijingDate(now);
    await waitFor(
      async () => {
        const d = (await graphql<{ supervisionDashboard: Dashboard }>(url, DASHBOARD_QUERY, { institutionId: demo.institutionId, from: today, to: today }, admin)).data?.supervisionDashboard;
        return d !== undefined && d !== null && d.prescriptionsIssued >= 1 && d.prescriptionsApproved >= 1 && d.consultsByType.length > 0;
      },
      20_000,
      "the flow to reach the statistics read model",
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("REP-04: the page is public, static and locked down (strict CSP, nosniff); only named assets are served", async () => {
    const page = await fetch(`${base}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/https?:\/\//); // nothing from another origin
    const asset = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect((await fetch(`${base}${asset}`)).headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/dashboard/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/assets/nothing.js`)).status).toBe(404);
  });

  it("REP-04, REP-02, REP-05: an institution admin signs in; every figure drawn equals the read models' answer through GraphQL", async () => {
    const page = await freshPage();
    await page.goto(`${base}/dashboard/`);
    await page.fill("#login-name", ADMIN_LOGIN);
    await page.fill("#login-password", ADMIN_PASSWORD);
    await page.click("#login-submit");
    await loaded(page);
    expect(await page.inputValue("#scope-value")).toBe(demo.institutionId);
    expect(await page.isHidden('[data-error="dashboard"]'), await page.textContent('[data-error="dashboard"]') ?? "").toBe(true);

    // The same period the page asked for (it shows the range the gateway echoed), with the admin's own token.
    const { shown, d, s } = await pageAndGraphql(page, url, { institutionId: demo.institutionId }, admin);
    expect(d.prescriptionsIssued).toBeGreaterThanOrEqual(1);
    expect(d.consultsByType.find((c) => c.key === "FOLLOW_UP")?.count).toBeGreaterThanOrEqual(1);
    expect(only(shown, DASHBOARD_NAMES)).toEqual(expectedDashboardFigures(d));
    // The integer figures read the same as text.
    expect(await page.textContent('[data-figure="prescriptionsIssued"]')).toBe(String(d.prescriptionsIssued));
    expect(await page.textContent('[data-figure="consultsByType.FOLLOW_UP"]')).toBe(String(d.consultsByType.find((c) => c.key === "FOLLOW_UP")?.count));

    expect(withoutDeliveryTime(shown)).toEqual(expectedDeliveryFigures(s));
    expect(Date.parse(shown["delivery.asOf"]!)).toBeLessThanOrEqual(Date.parse(s.asOf));
    expect(await count(page, '[data-table="pendingUploads"] tbody tr[data-row]')).toBe(s.pendingUploads.length);
    expect(await count(page, '[data-table="openAnomalyCases"] tbody tr[data-row]')).toBe(d.openAnomalyCases.length);

    // Charts are drawn (ECharts on canvas), and nothing broke the page's content security policy.
    expect(await count(page, '[data-chart="prescriptions"] canvas')).toBeGreaterThan(0);
    expect(await count(page, '[data-chart="consult-types"] canvas')).toBeGreaterThan(0);
    expect(consoleProblems).toEqual([]);
    // The token stays in this tab: sessionStorage, never localStorage or a cookie.
    expect(await page.evaluate<number>("localStorage.length")).toBe(0);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate<number>("sessionStorage.length")).toBe(1);

    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, "dashboard.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`dashboard screenshot: ${screenshot}`);
    await page.close();
  });

  it("REP-04: a regulator with a pasted token sees their jurisdiction's figures, equal to GraphQL's", async () => {
    const regulator = demo.tokens["regulator"]!;
    const page = await freshPage();
    await page.goto(`${base}/dashboard/`);
    await page.fill("#token-input", regulator);
    await page.click("#token-submit");
    await loaded(page);
    // The demo regulator is national: the page offers their own jurisdiction first.
    expect(await page.inputValue("#scope-kind")).toBe("jurisdiction");
    const jurisdiction = await page.inputValue("#scope-value");
    expect(jurisdiction).toBe("national");
    const { shown, d, s } = await pageAndGraphql(page, url, { jurisdiction }, regulator);
    expect(only(shown, DASHBOARD_NAMES)).toEqual(expectedDashboardFigures(d));
    // Both demo institutions count under the national scope: at least the flow's prescription.
    expect(d.prescriptionsIssued).toBeGreaterThanOrEqual(1);
    expect(withoutDeliveryTime(shown)).toEqual(expectedDeliveryFigures(s));
    expect(Date.parse(shown["delivery.asOf"]!)).toBeLessThanOrEqual(Date.parse(s.asOf));
    await page.close();
  });

  it("REP-04: an institution admin of another institution is refused the first one's figures, and the page says why", async () => {
    const page = await freshPage();
    await page.goto(`${base}/dashboard/`);
    await page.fill("#login-name", `admin@${OTHER}`);
    await page.fill("#login-password", ADMIN_PASSWORD);
    await page.click("#login-submit");
    await loaded(page);
    // Their own institution first.
    expect(await page.inputValue("#scope-value")).toBe(other.institutionId);
    expect(await page.isHidden('[data-error="dashboard"]')).toBe(true);

    await page.fill("#scope-value", demo.institutionId);
    await page.click("#scope-submit");
    await loaded(page);
    const otherAdmin = await loginAs(url, `admin@${OTHER}`, ADMIN_PASSWORD);
    const refused = await graphql(url, DASHBOARD_QUERY, { institutionId: demo.institutionId, from: "2026-01-01", to: "2026-01-31" }, otherAdmin);
    const refusal = refused.errors?.[0]?.extensions as { code: string; messageZh: string };
    expect(refusal.code).toMatch(/NOT_ALLOWED|PERMISSION_DENIED/);
    const error = page.locator('[data-error="dashboard"]');
    expect(await error.getAttribute("data-code")).toBe(refusal.code);
    expect(await error.textContent()).toContain(refusal.messageZh);
    // Nothing of the other institution is drawn, and the period of the earlier answer is cleared.
    expect(await count(page, "#dashboard-sections [data-figure]")).toBe(0);
    expect(await page.getAttribute('[data-figure="asOf"]', "data-value")).toBe("null");
    const deliveryRefusal = (await graphql(url, DELIVERY_QUERY, { institutionId: demo.institutionId }, otherAdmin)).errors?.[0]?.extensions as { code: string; messageZh: string };
    expect(await page.locator('[data-error="delivery"]').getAttribute("data-code")).toBe(deliveryRefusal.code);
    expect(await count(page, "#delivery-sections [data-figure]")).toBe(0);
    await page.close();
  });

  it("REP-04: a wrong password is refused on the page with the identity service's words, and no token is kept", async () => {
    const page = await freshPage();
    await page.goto(`${base}/dashboard/`);
    await page.fill("#login-name", `admin@${OTHER}`);
    await page.fill("#login-password", "not-the-password-1");
    await page.click("#login-submit");
    const error = page.locator('[data-error="login"]');
    await error.waitFor({ state: "visible" });
    const refused = await graphql(url, `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`, { input: { loginName: `admin@${OTHER}`, password: "not-the-password-1" } });
    const refusal = refused.errors?.[0]?.extensions as { code: string; messageZh: string };
    expect(await error.getAttribute("data-code")).toBe(refusal.code);
    expect(await error.textContent()).toContain(refusal.messageZh);
    expect(await page.isHidden("#board-panel")).toBe(true);
    expect(await page.evaluate<number>("sessionStorage.length")).toBe(0);
    await page.close();
  });

  it("REP-04: a physician's token is the wrong role: the page shows the gateway's refusal in Chinese and English", async () => {
    const physician = await loginAs(url, demo.staff.physicianLogin, demo.staff.password);
    const page = await freshPage();
    await page.goto(`${base}/dashboard/`);
    await page.fill("#token-input", physician);
    await page.click("#token-submit");
    await loaded(page);
    const refused = await graphql(url, DASHBOARD_QUERY, { institutionId: demo.institutionId, from: "2026-01-01", to: "2026-01-31" }, physician);
    const refusal = refused.errors?.[0] as { message: string; extensions: { code: string; messageZh: string } };
    // The gateway's @allow refuses the role before any service is asked.
    expect(refusal.extensions.code).toBe("ROLE_NOT_ALLOWED");
    const error = page.locator('[data-error="dashboard"]');
    expect(await error.isVisible()).toBe(true);
    expect(await error.getAttribute("data-code")).toBe(refusal.extensions.code);
    expect(await error.textContent()).toContain(refusal.extensions.messageZh);
    expect(await error.textContent()).toContain(refusal.message);
    expect(await count(page, "#dashboard-sections [data-figure]")).toBe(0);

    // Signing out forgets the token.
    await page.click("#sign-out");
    expect(await page.isVisible("#login-panel")).toBe(true);
    expect(await page.evaluate<number>("sessionStorage.length")).toBe(0);
    await page.close();
  });
});
